/**
 * What the console may read of a job: the objects under the job's output location (its results, to show and to
 * download) and the job's own input files (to play or to draw pages of), for the tenant that owns the job. Any
 * other URI is refused, so the console is no way round the tenant boundary.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { renderPageImage } from '../engines/document/page-image.ts';
import { sniffType } from '../engines/media/sniff.ts';
import type { StorageRouter } from '../engines/storage/open-storage.ts';
import { BdaError } from '../schemas/errors.ts';
import { jobStatus } from './runtime.ts';

interface JobMetadata {
  output_metadata?: { asset_id: number; asset_input_path?: { uri?: string } }[];
}

interface Ctx {
  client: Client;
  storage: StorageRouter;
  tenant: string;
}

/** The job's output folder and a reader of its metadata (tenant checked: another tenant's job is not found). */
async function jobFiles(ctx: Ctx, jobId: string) {
  const status = await jobStatus(ctx.client, jobId, ctx.tenant);
  const metadataUri = status.outputConfiguration.s3Uri;
  const outputDir = metadataUri.replace(/\/job_metadata\.json$/, '');
  const metadata = async (): Promise<JobMetadata> => {
    if (!(await ctx.storage.exists(metadataUri)))
      throw new BdaError(
        'ResourceNotFoundException',
        `job ${jobId} has no job_metadata.json yet (status ${status.status})`,
      );
    return ctx.storage.readJson<JobMetadata>(metadataUri);
  };
  return { outputDir, metadata };
}

async function inputOf(ctx: Ctx, jobId: string, assetIndex: number): Promise<string> {
  const meta = await (await jobFiles(ctx, jobId)).metadata();
  const uri = meta.output_metadata?.find((a) => a.asset_id === assetIndex)?.asset_input_path?.uri;
  if (!uri) throw new BdaError('ResourceNotFoundException', `job ${jobId} has no asset ${assetIndex}`);
  return uri;
}

const typeByExtension: Record<string, string> = {
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
};

/** Streams `uri` (a result of the job, or one of its inputs), with byte ranges so players can seek. */
export async function sendJobObject(req: IncomingMessage, res: ServerResponse, ctx: Ctx, jobId: string, uri: string) {
  const { outputDir, metadata } = await jobFiles(ctx, jobId);
  const ownOutput = uri.startsWith(`${outputDir}/`);
  if (!ownOutput && !(await metadata()).output_metadata?.some((a) => a.asset_input_path?.uri === uri))
    throw new BdaError(
      'ValidationException',
      `'${uri.slice(0, 200)}' is neither an output nor an input of job ${jobId}`,
    );
  const { bytes } = await ctx.storage.stat(uri);
  const ext = /\.([a-z0-9]+)$/i.exec(uri)?.[1]?.toLowerCase() ?? '';
  const type =
    typeByExtension[ext] ?? sniffType(await ctx.storage.readBytes(uri, 65_536)).mediaType ?? 'application/octet-stream';
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
  const headers: Record<string, string | number> = {
    'content-type': type,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    ...(req.url?.includes('download=1')
      ? { 'content-disposition': `attachment; filename="${(uri.split('/').pop() ?? 'file').replace(/"/g, '')}"` }
      : {}),
  };
  if (range && bytes > 0 && (range[1] || range[2])) {
    const start = range[1] ? Number(range[1]) : Math.max(0, bytes - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(bytes - 1, Number(range[2])) : bytes - 1;
    if (start > end || start >= bytes) {
      res.writeHead(416, { 'content-range': `bytes */${bytes}` });
      return res.end();
    }
    res.writeHead(206, {
      ...headers,
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${bytes}`,
    });
    return (await ctx.storage.read(uri, { start, end: end + 1 })).pipe(res);
  }
  res.writeHead(200, { ...headers, 'content-length': bytes });
  (await ctx.storage.read(uri)).pipe(res);
}

/** Page images drawn at once by this API process (the rest wait their turn): a long document is many pages. */
const PAGES_AT_ONCE = 2;
let drawing = 0;
const waiting: (() => void)[] = [];
async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  // a finished drawing hands its turn to the next in line, so no newcomer can slip in between
  if (drawing >= PAGES_AT_ONCE) await new Promise<void>((go) => waiting.push(go));
  else drawing++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else drawing--;
  }
}

/** A PNG of page `pageIndex` (0-based) of the job's asset `assetIndex`, drawn from the job's own input. */
export async function sendPageImage(
  res: ServerResponse,
  ctx: Ctx,
  jobId: string,
  assetIndex: number,
  pageIndex: number,
) {
  const uri = await inputOf(ctx, jobId, assetIndex);
  const fileType = sniffType(await ctx.storage.readBytes(uri, 65_536)).fileType;
  const png = await inTurn(() => ctx.storage.withLocalFile(uri, (file) => renderPageImage(file, fileType, pageIndex)));
  res.writeHead(200, {
    'content-type': 'image/png',
    'content-length': png.length,
    'cache-control': 'private, max-age=300',
  });
  res.end(png);
}
