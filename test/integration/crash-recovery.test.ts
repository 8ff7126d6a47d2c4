import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../cli/dev-server.ts';
import { freePort } from '../../cli/free-port.ts';
import type { JobResult } from '../../schemas/job.ts';
import { magic, writeFiles } from '../helpers/files.ts';
import { kill9, startWorkerProcess, stopWith } from '../helpers/processes.ts';
import { createStack, type Stack } from '../helpers/stack.ts';
import { temporalCliPath } from '../helpers/temporal-server.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
let server: DevServer;
let port: number;
let stack: Stack;
let worker: ChildProcess | undefined;
let workerEnv: Record<string, string>;

beforeAll(async () => {
  port = await freePort();
  const home = await fs.mkdtemp('/tmp/quarry-crash-');
  server = await startDevServer({ binary: temporalCliPath(), home, port });
  stack = await createStack({ address: `127.0.0.1:${port}`, namespace: 'default', workers: false, api: true, env: { QUARRY_BATCH_WINDOW: '4' } });
  workerEnv = {
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_NAMESPACE: 'default',
    QUARRY_HOME: stack.config.home,
    QUARRY_ALLOWED_ROOTS: stack.root,
    QUARRY_DEV: '1',
    QUARRY_NOOP_MS: '400',
    QUARRY_WRITE_LOG: path.join(stack.root, 'writes.log'),
    QUARRY_LOG_LEVEL: 'ERROR',
  };
  (stack as { serverHome?: string }).serverHome = home;
});
// each test starts its own workers: one left polling would take the next test's tasks
afterEach(async () => {
  if (worker) await kill9(worker);
  worker = undefined;
});
afterAll(async () => {
  const home = (stack as { serverHome?: string } | undefined)?.serverHome;
  await stack?.close();
  await server?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true }); // the dev server's SQLite file
});

