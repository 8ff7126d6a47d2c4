/**
 * Durable and prompt, from the outside, as an operator would see it: a mixed batch (documents, an image, audio, a
 * video) through a real `quarry dev` process, submitted through the API; kill -9 of its whole process group mid-batch
 * (a machine crash: API, workers, Temporal dev server and their tools); `quarry dev` again on the same state folder.
 * Then the same with only a `quarry worker` process killed while the Temporal server and `quarry api` live. Each
 * time every asset finishes within a minute of the restart (more on a machine too busy for that: recoveryLimit),
 * once, equal to a clean run's, and the output folder holds nothing but results.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../cli/dev-server.ts';
import { freePort } from '../../cli/free-port.ts';
import { killGroup, type QuarryProcess, startQuarry } from '../helpers/processes.ts';
import { temporalCliPath } from '../helpers/temporal-server.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
/**
 * Three documents (a PDF with a text layer, a scan, a DOCX), an image, a short recording (the first 8 s of
 * samples/sample.wav: whisper dominates the batch's time on a busy machine), a video with an audio track.
 */
const BATCH = ['sample.pdf', 'sample-scanned.pdf', 'sample.docx', 'sample.png', 'speech.wav', 'sample.mp4'];
const RECOVERY_LIMIT_S = 60;
/**
 * Within a minute of the restart; on a machine so busy that the uninterrupted batch takes more than half a minute
 * itself, the bound grows with it: the batch's own time plus 30 s for the restart (about 8 s) and the heartbeat
 * timeout (15 s) of the activities that were running. What is measured is the recovery, not the machine's speed.
 */
const recoveryLimit = () => Math.max(RECOVERY_LIMIT_S, cleanSeconds + 30);

