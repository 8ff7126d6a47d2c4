import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
  InvokeDataAutomationCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
let stack: Stack;
let receiver: http.Server;
const events: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      events.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  stack = await createStack({
    address: inject('temporalAddress'),
    workflowsPath: noopWorkflowsPath,
    activities: noopPipelineActivities(),
    api: true,
    env: {
      QUARRY_DEV: '0',
      QUARRY_API_KEYS: 'AKIDTENANTA:tenant-a,AKIDTENANTB:tenant-b',
      QUARRY_WEBHOOK_URLS: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      QUARRY_WEBHOOK_SECRET: 's3cret',
    },
  });
  await writeFiles(path.join(stack.root, 'in'), { 'a.pdf': magic.pdf(), 'b.png': magic.png() });
});
afterAll(async () => {
  await stack?.close();
  receiver?.close();
});

const sdk = (accessKeyId: string) =>
  new BedrockDataAutomationRuntimeClient({
    endpoint: stack.api!.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: accessKeyId }, // a QUARRY_API_KEYS key is its own secret
    maxAttempts: 1,
  });

describe('API keys and tenants', () => {
  it('refuses a request without a valid key when not in dev mode', async () => {
    await expect(
      sdk('AKIDUNKNOWN').send(
        new GetDataAutomationStatusCommand({ invocationArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-invocation/x' }),
      ),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
  });

  it("a tenant cannot see another tenant's job", async () => {
    const { invocationArn } = await sdk('AKIDTENANTA').send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in/a.pdf` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    await expect(sdk('AKIDTENANTB').send(new GetDataAutomationStatusCommand({ invocationArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const mine = await sdk('AKIDTENANTA').send(new GetDataAutomationStatusCommand({ invocationArn }));
    expect(['Created', 'InProgress', 'Success']).toContain(mine.status);
  });
});

describe('sync InvokeDataAutomation', () => {
  it('returns the standard output inline for inline bytes', async () => {
    const r = await sdk('AKIDTENANTA').send(
      new InvokeDataAutomationCommand({ inputConfiguration: { bytes: magic.pdf() }, dataAutomationProfileArn: PROFILE }),
    );
    expect(r.semanticModality).toBe('DOCUMENT');
    expect(r.outputSegments).toHaveLength(1);
    const std = JSON.parse(r.outputSegments![0].standardOutput!);
    expect(std.metadata.semantic_modality).toBe('DOCUMENT');
  });

  it('a bad file in a sync call is a 400 with the reason', async () => {
    await expect(
      sdk('AKIDTENANTA').send(
        new InvokeDataAutomationCommand({ inputConfiguration: { bytes: Buffer.from('BM......') }, dataAutomationProfileArn: PROFILE }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/UnsupportedMediaType: unsupported file type BMP/) });
  });
});

describe('ListJobs and notifications', () => {
  it('lists the tenant’s jobs, and POSTs a signed EventBridge-shaped event when asked', async () => {
    const { invocationArn } = await sdk('AKIDTENANTB').send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
        notificationConfiguration: { eventBridgeConfiguration: { eventBridgeEnabled: true } },
      }),
    );
    const jobId = invocationArn!.split('/').pop()!;
    for (let i = 0; i < 100 && !events.some((e) => e.body.includes(jobId)); i++) await new Promise((r) => setTimeout(r, 200));
    const ev = events.find((e) => e.body.includes(jobId))!;
    expect(ev).toBeDefined();
    const body = JSON.parse(ev.body);
    expect(body).toMatchObject({ source: 'aws.bedrock', 'detail-type': 'Bedrock Data Automation Job Succeeded', detail: { job_id: jobId } });
    expect(ev.headers['x-quarry-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

    let listed: { jobs: { invocationArn: string; status: string }[] } = { jobs: [] };
    for (let i = 0; i < 50 && !listed.jobs.some((j) => j.invocationArn === invocationArn && j.status === 'Success'); i++) {
      listed = (await (await fetch(`${stack.api!.url}/jobs?status=Success`, { headers: { 'x-api-key': 'AKIDTENANTB' } })).json()) as typeof listed;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed.jobs.map((j) => j.invocationArn)).toContain(invocationArn);
    const other = (await (await fetch(`${stack.api!.url}/jobs`, { headers: { 'x-api-key': 'AKIDTENANTA' } })).json()) as typeof listed;
    expect(other.jobs.map((j) => j.invocationArn)).not.toContain(invocationArn);
  });
});
