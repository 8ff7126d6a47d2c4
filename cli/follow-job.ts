import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { ApiClient } from './api-client.ts';
import { formatTable } from './table.ts';

interface Detail {
  status: string;
  errorType?: string;
  errorMessage?: string;
  outputConfiguration: { s3Uri: string };
  progress?: {
    totalAssets: number | null;
    finishedAssets: number;
    failedAssets: number;
    runningAssets: { assetIndex: number; uri: string; phase: string }[];
  };
}

const PHASES = ['probing', 'waiting-for-slot', 'processing', 'shaping', 'done'];

/** Polls a job until it ends, drawing an overall bar and one bar per asset in flight (when on a TTY). */
export async function followJob(api: ApiClient, jobId: string, opts: { quiet: boolean }): Promise<Detail> {
  const tty = process.stderr.isTTY && !opts.quiet;
  const multi = tty
    ? new cliProgress.MultiBar(
        { format: ' {bar} {label}', barsize: 24, hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const overall = multi?.create(1, 0, { label: 'assets' });
  const bars = new Map<number, cliProgress.SingleBar>();
  let last: Detail;
  for (;;) {
    last = await api.get<Detail>(`/jobs/${jobId}`);
    const p = last.progress;
    if (multi && p) {
      overall!.setTotal(p.totalAssets ?? 1);
      overall!.update(p.finishedAssets, { label: `assets ${p.finishedAssets}/${p.totalAssets ?? '?'} (${p.failedAssets} failed) — ${last.status}` });
      const live = new Set(p.runningAssets.map((a) => a.assetIndex));
      for (const a of p.runningAssets) {
        let bar = bars.get(a.assetIndex);
        if (!bar) {
          bar = multi.create(PHASES.length, 0, { label: '' });
          bars.set(a.assetIndex, bar);
        }
        bar.update(PHASES.indexOf(a.phase) + 1, { label: `${path.basename(a.uri)}: ${a.phase}` });
      }
      for (const [i, bar] of bars) {
        if (!live.has(i)) {
          bar.update(PHASES.length, { label: `${(bar as unknown as { payload?: { label?: string } }).payload?.label?.split(':')[0] ?? i}: done` });
          bar.stop();
          multi.remove(bar);
          bars.delete(i);
        }
      }
    }
    if (last.status !== 'Created' && last.status !== 'InProgress') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (multi) {
    overall!.update(overall!.getTotal(), { label: `assets done — ${last.status}` });
    multi.stop();
  }
  return last;
}

interface JobMetadata {
  output_metadata: {
    asset_id: number;
    asset_input_path: { uri?: string; s3_key: string };
    asset_processing_status: string;
    semantic_modality: string | null;
    error_type?: string;
    error_message?: string;
    segment_metadata: { standard_output_path: string; custom_output_path?: string; custom_output_status?: string }[];
  }[];
}

/** The end-of-run summary: one row per asset, read from job_metadata.json when it is local. */
export async function summarize(detail: Detail): Promise<{ text: string; metadata?: JobMetadata }> {
  const uri = detail.outputConfiguration.s3Uri;
  if (!uri.startsWith('file://')) return { text: `results: ${uri}` };
  let meta: JobMetadata;
  try {
    meta = JSON.parse(await fs.readFile(fileURLToPath(uri), 'utf8')) as JobMetadata;
  } catch {
    return { text: `results: ${uri} (not readable: ${detail.errorType ?? ''} ${detail.errorMessage ?? ''})` };
  }
  const rows = meta.output_metadata.map((a) => [
    a.asset_id,
    path.basename(a.asset_input_path.uri ?? a.asset_input_path.s3_key),
    a.semantic_modality ?? '-',
    a.asset_processing_status,
    a.error_message
      ? `${a.error_type}: ${a.error_message}`
      : `${a.segment_metadata.length} segment(s)${a.segment_metadata.some((s) => s.custom_output_status) ? `, custom: ${a.segment_metadata.map((s) => s.custom_output_status ?? '-').join('/')}` : ''}`,
  ]);
  const text = `${formatTable(['#', 'file', 'modality', 'status', 'result'], rows)}\n\nresults: ${path.dirname(fileURLToPath(uri))}\n  job metadata: ${fileURLToPath(uri)}`;
  return { text, metadata: meta };
}