async function submit(dir: string, token: string) {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync' },
    body: JSON.stringify({
      inputConfiguration: { s3Uri: `${stack.rootUri}/${dir}` },
      outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
      dataAutomationProfileArn: PROFILE,
      clientToken: token,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { invocationArn: string }).invocationArn.split('/').pop()!;
}

async function writesFor(_dir: string, log = 'writes.log'): Promise<string[]> {
  return (await fs.readFile(path.join(stack.root, log), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

async function verify(jobId: string, result: JobResult, n = 20) {
  expect(result.status).toBe('Success');
  expect(result.totalAssets).toBe(n);
  const meta = JSON.parse(await fs.readFile(fileURLToPath(result.jobMetadataUri), 'utf8'));
  expect(meta.output_metadata).toHaveLength(n);
  expect(meta.output_metadata.every((a: { asset_processing_status: string }) => a.asset_processing_status === 'Success')).toBe(true);
  // each asset's output exists exactly once, at its own path
  for (let i = 0; i < n; i++) {
    const dir = path.join(fileURLToPath(`${stack.rootUri}/out`), jobId, String(i), 'standard_output');
    expect(await fs.readdir(dir)).toEqual(['0']);
    expect((await fs.readdir(path.join(dir, '0'))).filter((f) => !f.endsWith('.tmp'))).toEqual(['result.json']);
  }
  // one asset workflow per file: nothing was processed as a second, duplicate asset
  const children = await stack.client.workflow.count(`WorkflowId STARTS_WITH 'quarry-job-${jobId}/asset-' AND WorkflowType = 'assetWorkflow'`);
  expect(children.count).toBe(n);
}

const files = () => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${String(i).padStart(2, '0')}.pdf`, magic.pdf()]));

describe('nothing is lost, nothing duplicated', () => {
  it('kill -9 of the worker during a 20-file batch, then a restart: every file finishes once', async () => {
    await writeFiles(path.join(stack.root, 'batch1'), files());
    worker = await startWorkerProcess(workerEnv);
    const jobId = await submit('batch1', 'crash-worker');
    while ((await writesFor('batch1')).length < 5) await new Promise((r) => setTimeout(r, 100));
    await kill9(worker);
    const before = (await writesFor('batch1')).length;
    expect(before).toBeLessThan(20);
    worker = await startWorkerProcess(workerEnv);
    const result: JobResult = await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result();
    await verify(jobId, result);
    const writes = await writesFor('batch1');
    const perAsset = new Map<string, number>();
    for (const w of writes) perAsset.set(w, (perAsset.get(w) ?? 0) + 1);
    expect(perAsset.size).toBe(20);
    // an activity cut off by the kill may run again (at-least-once); it rewrites the same path atomically
    expect(Math.max(...perAsset.values())).toBeLessThanOrEqual(2);
  });

  it('a restart of the Temporal dev server mid-batch: the batch resumes from its SQLite file', async () => {
    await fs.rm(path.join(stack.root, 'writes.log'), { force: true });
    await writeFiles(path.join(stack.root, 'batch2'), files());
    worker = await startWorkerProcess(workerEnv);
    const jobId = await submit('batch2', 'crash-server');
    while ((await writesFor('batch2')).length < 5) await new Promise((r) => setTimeout(r, 100));
    await server.stop();
    await new Promise((r) => setTimeout(r, 1000));
    server = await startDevServer({ binary: temporalCliPath(), home: (stack as { serverHome?: string }).serverHome!, port });
    let result: JobResult | undefined;
    for (let i = 0; i < 60 && !result; i++) {
      try {
        result = await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result();
      } catch (e) {
        if (i === 59) throw e;
        await new Promise((r) => setTimeout(r, 1000)); // the client reconnects to the restarted server
      }
    }
    await verify(jobId, result!);
  });
});

describe('SIGTERM drains the worker', () => {
  const four = () => Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`g${i}.pdf`, magic.pdf()]));
  const logs = async (name: string) => {
    await fs.rm(path.join(stack.root, `${name}-starts.log`), { force: true });
    await fs.rm(path.join(stack.root, `${name}-writes.log`), { force: true });
    return { QUARRY_START_LOG: path.join(stack.root, `${name}-starts.log`), QUARRY_WRITE_LOG: path.join(stack.root, `${name}-writes.log`) };
  };

  it('an activity running at SIGTERM finishes within the grace time, and the worker exits 0', async () => {
    await writeFiles(path.join(stack.root, 'drain1'), four());
    const env = { ...workerEnv, ...(await logs('drain1')), QUARRY_NOOP_MS: '1500', QUARRY_SHUTDOWN_GRACE_SECONDS: '60' };
    worker = await startWorkerProcess(env);
    const jobId = await submit('drain1', 'drain-finishes');
    while ((await writesFor('drain1', 'drain1-starts.log')).length < 1) await new Promise((r) => setTimeout(r, 50));
    expect(await stopWith(worker, 'SIGTERM')).toEqual({ code: 0, signal: null });
    // every activity the worker had started when it was told to stop completed before it exited
    const started = await writesFor('drain1', 'drain1-starts.log');
    const written = await writesFor('drain1', 'drain1-writes.log');
    expect(started.length).toBeGreaterThan(0);
    expect([...written].sort()).toEqual([...started].sort());
    // the rest of the batch is picked up by the next worker; nothing done during the drain is redone
    worker = await startWorkerProcess({ ...env, QUARRY_NOOP_MS: '0' });
    await verify(jobId, await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result(), 4);
    const all = await writesFor('drain1', 'drain1-writes.log');
    expect([...all].sort()).toEqual(['0', '1', '2', '3']);
  });

  it('an activity still running when the grace time is over is cancelled, retried by the next worker, and the worker exits 0', async () => {
    await writeFiles(path.join(stack.root, 'drain2'), four());
    const env = { ...workerEnv, ...(await logs('drain2')), QUARRY_NOOP_MS: '600000', QUARRY_SHUTDOWN_GRACE_SECONDS: '1' };
    worker = await startWorkerProcess(env);
    const jobId = await submit('drain2', 'drain-cancels');
    while ((await writesFor('drain2', 'drain2-starts.log')).length < 1) await new Promise((r) => setTimeout(r, 50));
    expect(await stopWith(worker, 'SIGTERM')).toEqual({ code: 0, signal: null });
    const cutOff = await writesFor('drain2', 'drain2-starts.log');
    expect(await writesFor('drain2', 'drain2-writes.log')).toEqual([]); // none of them finished: they were cancelled
    worker = await startWorkerProcess({ ...env, QUARRY_NOOP_MS: '0' });
    await verify(jobId, await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result(), 4);
    // the cut-off attempts ran again (on the new worker), and every asset was written exactly once
    const starts = await writesFor('drain2', 'drain2-starts.log');
    for (const a of cutOff) expect(starts.filter((s) => s === a).length).toBeGreaterThanOrEqual(2);
    expect([...(await writesFor('drain2', 'drain2-writes.log'))].sort()).toEqual(['0', '1', '2', '3']);
  });
});
