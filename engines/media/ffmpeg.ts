/**
 * A small typed wrapper over Debian's `ffmpeg` and `ffprobe` binaries, spawned as child processes (never on
 * the event loop). Shared by the audio and video modalities.
 *
 * Why not fluent-ffmpeg: it is deprecated on npm and its repository was archived in May 2025; its maintainer
 * advises calling ffmpeg directly. What we need is three calls (probe as JSON, decode to raw PCM as a stream,
 * run to completion), each a fixed argument array, so ~100 lines of our own (on the shared `run-tool.ts`) beat a
 * dead dependency.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { runTool, ToolError } from './run-tool.ts';

/** where the programs are (QUARRY_FFMPEG / QUARRY_FFPROBE; QuarryConfig `tools`); on the PATH by default */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}
const ffmpegOf = (o: RunOptions) => o.tools?.ffmpeg ?? 'ffmpeg';

const num = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => (v === undefined || v === 'N/A' ? undefined : Number(v)));

export const ProbeStream = z
  .object({
    index: z.number(),
    codec_type: z.string().optional(),
    codec_name: z.string().optional(),
    codec_long_name: z.string().optional(),
    sample_rate: num,
    channels: z.number().optional(),
    channel_layout: z.string().optional(),
    bit_rate: num,
    duration: num,
    width: z.number().optional(),
    height: z.number().optional(),
    avg_frame_rate: z.string().optional(),
    r_frame_rate: z.string().optional(),
    nb_frames: num,
    disposition: z.record(z.string(), z.number()).optional(),
  })
  .passthrough();
export type ProbeStream = z.infer<typeof ProbeStream>;

export const ProbeResult = z.object({
  streams: z.array(ProbeStream).default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      format_long_name: z.string().optional(),
      duration: num,
      size: num,
      bit_rate: num,
      nb_streams: z.number().optional(),
    })
    .passthrough()
    .default({ duration: undefined, size: undefined, bit_rate: undefined }),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  tools?: MediaTools;
}

/** `ffprobe -show_format -show_streams` as typed JSON. */
export async function ffprobe(path: string, opts: RunOptions = {}): Promise<ProbeResult> {
  const { stdout } = await runTool(
    opts.tools?.ffprobe ?? 'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', path],
    { timeoutMs: 60_000, ...opts },
  );
  return ProbeResult.parse(JSON.parse(stdout.toString('utf8') || '{}'));
}

export interface DecodeOptions extends RunOptions {
  /** start offset in ms (seek before input: fast, sample-accurate for audio) */
  startMs?: number;
  /** duration in ms */
  durationMs?: number;
  sampleRate?: number;
  /** pick one input channel (0-based) instead of down-mixing all to mono */
  channel?: number;
  /** output sample format: 32-bit float (whisper) or 16-bit integers */
  format?: 'f32le' | 's16le';
}

/** The ffmpeg arguments that decode the first audio stream to raw mono PCM on stdout. */
export function decodeArgs(path: string, o: DecodeOptions = {}): string[] {
  const args = ['-nostdin', '-hide_banner', '-v', 'error'];
  if (o.startMs && o.startMs > 0) args.push('-ss', (o.startMs / 1000).toFixed(3));
  if (o.durationMs !== undefined) args.push('-t', (o.durationMs / 1000).toFixed(3));
  args.push('-i', path, '-map', '0:a:0', '-vn', '-sn', '-dn');
  if (o.channel !== undefined) args.push('-af', `pan=mono|c0=c${o.channel}`);
  else args.push('-ac', '1');
  args.push(
    '-ar',
    String(o.sampleRate ?? 16000),
    '-f',
    o.format ?? 'f32le',
    '-acodec',
    o.format === 's16le' ? 'pcm_s16le' : 'pcm_f32le',
    'pipe:1',
  );
  return args;
}

/**
 * Decodes to raw mono PCM as a stream (bounded memory for 4-hour files). The returned `done` promise rejects
 * with a ToolError when ffmpeg fails; consume `stdout` fully before awaiting it.
 */
export function decodeStream(
  path: string,
  o: DecodeOptions = {},
): { stdout: Readable; done: Promise<void>; kill: () => void } {
  const child = spawn(ffmpegOf(o), decodeArgs(path, o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    if (err.length < 64_000) err += d.toString();
  });
  const onAbort = () => child.kill('SIGKILL');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve();
      // killed because the activity was cancelled: that, not a decoding failure
      else if (o.signal?.aborted && o.signal.reason instanceof Error) reject(o.signal.reason);
      else reject(new ToolError(ffmpegOf(o), code, err));
    });
  });
  done.catch(() => {}); // the caller awaits it; avoid an unhandled rejection if it never does
  return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}

/** Decodes a (short) range to a Float32Array of mono samples. */
export async function decodePcm(path: string, o: DecodeOptions = {}): Promise<Float32Array> {
  const { stdout } = await runTool(ffmpegOf(o), decodeArgs(path, { ...o, format: 'f32le' }), o);
  const copy = new Uint8Array(stdout.length - (stdout.length % 4));
  copy.set(stdout.subarray(0, copy.length));
  return new Float32Array(copy.buffer);
}

/** Runs ffmpeg with the given arguments (after `-nostdin -v error`), e.g. to encode test media. */
export function ffmpeg(args: string[], opts: RunOptions = {}): Promise<{ stdout: Buffer; stderr: string }> {
  return runTool(ffmpegOf(opts), ['-nostdin', '-hide_banner', '-v', 'error', ...args], opts);
}
