import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.ts';
import { buildJobEvent, JobEvent } from '../../schemas/job-event.ts';
import { createNotifyActivities, WebhookFailure } from '../../activities/notify/notify-activities.ts';
import { loadConfig } from '../../schemas/config.ts';

const SECRET = 'webhook-secret-for-tests';
const depsWith = (env: Record<string, string>) => ({ config: loadConfig(env) }) as ActivityDeps;
const { sendJobEvent } = createNotifyActivities(depsWith({ QUARRY_WEBHOOK_SECRET: SECRET }), { timeoutMs: 300 });

const event = buildJobEvent({
  jobId: '4e360474-cd07-47d3-88b9-b5b8170b54e8',
  status: 'Success',
  modality: 'DOCUMENT',
  inputUri: 's3://rsm-poc/Screenshot 2025-12-30 130223.jpg',
  outputUri: 's3://rsm-poc/output/job/0',
  region: 'us-east-1',
  accountId: '123456789012',
  submittedAt: '2026-01-05T14:41:58.000Z',
  completedAt: '2026-01-05T14:42:14.250Z',
});

/** A real HTTP receiver on 127.0.0.1 whose answer each test scripts. */
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let received: Received[] = [];
let respond: (req: Received, res: http.ServerResponse) => void = (_q, res) => res.writeHead(204).end();
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      respond(r, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  received = [];
  respond = (_q, res) => res.writeHead(204).end();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function verify(r: Received, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
  const got = Buffer.from(String(r.headers['x-quarry-signature'] ?? ''));
  return got.length === expected.length && timingSafeEqual(got, expected);
}
async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApplicationFailure);
    return e as ApplicationFailure;
  }
  throw new Error('expected an ApplicationFailure');
}

