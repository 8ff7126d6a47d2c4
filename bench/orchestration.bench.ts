/**
 * `npm run bench -- orchestration`: the cost of Quarry's orchestration alone. A real Temporal dev server
 * (SQLite file), the real job / asset / slot workflows, the real HTTP API and orchestration activities,
 * and no-op media pipelines; one batch job of tiny pdf/png/wav files, submitted through the API and polled
 * to Success. Default 1,000 files; `npm run bench -- orchestration --assets=10000` (or
 * QUARRY_BENCH_ASSETS=10000) for the large batch; `--max-minutes=N` stops a run that takes longer and
 * records how far it got (marked as such in the table). `--server=postgres` (or QUARRY_BENCH_SERVER=postgres) runs
 * the same batch on the scale-out recipe instead: a real Temporal server built from its Go modules on Debian's
 * PostgreSQL (fsync on), the API in this process and two worker processes (test/helpers/worker-process.ts, every
 * queue). Every size's latest run on each server is kept in bench/orchestration/results.json, so the table shows
 * them side by side.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobWorkflowId } from '../api/job-id.ts';
import { jobProgressQuery } from '../workflows/job.ts';
import { startDevServer } from '../cli/dev-server.ts';
import { freePort } from '../cli/free-port.ts';
import { loadConfig } from '../schemas/config.ts';
import { magic } from '../test/helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../test/helpers/orchestration-activities.ts';
import { NativeConnection } from '@temporalio/worker';
import type { ChildProcess } from 'node:child_process';
import { startWorkerProcess, stopWith } from '../test/helpers/processes.ts';
import { createStack, type Stack } from '../test/helpers/stack.ts';
import { startTemporalCluster } from '../test/helpers/temporal-cluster.ts';
import { createNamespace } from '../test/helpers/temporal-server.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const RESULTS = fileURLToPath(new URL('./orchestration/results.json', import.meta.url));

export interface OrchestrationRun {
  assets: number;
  wallSeconds: number;
  overheadMsPerAsset: number;
  assetsPerSecond: number;
  batchWindow: number;
  continueAsNewRuns: number;
  peakRssMb: number;
  measuredAt: string;
  machine: string;
  /** the Temporal server: the dev server (SQLite file; absent in older runs) or the recipe's server on PostgreSQL */
  server?: 'dev' | 'postgres';
  /** worker processes (1: the API and every worker in this process) */
  workerProcesses?: number;
  /** set when the run was stopped at --max-minutes before the job finished: how far it got */
  stoppedAfter?: { minutes: number; finishedAssets: number };
}

interface JobStatusReply {
  invocationArn?: string;
  status?: string;
  errorType?: string;
  errorMessage?: string;
  outputConfiguration?: { s3Uri: string };
}

function maxMinutes(): number | undefined {
  const arg =
    process.argv.find((a) => a.startsWith('--max-minutes='))?.slice('--max-minutes='.length) ??
    process.env.QUARRY_BENCH_MAX_MINUTES;
  return arg ? Number(arg) : undefined;
}

function serverKind(): 'dev' | 'postgres' {
  const arg =
    process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length) ?? process.env.QUARRY_BENCH_SERVER;
  if (arg && arg !== 'dev' && arg !== 'postgres') throw new Error(`--server is dev or postgres (got ${arg})`);
  return arg === 'postgres' ? 'postgres' : 'dev';
}

function assetCount(): number {
  const arg = process.argv.find((a) => a.startsWith('--assets='))?.slice('--assets='.length);
  const n = Number(arg ?? process.env.QUARRY_BENCH_ASSETS ?? 1000);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new Error(`--assets must be a whole number from 1 to 100000 (got ${arg})`);
  return n;
}

const QUEUES = 'orchestration,document,image,audio,video';
const batchWindow = () => process.env.QUARRY_BATCH_WINDOW ?? '50';

/** The dev server (SQLite file) with the API and every worker in this process. */
async function onDevServer<T>(fn: (stack: Stack) => Promise<T>): Promise<T> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-temporal-'));
  const port = await freePort();
  const server = await startDevServer({ binary: loadConfig().tools.temporal, home, port });
  const stack = await createStack({
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    workflowsPath: noopWorkflowsPath,
    activities: noopPipelineActivities(),
    api: true,
    env: { QUARRY_BATCH_WINDOW: batchWindow() },
  });
  try {
    return await fn(stack);
  } finally {
    await stack.close();
    await server.stop();
    await fs.rm(home, { recursive: true, force: true });
  }
}

