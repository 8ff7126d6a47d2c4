/**
 * Observability as an operator meets it: a real job through the API with QUARRY_TRACES=file and the Temporal
 * runtime's metrics on, then `GET /metrics` scraped like Prometheus would and the trace file read back — one
 * trace from the API request through the job's workflows and activities into the document engine.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../cli/free-port.ts';
import type { SpanLine } from '../../engines/telemetry/file-span-exporter.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const SAMPLE = fileURLToPath(new URL('../../samples/sample.pdf', import.meta.url));
const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
let stack: Stack;
let sdk: BedrockDataAutomationRuntimeClient;
let tracesFile: string;

beforeAll(async () => {
  const runtimePort = await freePort();
  tracesFile = path.join(await fs.mkdtemp(path.join(process.env.TMPDIR ?? '/tmp', 'quarry-traces-')), 'traces.jsonl');
  stack = await createStack({
    address: inject('temporalAddress'),
    activities: (deps) => activitiesByQueue(deps),
    api: true,
    env: {
      QUARRY_TRACES: 'file',
      QUARRY_TRACES_FILE: tracesFile,
      QUARRY_RUNTIME_METRICS_ADDRESS: `127.0.0.1:${runtimePort}`,
    },
  });
  sdk = new BedrockDataAutomationRuntimeClient({
    endpoint: stack.api!.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });
}, 60_000);
afterAll(async () => {
  sdk?.destroy();
  await stack?.close();
});

async function runOnePdf(): Promise<string> {
  await fs.mkdir(path.join(stack.root, 'in'), { recursive: true });
  await fs.copyFile(SAMPLE, path.join(stack.root, 'in', 'sample.pdf'));
  const { invocationArn } = await sdk.send(
    new InvokeDataAutomationAsyncCommand({
      inputConfiguration: { s3Uri: `${stack.rootUri}/in/sample.pdf` },
      outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
      dataAutomationProfileArn: PROFILE,
    }),
  );
  for (let i = 0; i < 600; i++) {
    const s = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    if (s.status === 'Success') return invocationArn!;
    if (s.status !== 'Created' && s.status !== 'InProgress')
      throw new Error(`job ended ${s.status}: ${s.errorMessage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the job did not finish');
}

/** `name{labels} value` lines of a Prometheus text body whose name is `name` and whose labels include `having`. */
function samples(text: string, name: string, having: Record<string, string> = {}): number[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => Object.entries(having).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}

describe('observability of a real job', () => {
  let metricsText = '';
  let spans: SpanLine[] = [];

  it('a one-page PDF through the API succeeds with tracing and runtime metrics on', async () => {
    await runOnePdf();
    const res = await fetch(`${stack.api!.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    metricsText = await res.text();
    // workflow spans reach the exporter through a sink when their workflow task completes: give the last one a moment
    for (let i = 0; i < 50 && !spans.some((s) => s.name === 'RunWorkflow:jobWorkflow'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      const text = await fs.readFile(tracesFile, 'utf8').catch(() => '');
      spans = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SpanLine);
    }
  }, 120_000);

  it("/metrics holds Quarry's own counters, the per-phase histogram, the queues' backlog and the runtime's metrics", () => {
    expect(samples(metricsText, 'quarry_jobs_submitted_total', { operation: 'InvokeDataAutomationAsync' })).toEqual([
      1,
    ]);
    expect(samples(metricsText, 'quarry_jobs_finished_total', { status: 'Success' })).toEqual([1]);
    expect(samples(metricsText, 'quarry_assets_finished_total', { modality: 'DOCUMENT', status: 'Success' })).toEqual([
      1,
    ]);
    expect(samples(metricsText, 'quarry_pages_total').reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const pageGroup = samples(metricsText, 'quarry_activity_seconds_count', {
      activity: 'extractPageGroup',
      task_queue: 'quarry-document',
      outcome: 'completed',
    });
    expect(pageGroup[0]).toBeGreaterThanOrEqual(1);
    expect(
      samples(metricsText, 'quarry_task_queue_backlog', { task_queue: 'quarry-document', type: 'activity' }),
    ).toHaveLength(1);
    expect(
      samples(metricsText, 'quarry_task_queue_pollers', { task_queue: 'quarry-orchestration', type: 'workflow' })[0],
    ).toBeGreaterThan(0);
    // the Temporal runtime's own (Rust core) metrics, joined from its Prometheus endpoint
    expect(metricsText).toMatch(/^temporal_\w+/m);
  });

  it('one trace runs from the API request through the workflows and activities into the engine', () => {
    const request = spans.find((s) => s.name === 'bda.InvokeDataAutomationAsync');
    expect(request, `span names: ${[...new Set(spans.map((s) => s.name))].join(', ')}`).toBeDefined();
    const trace = spans.filter((s) => s.traceId === request!.traceId);
    const names = new Set(trace.map((s) => s.name));
    for (const n of [
      'StartWorkflow:jobWorkflow',
      'RunWorkflow:jobWorkflow',
      'RunWorkflow:assetWorkflow',
      'RunActivity:probeAsset',
      'RunActivity:extractPageGroup',
      'RunActivity:writeDocumentOutput',
      'document.page',
    ])
      expect(names, n).toContain(n);
    // each of them descends from the request (spans of the long-lived slot workflow end only with it: not checked)
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const fromRequest = (s: SpanLine): boolean => {
      for (let at: SpanLine | undefined = s; at; at = byId.get(at.parentSpanId ?? '')) if (at === request) return true;
      return false;
    };
    for (const s of trace.filter((t) => names.has(t.name) && /Workflow:(job|asset)|Activity:|document\./.test(t.name)))
      expect(fromRequest(s), `${s.name} descends from the request`).toBe(true);
    const page = trace.find((s) => s.name === 'document.page')!;
    const activity = trace.find((s) => s.spanId === page.parentSpanId)!;
    expect(activity.name).toBe('RunActivity:extractPageGroup');
    expect(page.durationMs).toBeGreaterThan(0);
  });
});
