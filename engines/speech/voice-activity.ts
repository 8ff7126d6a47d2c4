/**
 * Voice-activity detection and chunk planning. Pure: works on per-frame energies that the caller computes
 * while streaming the decoded audio (so a 4-hour file needs ~2 MB here, not 460 MB of PCM).
 *
 * Method: an energy detector with an adaptive noise floor (the 10th percentile of frame levels), a margin
 * above it, an absolute floor for digital silence, hangover (gaps < 300 ms bridged) and a minimum region
 * length. Chunks are then cut in the middle of the longest pause near each target length, so no word is cut in
 * half; every chunk also carries a small overlap on both sides for the recogniser's context, and the stitcher
 * keeps each word in exactly one chunk (the one whose own range holds the word's midpoint).
 */
import { Pcm16Samples } from './pcm16.ts';

export const FRAME_MS = 30;

export interface SpeechRegion {
  startMs: number;
  endMs: number;
}

export interface VadOptions {
  /** dB above the noise floor a frame must reach to count as speech */
  marginDb: number;
  /** frames quieter than this (dBFS) are never speech */
  absoluteFloorDb: number;
  bridgeMs: number;
  minSpeechMs: number;
  /** padding added on both sides of every region */
  padMs: number;
}

export const defaultVadOptions: VadOptions = {
  marginDb: 10,
  absoluteFloorDb: -50,
  bridgeMs: 300,
  minSpeechMs: 150,
  padMs: 120,
};

/** RMS level in dBFS of one frame of float samples in [-1, 1]. */
export function frameDb(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / Math.max(1, to - from));
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

/** Accumulates frame levels from a stream of 16-bit little-endian mono PCM buffers. */
export class FrameMeter {
  readonly levels: number[] = [];
  private sum = 0;
  private n = 0;
  private readonly pcm = new Pcm16Samples();
  constructor(private readonly frameSamples: number) {}
  push(chunk: Buffer): void {
    for (const s of this.pcm.next(chunk)) {
      this.sum += s * s;
      if (++this.n === this.frameSamples) this.flushFrame();
    }
  }
  private flushFrame(): void {
    const rms = Math.sqrt(this.sum / Math.max(1, this.n));
    this.levels.push(rms > 0 ? 20 * Math.log10(rms) : -120);
    this.sum = 0;
    this.n = 0;
  }
  end(): number[] {
    if (this.n > this.frameSamples / 3) this.flushFrame();
    return this.levels;
  }
}

function percentile(values: number[], p: number): number {
  if (!values.length) return -120;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor((p / 100) * sorted.length)))];
}

/** Speech regions from frame levels (dBFS, one per FRAME_MS). */
export function detectSpeech(levels: number[], o: VadOptions = defaultVadOptions, frameMs = FRAME_MS): SpeechRegion[] {
  if (!levels.length) return [];
  const floor = percentile(levels, 10);
  const peak = percentile(levels, 99);
  // When the file is nearly all speech the 10th percentile sits inside speech: never put the threshold above
  // 25 dB under the loud frames.
  const threshold = Math.max(o.absoluteFloorDb, Math.min(floor + o.marginDb, peak - 25));
  const raw: SpeechRegion[] = [];
  let start = -1;
  for (let i = 0; i <= levels.length; i++) {
    const speech = i < levels.length && levels[i] >= threshold;
    if (speech && start < 0) start = i;
    if (!speech && start >= 0) {
      raw.push({ startMs: start * frameMs, endMs: i * frameMs });
      start = -1;
    }
  }
  const merged: SpeechRegion[] = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && r.startMs - last.endMs < o.bridgeMs) last.endMs = r.endMs;
    else merged.push({ ...r });
  }
  const total = levels.length * frameMs;
  return merged
    .filter((r) => r.endMs - r.startMs >= o.minSpeechMs)
    .map((r) => ({ startMs: Math.max(0, r.startMs - o.padMs), endMs: Math.min(total, r.endMs + o.padMs) }));
}

export interface AudioChunk {
  index: number;
  /** the range whose words this chunk owns (chunks tile the file without gaps or overlap) */
  ownStartMs: number;
  ownEndMs: number;
  /** the range decoded and recognised: the own range plus the overlap on both sides */
  startMs: number;
  endMs: number;
  /** channel index when channels are labelled separately; undefined = down-mixed mono */
  channel?: number;
  /** milliseconds of detected speech inside the own range */
  speechMs: number;
}

export interface ChunkPlanOptions {
  targetMs: number;
  /** how far before the target a cut may move to find a pause */
  searchMs: number;
  overlapMs: number;
}

export const defaultChunkPlan: ChunkPlanOptions = { targetMs: 180_000, searchMs: 45_000, overlapMs: 2_000 };

/** Cuts the file into chunks of about `targetMs`, each cut in the middle of the longest pause near the target. */
export function planChunks(
  regions: SpeechRegion[],
  durationMs: number,
  o: ChunkPlanOptions = defaultChunkPlan,
): AudioChunk[] {
  const cuts: number[] = [0];
  let from = 0;
  while (durationMs - from > o.targetMs + Math.min(o.searchMs, o.targetMs) / 2) {
    const lo = Math.max(from + o.targetMs / 2, from + o.targetMs - o.searchMs);
    const hi = from + o.targetMs;
    // pauses = gaps between regions (and the file edges) intersected with [lo, hi]
    let best = { len: -1, mid: hi };
    let prevEnd = 0;
    for (const r of [...regions, { startMs: durationMs, endMs: durationMs }]) {
      const a = Math.max(prevEnd, lo);
      const b = Math.min(r.startMs, hi);
      if (b > a && b - a > best.len) best = { len: b - a, mid: Math.round((a + b) / 2) };
      prevEnd = Math.max(prevEnd, r.endMs);
      if (r.startMs > hi) break;
    }
    cuts.push(best.mid);
    from = best.mid;
  }
  cuts.push(durationMs);
  const chunks: AudioChunk[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const ownStartMs = cuts[i];
    const ownEndMs = cuts[i + 1];
    let speechMs = 0;
    for (const r of regions) speechMs += Math.max(0, Math.min(r.endMs, ownEndMs) - Math.max(r.startMs, ownStartMs));
    chunks.push({
      index: i,
      ownStartMs,
      ownEndMs,
      startMs: Math.max(0, ownStartMs - o.overlapMs),
      endMs: Math.min(durationMs, ownEndMs + o.overlapMs),
      speechMs,
    });
  }
  return chunks;
}