/** The scale-out recipe: the Temporal server on PostgreSQL, the API here, two worker processes. */
async function onPostgresServer<T>(fn: (stack: Stack) => Promise<T>): Promise<T> {
  const cluster = await startTemporalCluster({ durable: true });
  const workers: ChildProcess[] = [];
  let stack: Stack | undefined;
  try {
    const native = await NativeConnection.connect({ address: cluster.address });
    await createNamespace(native, 'quarry').finally(() => native.close());
    stack = await createStack({
      address: cluster.address,
      namespace: 'quarry',
      api: true,
      workers: false,
      env: { QUARRY_BATCH_WINDOW: batchWindow() },
    });
    for (let i = 0; i < 2; i++)
      workers.push(
        await startWorkerProcess({
          TEMPORAL_ADDRESS: cluster.address,
          TEMPORAL_NAMESPACE: 'quarry',
          QUARRY_HOME: stack.config.home, // the payload key the API's process made
          QUARRY_ALLOWED_ROOTS: stack.root,
          QUARRY_DEV: '1',
          QUARRY_LOG_LEVEL: 'ERROR',
          QUARRY_BATCH_WINDOW: batchWindow(),
          QUARRY_TEST_QUEUES: QUEUES,
        }),
      );
    return await fn(stack);
  } finally {
    for (const w of workers) await stopWith(w, 'SIGTERM');
    await stack?.close();
    await cluster.stop();
  }
}

export async function runOrchestration(
  assets: number,
  opts: { maxMinutes?: number; log?: (s: string) => void; server?: 'dev' | 'postgres' } = {},
): Promise<OrchestrationRun> {
  const server = opts.server ?? 'dev';
  return (server === 'postgres' ? onPostgresServer : onDevServer)((stack) => measureBatch(stack, assets, server, opts));
}