let root: string;
const running = new Set<QuarryProcess>();
let server: DevServer | undefined;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-durability-'));
  await fs.mkdir(path.join(root, 'in'));
  for (const f of BATCH.filter((f) => f !== 'speech.wav')) await fs.copyFile(path.join('samples', f), path.join(root, 'in', f));
  const ffmpeg = process.env.QUARRY_FFMPEG ?? 'ffmpeg';
  execFileSync(ffmpeg, ['-v', 'error', '-i', 'samples/sample.wav', '-t', '8', '-c', 'copy', path.join(root, 'in', 'speech.wav')]);
});
afterAll(async () => {
  for (const p of running) await killGroup(p.child);
  await server?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

/** Environment every Quarry process of a test shares: one state folder, the test's folder as storage. */
const baseEnv = (state: string) => ({
  QUARRY_HOME: state,
  QUARRY_ALLOWED_ROOTS: root,
  QUARRY_DEV: '1',
  QUARRY_LOG_LEVEL: 'ERROR',
});

async function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<QuarryProcess> {
  const p = await startQuarry(args, env, ready);
  running.add(p);
  return p;
}
async function crash(p: QuarryProcess): Promise<void> {
  await killGroup(p.child);
  running.delete(p);
}

async function runtime<T>(api: string, target: string, body: object): Promise<T> {
  const res = await fetch(`${api}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${target}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Submits the batch; resolves with the job id and its output folder. */
async function submit(api: string, out: string): Promise<{ jobId: string; arn: string; dir: string }> {
  const { invocationArn } = await runtime<{ invocationArn: string }>(api, 'InvokeDataAutomationAsync', {
    inputConfiguration: { s3Uri: pathToFileURL(path.join(root, 'in')).href },
    outputConfiguration: { s3Uri: pathToFileURL(path.join(root, out)).href },
    dataAutomationProfileArn: PROFILE,
  });
  const jobId = invocationArn.split('/').pop()!;
  return { jobId, arn: invocationArn, dir: path.join(root, out, jobId) };
}

/** Polls the job's status through the API until it has ended; the API may be restarting meanwhile. */
async function finished(api: string, arn: string, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const s = await runtime<{ status: string; errorMessage?: string }>(api, 'GetDataAutomationStatus', { invocationArn: arn }).catch(
      () => undefined,
    );
    if (s && s.status !== 'Created' && s.status !== 'InProgress') return s.errorMessage ? `${s.status}: ${s.errorMessage}` : s.status;
    if (Date.now() > deadline) throw new Error(`job not finished within ${withinMs / 1000} s (status ${s?.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

/**
 * Every file of a job's output folder (hidden ones included: a temp file or a work area left behind shows here),
 * its text with the job's own folder and id replaced, so two runs of the same batch compare equal.
 */
async function outputsOf(job: { jobId: string; dir: string }): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await filesUnder(job.dir)) {
    const text = await fs.readFile(path.join(job.dir, f), 'utf8');
    out[f] = text.replaceAll(job.dir, '<job>').replaceAll(job.jobId, '<job-id>');
  }
  return out;
}

/** The assets whose outcome is recorded (their pipeline finished), with the inode of their result. */
async function assetsDone(job: { dir: string }): Promise<Map<string, number>> {
  const done = new Map<string, number>();
  for (const e of await fs.readdir(job.dir).catch(() => [] as string[])) {
    if (!/^\d+$/.test(e)) continue;
    const record = await fs.stat(path.join(job.dir, e, '.quarry_asset.json')).catch(() => undefined);
    if (record) done.set(e, (await fs.stat(path.join(job.dir, e, 'standard_output', '0', 'result.json'))).ino);
  }
  return done;
}

/** Waits until the first asset of the batch has finished (the others are being processed: the moment to crash). */
async function midBatch(job: { dir: string }): Promise<Map<string, number>> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const done = await assetsDone(job);
    if (done.size >= 1) return done;
    if (Date.now() > deadline) throw new Error('no asset of the batch finished within 90 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function assetWorkflows(address: string, jobId: string): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const { count } = await client.workflow.count(`WorkflowId STARTS_WITH 'quarry-job-${jobId}/asset-' AND WorkflowType = 'assetWorkflow'`);
    return count;
  } finally {
    await connection.close();
  }
}

/**
 * Where the time after the restart went: each activity of the job's workflows that ended after `since`, with when it
 * was scheduled, when its last attempt started and ended (seconds after `since`) and that attempt's number.
 */
async function timeline(address: string, jobId: string, since: number): Promise<string[]> {
  const connection = await Connection.connect({ address });
  const lines: string[] = [];
  const at = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    ((Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6 - since) / 1000).toFixed(1);
  try {
    // the raw service: the payloads are encrypted, and only the events' times and types are wanted here
    const service = connection.workflowService;
    const query = `WorkflowId STARTS_WITH 'quarry-job-${jobId}'`;
    const { executions } = await service.listWorkflowExecutions({ namespace: 'default', query, pageSize: 100 });
    for (const { execution } of executions ?? []) {
      const { history } = await service.getWorkflowExecutionHistory({ namespace: 'default', execution, maximumPageSize: 1000 });
      const scheduled = new Map<string, { type: string; at: string; started?: string; attempt?: number | null }>();
      for (const e of history?.events ?? []) {
        if (e.activityTaskScheduledEventAttributes)
          scheduled.set(String(e.eventId), { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at: at(e.eventTime) });
        const started = e.activityTaskStartedEventAttributes;
        const s0 = started && scheduled.get(String(started.scheduledEventId));
        if (s0) Object.assign(s0, { started: at(e.eventTime), attempt: started.attempt });
        const ended =
          e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
        const s = ended && scheduled.get(String(ended.scheduledEventId));
        const name = execution?.workflowId?.split('/').slice(1).join('/') || 'job';
        if (s && Number(at(e.eventTime)) > 0)
          lines.push(`${name} ${s.type}: scheduled ${s.at} s, attempt ${s.attempt} ${s.started} s → ${at(e.eventTime)} s`);
        const lost = e.workflowTaskTimedOutEventAttributes;
        if (lost && Number(at(e.eventTime)) > 0)
          lines.push(`${name} workflow task timed out (${lost.timeoutType}) at ${at(e.eventTime)} s`);
      }
    }
  } finally {
    await connection.close();
  }
  return lines.sort();
}

let clean: Record<string, string> | undefined;
let cleanSeconds = 0;
/** The batch's outputs from a run nothing interrupted (once per file: both tests compare to it). */
async function cleanRun(api: string): Promise<Record<string, string>> {
  if (!clean) {
    const t = Date.now();
    const job = await submit(api, 'out-clean');
    expect(await finished(api, job.arn, 120_000)).toBe('Success');
    cleanSeconds = (Date.now() - t) / 1000;
    clean = await outputsOf(job);
  }
  return clean;
}

/** After recovery: every asset once, results equal to the clean run's, nothing else in the output folder. */
async function expectRecovered(job: { jobId: string; dir: string }, before: Map<string, number>, address: string) {
  const reference = clean!;
  expect(Object.keys(reference).filter((f) => f.endsWith('result.json'))).toHaveLength(BATCH.length);
  expect(await outputsOf(job)).toEqual(reference);
  expect(await assetWorkflows(address, job.jobId)).toBe(BATCH.length);
  // an asset that had finished before the crash was not processed again: its result is the same file
  const after = await assetsDone(job);
  for (const [asset, ino] of before) expect(after.get(asset), `asset ${asset} rewritten`).toBe(ino);
}

/** Prints the recovery time; when the job failed or took too long, also where the time went. */
async function report(
  what: string,
  outcome: { status: string; seconds: number },
  killedAfter: Map<string, number>,
  at: { address: string; jobId: string; restart: number },
) {
  const slow = outcome.status !== 'Success' || outcome.seconds >= recoveryLimit();
  const summary =
    `[durability] ${what}: ${killedAfter.size}/${BATCH.length} assets done at the kill; ${outcome.status} ` +
    `${outcome.seconds.toFixed(1)} s after the restart (the batch uninterrupted: ${cleanSeconds.toFixed(1)} s; limit ${recoveryLimit().toFixed(0)} s)`;
  console.log(
    [
      summary,
      ...(slow ? (await timeline(at.address, at.jobId, at.restart)).map((l) => `  ${l}`) : []),
    ].join('\n'),
  );
}

describe('a crashed stack recovers within a minute', () => {
  it('kill -9 of the whole `quarry dev` process group mid-batch, then `quarry dev` again on the same state folder', async () => {
    const state = path.join(root, 'state-dev');
    const [temporalPort, apiPort, codecPort, uiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = {
      ...baseEnv(state),
      QUARRY_TEMPORAL_PORT: String(temporalPort),
      QUARRY_API_PORT: String(apiPort),
      QUARRY_CODEC_PORT: String(codecPort),
      QUARRY_UI_PORT: String(uiPort),
    };
    const api = `http://127.0.0.1:${apiPort}`;
    const dev = await start(['dev'], env, /\[dev\] ready/);
    await cleanRun(api);

    const job = await submit(api, 'out-crash');
    const before = await midBatch(job);
    await crash(dev);
    expect(before.size).toBeLessThan(BATCH.length);
    await expect(fs.stat(path.join(job.dir, 'job_metadata.json'))).rejects.toThrow();

    const restart = Date.now();
    await start(['dev'], env, /\[dev\] ready/);
    const status = await finished(api, job.arn, 2 * recoveryLimit() * 1000);
    const recovered = (Date.now() - restart) / 1000;
    const at = { address: `127.0.0.1:${temporalPort}`, jobId: job.jobId, restart };
    await report('kill -9 of `quarry dev`', { status, seconds: recovered }, before, at);
    expect(status).toBe('Success');
    expect(recovered).toBeLessThan(recoveryLimit());
    await expectRecovered(job, before, `127.0.0.1:${temporalPort}`);
  }, 300_000);

  it('kill -9 of a `quarry worker` process (and its tools) mid-batch while the Temporal server and the API live', async () => {
    const state = path.join(root, 'state-worker');
    const [temporalPort, apiPort] = [await freePort(), await freePort()];
    server = await startDevServer({ binary: temporalCliPath(), home: state, port: temporalPort });
    const env = { ...baseEnv(state), TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, TEMPORAL_NAMESPACE: 'default' };
    const api = `http://127.0.0.1:${apiPort}`;
    await start(['api'], { ...env, QUARRY_API_PORT: String(apiPort) }, /\[api\] listening/);
    const worker = await start(['worker'], env, /\[worker\] serving/);
    await cleanRun(api);

    const job = await submit(api, 'out-worker-crash');
    const before = await midBatch(job);
    await crash(worker);
    expect(before.size).toBeLessThan(BATCH.length);

    const restart = Date.now();
    await start(['worker'], env, /\[worker\] serving/);
    const status = await finished(api, job.arn, 2 * recoveryLimit() * 1000);
    const recovered = (Date.now() - restart) / 1000;
    const at = { address: `127.0.0.1:${temporalPort}`, jobId: job.jobId, restart };
    await report('kill -9 of `quarry worker`', { status, seconds: recovered }, before, at);
    expect(status).toBe('Success');
    expect(recovered).toBeLessThan(recoveryLimit());
    await expectRecovered(job, before, `127.0.0.1:${temporalPort}`);
  }, 300_000);
});