describe('buildJobEvent', () => {
  it('builds the BDA EventBridge event for a success', () => {
    expect(JobEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Bedrock Data Automation Job Succeeded',
      source: 'aws.bedrock',
      account: '123456789012',
      time: '2026-01-05T14:42:14Z',
      region: 'us-east-1',
      resources: [
        'arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/4e360474-cd07-47d3-88b9-b5b8170b54e8',
      ],
      detail: {
        job_id: '4e360474-cd07-47d3-88b9-b5b8170b54e8',
        job_status: 'SUCCESS',
        semantic_modality: 'Document',
        input_s3_object: { s3_bucket: 'rsm-poc', name: 'Screenshot 2025-12-30 130223.jpg' },
        output_s3_location: { s3_bucket: 'rsm-poc', name: 'output/job/0' },
        job_duration_in_seconds: 16,
      },
    });
    expect(event.detail).not.toHaveProperty('error_message');
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('builds failure events with the error, stable ids, and region/account from the invocation ARN', () => {
    const input = {
      jobId: 'j-1',
      inputUri: 'file:///data/in/a%20b.pdf',
      outputUri: 'file:///data/out/j-1',
      invocationArn: 'arn:aws:bedrock:eu-west-1:111122223333:data-automation-invocation/j-1',
      submittedAt: new Date('2026-01-01T00:00:00Z'),
      completedAt: Date.parse('2026-01-01T00:00:02.600Z'),
      errorType: 'UnsupportedMediaType',
      errorMessage: 'not a PDF',
    };
    const client = buildJobEvent({ ...input, status: 'ClientError', modality: null });
    expect(client['detail-type']).toBe('Bedrock Data Automation Job Failed With Client Error');
    expect(client.region).toBe('eu-west-1');
    expect(client.account).toBe('111122223333');
    expect(client.detail).toMatchObject({
      job_status: 'CLIENT_ERROR',
      error_message: 'not a PDF',
      error_type: 'UnsupportedMediaType',
      job_duration_in_seconds: 3,
      input_s3_object: { s3_bucket: '', name: '/data/in/a b.pdf' },
      input_uri: 'file:///data/in/a%20b.pdf',
    });
    expect(client.detail).not.toHaveProperty('semantic_modality');
    const service = buildJobEvent({ ...input, status: 'ServiceError', modality: 'MIXED' });
    expect(service['detail-type']).toBe('Bedrock Data Automation Job Failed With Service Error');
    expect(service.detail.job_status).toBe('SERVICE_ERROR');
    expect(service.detail.semantic_modality).toBe('Mixed');
    expect(buildJobEvent({ ...input, status: 'ClientError' }).id).toBe(client.id); // same job+status → same id
    expect(service.id).not.toBe(client.id);
    expect(() => buildJobEvent({ ...input, status: 'ClientError', completedAt: 'yesterday' })).toThrow(
      /not a valid timestamp/,
    );
  });
});

describe('sendJobEvent (real HTTP receiver)', () => {
  it('POSTs the event JSON to every URL with a verifiable HMAC signature and the event id', async () => {
    const out = await sendJobEvent({ event, urls: [`${base}/hook-a`, `${base}/hook-b`] });
    expect(out).toEqual({ eventId: event.id, delivered: [`${base}/hook-a`, `${base}/hook-b`] });
    expect(received.map((r) => r.path).sort()).toEqual(['/hook-a', '/hook-b']);
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-quarry-event-id']).toBe(event.id);
      expect(verify(r, SECRET)).toBe(true);
      expect(verify(r, 'wrong-secret')).toBe(false);
      expect(JSON.parse(r.body)).toEqual(event);
    }
  });

  it('sends no signature header when no secret is configured', async () => {
    const unsigned = createNotifyActivities(depsWith({}), { timeoutMs: 300 });
    await unsigned.sendJobEvent({ event, urls: [`${base}/plain`] });
    expect(received[0].headers['x-quarry-signature']).toBeUndefined();
  });

  it('throws a retryable failure on 5xx, 408 and 429 (with Retry-After as the next delay)', async () => {
    for (const status of [500, 503, 408, 429]) {
      respond = (_q, res) => res.writeHead(status, status === 429 ? { 'retry-after': '7' } : {}).end('busy');
      const f = await failure(sendJobEvent({ event, urls: [`${base}/x`] }));
      expect(f.type).toBe(WebhookFailure.retryable);
      expect(f.nonRetryable).toBe(false);
      expect(f.message).toContain(`HTTP ${status} busy`);
      if (status === 429) expect(f.nextRetryDelay).toBe(7000);
    }
  });

  it('throws a non-retryable failure on other 4xx, redirects and unusable URLs', async () => {
    for (const status of [400, 401, 404, 410, 302]) {
      respond = (_q, res) => res.writeHead(status, status === 302 ? { location: '/elsewhere' } : {}).end();
      const f = await failure(sendJobEvent({ event, urls: [`${base}/x`] }));
      expect(f.type).toBe(WebhookFailure.rejected);
      expect(f.nonRetryable).toBe(true);
    }
    expect(received.map((r) => r.path)).not.toContain('/elsewhere');
    expect((await failure(sendJobEvent({ event, urls: ['ftp://127.0.0.1/x'] }))).nonRetryable).toBe(true);
    expect((await failure(sendJobEvent({ event, urls: ['not a url'] }))).nonRetryable).toBe(true);
    expect(
      (await failure(sendJobEvent({ event: { ...event, source: 'other' } as never, urls: [base] }))).message,
    ).toMatch(/invalid job event/);
  });

  it('treats a timeout and a refused connection as retryable', async () => {
    respond = () => undefined; // never answers
    const slow = await failure(sendJobEvent({ event, urls: [`${base}/slow`] }));
    expect(slow.nonRetryable).toBe(false);
    expect(slow.message).toMatch(/no answer within 0.3 s/);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await failure(sendJobEvent({ event, urls: [`http://127.0.0.1:${port}/gone`] }));
    expect(refused.nonRetryable).toBe(false);
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('retries when any URL failed retryably, even if another rejected the event', async () => {
    respond = (q, res) => res.writeHead(q.path === '/bad' ? 400 : 503).end();
    const f = await failure(sendJobEvent({ event, urls: [`${base}/bad`, `${base}/down`] }));
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toMatch(/failed for 2 of 2/);
  });
});
