/**
 * Turning per-block acoustic features into per-word speaker numbers. Pure.
 */
import { type ClusterOptions, clusterSpeakers, defaultClusterOptions } from './speaker-clustering.ts';
import { BLOCK_MS } from './speaker-features.ts';
import type { SpeechRegion } from './voice-activity.ts';

export const SPEAKER_METHOD =
  'acoustic-feature-clustering (MFCC mean/std per 1.5 s window, Ward linkage, BIC speaker count)';

export interface SpeakerWindow {
  channel: number;
  centerMs: number;
  label: number;
}

function speechShare(startMs: number, endMs: number, regions: SpeechRegion[]): number {
  let s = 0;
  for (const r of regions) {
    if (r.startMs >= endMs) break;
    s += Math.max(0, Math.min(r.endMs, endMs) - Math.max(r.startMs, startMs));
  }
  return s / (endMs - startMs);
}

/** Windows = pairs of adjacent speech blocks, per channel; clustered jointly over all channels. */
export function labelWindows(
  perChannel: { channel: number; blocks: Float32Array[]; regions: SpeechRegion[] }[],
  o: ClusterOptions = defaultClusterOptions,
): { windows: SpeakerWindow[]; speakers: number; silhouette: number } {
  const feats: Float32Array[] = [];
  const meta: { channel: number; centerMs: number }[] = [];
  for (const ch of perChannel) {
    const sorted = [...ch.regions].sort((a, b) => a.startMs - b.startMs);
    for (let i = 0; i + 1 < ch.blocks.length; i++) {
      const startMs = i * BLOCK_MS;
      const endMs = startMs + 2 * BLOCK_MS;
      if (speechShare(startMs, endMs, sorted) < 0.6) continue;
      const a = ch.blocks[i];
      const b = ch.blocks[i + 1];
      feats.push(Float32Array.from(a, (v, j) => (v + b[j]) / 2));
      meta.push({ channel: ch.channel, centerMs: startMs + BLOCK_MS });
    }
  }
  const { labels, speakers, silhouette } = clusterSpeakers(feats, o);
  return { windows: meta.map((m, i) => ({ ...m, label: labels[i] })), speakers, silhouette };
}

/** The label of the nearest window (same channel) to a time; 0 when there is none. Windows sorted by channel, time. */
export function speakerAt(windows: SpeakerWindow[], channel: number, timeMs: number): number {
  // binary search for the first window of this channel at or after timeMs
  let lo = 0;
  let hi = windows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const w = windows[mid];
    if (w.channel < channel || (w.channel === channel && w.centerMs < timeMs)) lo = mid + 1;
    else hi = mid;
  }
  const candidates = [windows[lo - 1], windows[lo]].filter((w) => w && w.channel === channel);
  if (!candidates.length) return 0;
  return candidates.reduce((a, b) => (Math.abs(a.centerMs - timeMs) <= Math.abs(b.centerMs - timeMs) ? a : b)).label;
}

/**
 * Word-level labels flicker at turn boundaries (a window straddles two voices): a run of words shorter than
 * `minRunMs` takes the label of the longer neighbouring run. Words must be of one channel, in time order.
 */
export function smoothSpeakerRuns<T extends { startMs: number; endMs: number; speaker?: number }>(
  words: T[],
  minRunMs = 1200,
): T[] {
  const runs: { from: number; to: number; speaker?: number; ms: number }[] = [];
  words.forEach((w, i) => {
    const last = runs[runs.length - 1];
    if (last && last.speaker === w.speaker) {
      last.to = i;
      last.ms = w.endMs - words[last.from].startMs;
    } else runs.push({ from: i, to: i, speaker: w.speaker, ms: w.endMs - w.startMs });
  });
  if (runs.length < 2) return words;
  const out = words.map((w) => ({ ...w }));
  runs.forEach((r, k) => {
    if (r.ms >= minRunMs) return;
    const prev = runs[k - 1];
    const next = runs[k + 1];
    const pick = !prev ? next : !next ? prev : prev.ms >= next.ms ? prev : next;
    for (let i = r.from; i <= r.to; i++) out[i].speaker = pick.speaker;
  });
  return out;
}
