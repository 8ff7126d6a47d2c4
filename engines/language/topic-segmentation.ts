/**
 * Topic segmentation of a transcript by lexical cohesion (TextTiling, Hearst 1997). Pure.
 * Gaps between segments are scored by the cosine similarity of the content terms in a window on each side;
 * boundaries go where the similarity valley is deep (depth > mean − sd/2), at least `minTopicMs` apart.
 */
import { terms } from './extractive-summary.ts';
import { cosine, termCounts } from './term-vectors.ts';

export const TOPIC_METHOD = 'texttiling-lexical-cohesion';

export interface TopicInputSegment {
  text: string;
  startMs: number;
  endMs: number;
}

export interface TopicSpan {
  /** first and last segment index (inclusive) */
  first: number;
  last: number;
  startMs: number;
  endMs: number;
}

export function segmentTopics(
  segs: TopicInputSegment[],
  o: { windowWords: number; minTopicMs: number } = { windowWords: 80, minTopicMs: 60_000 },
): TopicSpan[] {
  if (!segs.length) return [];
  const whole = (first: number, last: number): TopicSpan => ({
    first,
    last,
    startMs: segs[first].startMs,
    endMs: segs[last].endMs,
  });
  const duration = segs[segs.length - 1].endMs - segs[0].startMs;
  if (segs.length < 4 || duration < 2 * o.minTopicMs) return [whole(0, segs.length - 1)];
  const segTerms = segs.map((s) => terms(s.text));
  const windowAt = (from: number, dir: 1 | -1) => {
    const out: string[] = [];
    for (let i = from; i >= 0 && i < segs.length && out.length < o.windowWords; i += dir) out.push(...segTerms[i]);
    return termCounts(out);
  };
  // gap g sits between segment g-1 and g
  const sim: number[] = [];
  for (let g = 1; g < segs.length; g++) sim.push(cosine(windowAt(g - 1, -1), windowAt(g, 1)));
  const depth = sim.map((s, i) => {
    let l = s;
    for (let j = i; j >= 0 && sim[j] >= l; j--) l = sim[j];
    let r = s;
    for (let j = i; j < sim.length && sim[j] >= r; j++) r = sim[j];
    return l - s + (r - s);
  });
  const mean = depth.reduce((a, b) => a + b, 0) / depth.length;
  const sd = Math.sqrt(depth.reduce((a, b) => a + (b - mean) ** 2, 0) / depth.length);
  const cutoff = mean + sd / 2;
  const candidates = depth
    .map((d, i) => ({ d, g: i + 1 }))
    .filter((c) => c.d > cutoff && c.d > 0.05)
    .sort((a, b) => b.d - a.d);
  const cuts: number[] = [];
  for (const c of candidates) {
    const t = segs[c.g].startMs;
    const tooClose = [0, ...cuts.map((g) => segs[g].startMs), segs[segs.length - 1].endMs].some(
      (x) => Math.abs(x - t) < o.minTopicMs,
    );
    if (!tooClose) cuts.push(c.g);
  }
  cuts.sort((a, b) => a - b);
  const spans: TopicSpan[] = [];
  let first = 0;
  for (const g of [...cuts, segs.length]) {
    spans.push(whole(first, g - 1));
    first = g;
  }
  return spans;
}
