import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../cli/dev-server.ts';
import { freePort } from '../../cli/free-port.ts';
import type { JobResult } from '../../schemas/job.ts';
import { magic, writeFiles } from '../helpers/files.ts';
import { kill9, startWorkerProcess } from '../helpers/processes.ts';
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
afterAll(async () => {
  if (worker) await kill9(worker);
  await stack?.close();
  await server?.stop();
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

async function writesFor(_dir: string): Promise<string[]> {
  return (await fs.readFile(path.join(stack.root, 'writes.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

async function verify(jobId: string, result: JobResult) {
  expect(result.status).toBe('Success');
  expect(result.totalAssets).toBe(20);
  const meta = JSON.parse(await fs.readFile(fileURLToPath(result.jobMetadataUri), 'utf8'));
  expect(meta.output_metadata).toHaveLength(20);
  expect(meta.output_metadata.every((a: { asset_processing_status: string }) => a.asset_processing_status === 'Success')).toBe(true);
  // each asset's output exists exactly once, at its own path
  for (let i = 0; i < 20; i++) {
    const dir = path.join(fileURLToPath(`${stack.rootUri}/out`), jobId, String(i), 'standard_output');
    expect(await fs.readdir(dir)).toEqual(['0']);
    expect((await fs.readdir(path.join(dir, '0'))).filter((f) => !f.endsWith('.tmp'))).toEqual(['result.json']);
  }
  // one asset workflow per file: nothing was processed as a second, duplicate asset
  const children = await stack.client.workflow.count(`WorkflowId STARTS_WITH 'quarry-job-${jobId}/asset-' AND WorkflowType = 'assetWorkflow'`);
  expect(children.count).toBe(20);
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
