/**
 * `npm run bench -- latency`: how long one small job takes as a user waits for it — submit through the API →
 * `Success` — on the Temporal dev server (SQLite), with the real workflows and activities: a 1-page PDF, one
 * image, 10 s of audio; one warm-up, then N jobs each (default 20, `--jobs=N`), one at a time, polled every
 * 20 ms. Traces on (QUARRY_TRACES=file): each job's trace says where its time went — the activities' own work
 * (the anchor: what the engines cost) and the rest (orchestration: workflow tasks, queues, polling).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '../cli/dev-server.ts';
import { freePort } from '../cli/free-port.ts';
import type { SpanLine } from '../engines/telemetry/file-span-exporter.ts';
import { loadConfig } from '../schemas/config.ts';
import { createStack } from '../test/helpers/stack.ts';
import { activitiesByQueue } from '../worker/activities.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const SAMPLES = fileURLToPath(new URL('../samples/', import.meta.url));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function jobs(): number {
  const arg = process.argv.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length);
  const n = Number(arg ?? process.env.QUARRY_BENCH_JOBS ?? 20);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--jobs must be a positive whole number (got ${arg})`);
  return n;
}

async function inputs(dir: string): Promise<{ kind: string; file: string }[]> {
  const pdf = path.join(dir, 'one-page.pdf');
  execFileSync('qpdf', [path.join(SAMPLES, 'sample.pdf'), '--pages', '.', '1', '--', pdf]);
  const wav = path.join(dir, 'ten-seconds.wav');
  execFileSync('sox', [path.join(SAMPLES, 'sample.wav'), wav, 'trim', '0', '10']);
  const png = path.join(dir, 'image.png');
  await fs.copyFile(path.join(SAMPLES, 'sample.png'), png);
  return [
    { kind: '1-page PDF (text layer)', file: pdf },
    { kind: 'image (PNG)', file: png },
    { kind: '10-s audio (WAV)', file: wav },
  ];
}

interface Phase {
  name: string;
  ms: number;
}

/** The spans of the trace a job's API request started, as phases: activities by type, and the job's whole span. */
function phasesOf(spans: SpanLine[], traceId: string): { activityMs: number; phases: Phase[] } {
  const trace = spans.filter((s) => s.traceId === traceId);
  const activities = trace.filter((s) => s.name.startsWith('RunActivity:'));
  const byName = new Map<string, number>();
  for (const a of activities) {
    const name = a.name.slice('RunActivity:'.length);
    byName.set(name, (byName.get(name) ?? 0) + a.durationMs);
  }
  // activities of one job run one after another except page groups and chunks: their union is the work's wall time
  const intervals = activities.map((a) => [a.startMs, a.startMs + a.durationMs] as const).sort((a, b) => a[0] - b[0]);
  let activityMs = 0;
  let end = -Infinity;
  for (const [s, e] of intervals) {
    if (e <= end) continue;
    activityMs += e - Math.max(s, end);
    end = e;
  }
  return { activityMs, phases: [...byName].map(([name, ms]) => ({ name, ms })) };
}

export default async function latency(): Promise<string> {
  const n = jobs();
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-latency-'));
  const port = await freePort();
  const server = await startDevServer({ binary: loadConfig().tools.temporal, home, port });
  const tracesFile = path.join(home, 'traces.jsonl');
  const stack = await createStack({
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    activities: (deps) => activitiesByQueue(deps),
    api: true,
    env: { QUARRY_TRACES: 'file', QUARRY_TRACES_FILE: tracesFile },
  });
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const rows: string[] = [];
  try {
    const files = await inputs(stack.root);
    const call = async (target: string, body: unknown) => {
      const r = await fetch(`${stack.api!.url}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}`,
        },
        body: JSON.stringify(body),
      });
      return (await r.json()) as { invocationArn?: string; status?: string; errorMessage?: string };
    };
    let seq = 0;
    const runOne = async (file: string) => {
      const t0 = performance.now();
      const { invocationArn } = await call('InvokeDataAutomationAsync', {
        inputConfiguration: { s3Uri: `file://${file}` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out/${seq++}` },
        dataAutomationProfileArn: PROFILE,
      });
      for (;;) {
        const s = await call('GetDataAutomationStatus', { invocationArn });
        if (s.status === 'Success') return performance.now() - t0;
        if (s.status !== 'Created' && s.status !== 'InProgress')
          throw new Error(`${file}: ${s.status} ${s.errorMessage}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    for (const { kind, file } of files) {
      await runOne(file); // warm-up: models loaded, workflow code cached
      const before = (await fs.readFile(tracesFile, 'utf8').catch(() => '')).length;
      const walls: number[] = [];
      for (let i = 0; i < n; i++) walls.push(await runOne(file));
      await new Promise((r) => setTimeout(r, 1_000)); // the last spans: through a sink, then a batch every 0.5 s
      const spans = (await fs.readFile(tracesFile, 'utf8'))
        .slice(before)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SpanLine);
      const requests = spans.filter((s) => s.name === 'bda.InvokeDataAutomationAsync');
      const perJob = requests.map((r) => phasesOf(spans, r.traceId));
      const work = median(perJob.map((p) => p.activityMs));
      const wall = median(walls);
      const phaseMs = new Map<string, number[]>();
      for (const p of perJob) for (const ph of p.phases) phaseMs.set(ph.name, [...(phaseMs.get(ph.name) ?? []), ph.ms]);
      const top = [...phaseMs]
        .map(([name, ms]) => ({ name, ms: median(ms) }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 4)
        .map((p) => `${p.name} ${Math.round(p.ms)}`)
        .join(', ');
      rows.push(
        `| ${kind} | ${n} | ${(wall / 1000).toFixed(2)} | ${(Math.max(...walls) / 1000).toFixed(2)} | ${(work / 1000).toFixed(2)} | ${((wall - work) / 1000).toFixed(2)} | ${(wall / Math.max(1, work)).toFixed(1)}× | ${top} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  } finally {
    await stack.close();
    await server.stop();
    await fs.rm(home, { recursive: true, force: true });
  }
  return [
    `One small job, submit → \`Success\` through the API on the dev server (SQLite), one at a time; machine load at start ${load} (1/5/15 min).`,
    "The anchor is the job's own work: the wall time its activities ran (union of their spans in the job's trace); the rest is orchestration (workflow tasks, task queues, the 20-ms status polls).",
    '',
    '| input | jobs | median s | max s | activities s (median) | orchestration s | wall ÷ work | largest activities (median ms) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
