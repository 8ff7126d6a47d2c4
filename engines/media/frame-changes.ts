/**
 * How much each frame of a video differs from the one before: ffmpeg decodes the video at its frame rate into
 * tiny RGB frames (64×36, area-averaged) streamed on its stdout, and each frame is compared with the previous one
 * twice — its brightness, pixel by pixel (what moves), and its hue/saturation/value histogram (what colours are
 * on screen). Bounded memory whatever the length: only the previous frame is kept.
 */
import { spawn } from 'node:child_process';
import { ToolError } from './run-tool.ts';

export const SIGNATURE_WIDTH = 64;
export const SIGNATURE_HEIGHT = 36;
const PIXELS = SIGNATURE_WIDTH * SIGNATURE_HEIGHT;
const FRAME_BYTES = PIXELS * 3;
const H_BINS = 12;
const S_BINS = 4;
const V_BINS = 4;
/** greys (too dark or too pale for a hue to mean anything) are binned by value only, after the coloured bins */
const GREY_BINS = 4;
const BINS = H_BINS * S_BINS * V_BINS + GREY_BINS;
/** frames between the two compared by `across` */
export const ACROSS_FRAMES = 3;

/** One frame's difference from the previous one, both 0..1. */
export interface FrameChange {
  /** frame index on the video's timeline (at its nominal frame rate) */
  frame: number;
  /** mean absolute brightness difference, pixel by pixel */
  pixels: number;
  /** half the L1 distance between the frames' HSV histograms */
  colours: number;
  /** the same two measures between this frame and the one ACROSS_FRAMES before it: a flash or a keyframe pulse
   * comes back to what was there, a cut does not */
  across: { pixels: number; colours: number };
}

/** A tiny frame's brightness per pixel and its normalised HSV histogram. Pure. */
export function frameSignature(rgb: Uint8Array): { luma: Float32Array; hist: Float32Array } {
  const luma = new Float32Array(PIXELS);
  const hist = new Float32Array(BINS);
  for (let i = 0; i < PIXELS; i++) {
    const r = rgb[i * 3] / 255;
    const g = rgb[i * 3 + 1] / 255;
    const b = rgb[i * 3 + 2] / 255;
    luma[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    let h = 0;
    if (d > 0) {
      if (max === r) h = ((g - b) / d + 6) % 6;
      else if (max === g) h = (b - r) / d + 2;
      else h = (r - g) / d + 4;
    }
    const s = max > 0 ? d / max : 0;
    const vb = Math.min(V_BINS - 1, Math.floor(max * V_BINS));
    if (s < 0.2 || max < 0.2) {
      hist[H_BINS * S_BINS * V_BINS + Math.min(GREY_BINS - 1, Math.floor(max * GREY_BINS))] += 1 / PIXELS;
      continue;
    }
    const hb = Math.min(H_BINS - 1, Math.floor((h / 6) * H_BINS));
    const sb = Math.min(S_BINS - 1, Math.floor(s * S_BINS));
    hist[(hb * S_BINS + sb) * V_BINS + vb] += 1 / PIXELS;
  }
  return { luma, hist };
}

/** Pure: the change between two signatures. */
export function signatureChange(
  a: { luma: Float32Array; hist: Float32Array },
  b: { luma: Float32Array; hist: Float32Array },
): { pixels: number; colours: number } {
  let p = 0;
  for (let i = 0; i < PIXELS; i++) p += Math.abs(a.luma[i] - b.luma[i]);
  let c = 0;
  for (let i = 0; i < BINS; i++) c += Math.abs(a.hist[i] - b.hist[i]);
  return { pixels: p / PIXELS, colours: c / 2 };
}

export interface FrameChangeOptions {
  fps: number;
  /** the first frame to decode (the stream starts there: a seek before the input) */
  fromFrame?: number;
  signal?: AbortSignal;
  ffmpeg?: string;
}

/**
 * Streams the frame changes of `file` from `fromFrame` on; the first frame decoded has no change (it is
 * compared with nothing) and is not yielded. Rejects with a ToolError when ffmpeg fails.
 */
export async function* frameChanges(file: string, o: FrameChangeOptions): AsyncGenerator<FrameChange> {
  const from = o.fromFrame ?? 0;
  const args = ['-nostdin', '-hide_banner', '-v', 'error'];
  if (from > 0) args.push('-ss', (from / o.fps).toFixed(4));
  args.push(
    ...['-i', file, '-an', '-sn', '-dn'],
    ...['-vf', `fps=${o.fps},scale=${SIGNATURE_WIDTH}:${SIGNATURE_HEIGHT}:flags=area,format=rgb24`],
    ...['-f', 'rawvideo', 'pipe:1'],
  );
  const cmd = o.ffmpeg ?? 'ffmpeg';
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    if (err.length < 16_000) err += d.toString();
  });
  const onAbort = () => child.kill('SIGKILL');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  closed.catch(() => {});
  try {
    const recent: ReturnType<typeof frameSignature>[] = [];
    let frame = from;
    let buf: Buffer = Buffer.alloc(0);
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let off = 0;
      while (buf.length - off >= FRAME_BYTES) {
        const sig = frameSignature(buf.subarray(off, off + FRAME_BYTES));
        off += FRAME_BYTES;
        const prev = recent[recent.length - 1];
        if (prev) yield { frame, ...signatureChange(prev, sig), across: signatureChange(recent[0], sig) };
        recent.push(sig);
        if (recent.length > ACROSS_FRAMES) recent.shift();
        frame++;
      }
      buf = buf.subarray(off);
    }
    const code = await closed;
    if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : new ToolError(cmd, null, 'cancelled');
    if (code !== 0) throw new ToolError(cmd, code, err);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
