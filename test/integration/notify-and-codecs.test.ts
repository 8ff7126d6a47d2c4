import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.ts';
import { buildJobEvent } from '../../schemas/job-event.ts';
import { createNotifyActivities } from '../../activities/notify/notify-activities.ts';
import { createDataConverter } from '../../codecs/data-converter.ts';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../codecs/encryption-codec.ts';
import { loadConfig } from '../../schemas/config.ts';
import { createNamespace } from '../helpers/temporal-server.ts';

/**
 * On a real Temporal server: the job event is redelivered durably by the retry policy until the
 * receiver accepts it (and not after a permanent rejection), and every payload in history is
 * encrypted by Quarry's data converter.
 */
const env = {
  QUARRY_ENCRYPTION_KEYS: `test-key:${randomBytes(32).toString('base64')}`,
  QUARRY_WEBHOOK_SECRET: 's3cret',
};
const taskQueue = `feed-${randomUUID().slice(0, 8)}`;
const namespace = `feed-${randomUUID().slice(0, 8)}`;
let native: NativeConnection;
let connection: Connection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let receiver: http.Server;
let base: string;
const hits: Record<string, { eventId: string }[]> = {};
let script: (path: string, n: number) => number = () => 200;

beforeAll(async () => {
  const address = inject('temporalAddress');
  native = await NativeConnection.connect({ address });
  await createNamespace(native, namespace);
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace, dataConverter: createDataConverter(loadConfig(env)) });
  const deps = { config: loadConfig(env) } as ActivityDeps;
  worker = await Worker.create({
    connection: native,
    namespace,
    taskQueue,
    workflowsPath: new URL('../helpers/feed-workflows.ts', import.meta.url).pathname,
    activities: createNotifyActivities(deps),
    dataConverter: createDataConverter(loadConfig(env)),
  });
  running = worker.run();
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      hits[path] ??= [];
      hits[path].push({ eventId: String(req.headers['x-quarry-event-id']) });
      res.writeHead(script(path, hits[path].length)).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await native?.close();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

const event = buildJobEvent({
  jobId: randomUUID(),
  status: 'Success',
  modality: 'IMAGE',
  inputUri: 's3://in/a.png',
  outputUri: 's3://out/job',
  submittedAt: '2026-01-01T00:00:00Z',
  completedAt: '2026-01-01T00:00:05Z',
});

describe('job event delivery through Temporal', () => {
  it('redelivers with backoff until the receiver accepts, only to the URL that failed', async () => {
    script = (path, n) => (path === '/flaky' && n <= 2 ? 503 : 200);
    const out = await client.workflow.execute('notifyOnce', {
      taskQueue,
      workflowId: `notify-${randomUUID()}`,
      args: [{ event, urls: [`${base}/flaky`, `${base}/steady`] }],
    });
    expect(out.delivered.sort()).toEqual([`${base}/flaky`, `${base}/steady`]);
    expect(hits['/flaky']).toHaveLength(3);
    expect(hits['/steady']).toHaveLength(1); // remembered in heartbeat details, not re-sent on retry
    expect(new Set(hits['/flaky'].map((h) => h.eventId))).toEqual(new Set([event.id])); // same id every attempt
  });

  it('stops after a permanent rejection (4xx) without retrying', async () => {
    script = (path) => (path === '/reject' ? 422 : 200);
    const err = await client.workflow
      .execute('notifyOnce', {
        taskQueue,
        workflowId: `notify-${randomUUID()}`,
        args: [{ event, urls: [`${base}/reject`] }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String(((err as WorkflowFailedError).cause?.cause as Error | undefined)?.message)).toMatch(/HTTP 422/);
    expect(hits['/reject']).toHaveLength(1);
  });
});

describe('payload codecs on a real Temporal server', () => {
  it('stores workflow inputs and results encrypted (and compressed) in history, and decodes them for the client', async () => {
    const value = {
      secret: 'the invoice total is 4242.00',
      pages: Array.from({ length: 100 }, (_, i) => `page ${i} text`),
    };
    const workflowId = `echo-${randomUUID()}`;
    expect(await client.workflow.execute('echo', { taskQueue, workflowId, args: [value] })).toEqual(value);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const completed =
      history.events?.find((e) => e.workflowExecutionCompletedEventAttributes)
        ?.workflowExecutionCompletedEventAttributes?.result?.payloads ?? [];
    expect(started.length).toBe(1);
    expect(completed.length).toBe(1);
    for (const p of [...started, ...completed]) {
      expect(new TextDecoder().decode(p.metadata?.encoding ?? new Uint8Array())).toBe(ENCRYPTED_ENCODING);
      expect(new TextDecoder().decode(p.metadata?.[KEY_ID_METADATA] ?? new Uint8Array())).toBe('test-key');
      expect(Buffer.from(p.data ?? []).toString('latin1')).not.toContain('invoice');
      expect(p.data?.length).toBeLessThan(JSON.stringify(value).length); // compressed before encryption
    }
    // a client without the key cannot read the result
    const stranger = new Client({
      connection,
      namespace,
      dataConverter: createDataConverter(loadConfig({ QUARRY_ENCRYPTION_KEYS: `other:${randomBytes(32).toString('base64')}` })),
    });
    await expect(stranger.workflow.getHandle(workflowId).result()).rejects.toThrow(/key id 'test-key'/);
  });
});