async function measureBatch(
  stack: Stack,
  assets: number,
  server: 'dev' | 'postgres',
  opts: { maxMinutes?: number; log?: (s: string) => void },
): Promise<OrchestrationRun> {
  const log = opts.log ?? console.error;
  const where = { server, workerProcesses: server === 'postgres' ? 2 : 1 };
  {
    const inDir = path.join(stack.root, 'in');
    await fs.mkdir(inDir, { recursive: true });
    const kinds = [
      ['pdf', magic.pdf()],
      ['png', magic.png()],
      ['wav', magic.wav()],
    ] as const;
    for (let i = 0; i < assets; i++) {
      const [ext, body] = kinds[i % 3];
      await fs.writeFile(path.join(inDir, `f${String(i).padStart(6, '0')}.${ext}`), body);
    }
    const call = async (op: string, body: unknown) => {
      const res = await fetch(`${stack.api!.url}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${op}`,
        },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as JobStatusReply;
      if (!res.ok) throw new Error(`${op}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    const started = Date.now();
    const invocationArn = (
      await call('InvokeDataAutomationAsync', {
        inputConfiguration: { s3Uri: `${stack.rootUri}/in` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
      })
    ).invocationArn!;
    const jobId = invocationArn.split('/').pop()!;
    const handle = stack.client.workflow.getHandle(jobWorkflowId(jobId));
    const continueAsNewRuns = async () => {
      let runs = 0;
      for await (const _ of stack.client.workflow.list({ query: `WorkflowId = '${jobWorkflowId(jobId)}'` })) runs++;
      return runs - 1;
    };
    const machine = `${os.cpus().length} cores (shared with other agents' work), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    let status: JobStatusReply;
    let lastLog = 0;
    for (;;) {
      status = await call('GetDataAutomationStatus', { invocationArn });
      if (status.status !== 'Created' && status.status !== 'InProgress') break;
      if (opts.maxMinutes && Date.now() - started > opts.maxMinutes * 60_000) {
        // out of time: report how far the batch got, then stop it
        const wallMs = Date.now() - started;
        const progress = await handle.query(jobProgressQuery);
        const run: OrchestrationRun = {
          assets,
          wallSeconds: wallMs / 1000,
          overheadMsPerAsset: wallMs / progress.finishedAssets,
          assetsPerSecond: progress.finishedAssets / (wallMs / 1000),
          batchWindow: stack.config.quotas.batchWindow,
          continueAsNewRuns: await continueAsNewRuns(),
          peakRssMb: process.resourceUsage().maxRSS / 1024,
          measuredAt: new Date().toISOString().slice(0, 16).concat('Z'),
          machine,
          stoppedAfter: { minutes: opts.maxMinutes, finishedAssets: progress.finishedAssets },
          ...where,
        };
        await handle.terminate('benchmark time limit');
        return run;
      }
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        log(`orchestration bench: ${assets} assets, ${Math.round((Date.now() - started) / 1000)} s, ${status.status}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const wallMs = Date.now() - started;
    if (status.status !== 'Success' || status.errorType)
      throw new Error(`the job ended ${status.status} ${status.errorType ?? ''}: ${status.errorMessage ?? ''}`);

    // every asset really went through: job_metadata.json has one Success entry per file
    const meta = JSON.parse(await fs.readFile(fileURLToPath(status.outputConfiguration!.s3Uri), 'utf8')) as {
      output_metadata: { asset_processing_status: string }[];
    };
    const ok = meta.output_metadata.filter((a) => a.asset_processing_status === 'Success').length;
    if (ok !== assets) throw new Error(`job_metadata.json lists ${ok} successful assets of ${assets}`);

    const run: OrchestrationRun = {
      assets,
      wallSeconds: wallMs / 1000,
      overheadMsPerAsset: wallMs / assets,
      assetsPerSecond: assets / (wallMs / 1000),
      batchWindow: stack.config.quotas.batchWindow,
      continueAsNewRuns: await continueAsNewRuns(),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      measuredAt: new Date().toISOString().slice(0, 16).concat('Z'),
      machine,
      ...where,
    };
    return run;
  }
}

const serverName = (r: OrchestrationRun) =>
  r.server === 'postgres'
    ? `Temporal server 1.32.2 on PostgreSQL 15, ${r.workerProcesses} worker processes`
    : 'dev server (SQLite file), one process';

export function orchestrationTable(runs: OrchestrationRun[]): string {
  const rows = [...runs]
    .sort((a, b) => a.assets - b.assets || (a.server === 'postgres' ? 1 : 0) - (b.server === 'postgres' ? 1 : 0))
    .map(
      (r) =>
        `| ${r.assets.toLocaleString('en-US')}${
          r.stoppedAfter
            ? ` (stopped at the ${r.stoppedAfter.minutes}-min limit with ${r.stoppedAfter.finishedAssets.toLocaleString('en-US')} done; figures for those)`
            : ''
        } | ${serverName(r)} | ${r.wallSeconds.toFixed(1)} s | ${r.overheadMsPerAsset.toFixed(1)} ms | ${r.assetsPerSecond.toFixed(1)} | ${r.batchWindow} | ${r.continueAsNewRuns} | ${r.peakRssMb.toFixed(0)} MB | ${r.measuredAt} |`,
    );
  const machines = [...new Set(runs.map((r) => r.machine))];
  return [
    '| assets in one batch job | Temporal | wall time (submit → Success) | orchestration overhead per asset (wall ÷ assets) | assets/s | batch window | continue-as-new runs of the job | peak RSS (the bench process: API + workers on the dev server, the API alone on PostgreSQL) | measured |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `No-op media pipelines (everything else real: the Temporal server, HTTP API, job/asset/slot workflows, manifest, asset records, job_metadata.json; payloads gzip + AES-256-GCM). On PostgreSQL: fsync on, 4 history shards, the server's four services in one process, on the same 2 cores as everything else. Machine: ${machines.join('; ')}. The Temporal server's own memory is not included.`,
  ].join('\n');
}

export default async function orchestrationBench(): Promise<string> {
  const assets = assetCount();
  const server = serverKind();
  const run = await runOrchestration(assets, { maxMinutes: maxMinutes(), server });
  const all = (JSON.parse(await fs.readFile(RESULTS, 'utf8').catch(() => '[]')) as OrchestrationRun[]).filter(
    (r) => r.assets !== assets || (r.server ?? 'dev') !== server,
  );
  all.push(run);
  await fs.mkdir(path.dirname(RESULTS), { recursive: true });
  await fs.writeFile(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
  return orchestrationTable(all);
}
