/**
 * Chapters from content: consecutive shots grouped where what is said and shown stays together, split where it
 * changes. Between every two shots the similarity of the two sides is measured — the words of the transcript and
 * the on-screen text in about five seconds of shots on each side (lexical cohesion, as TextTiling does for a transcript),
 * and the closest colour histograms across the gap (a cut back to the same set looks alike) — and chapters break
 * at the gaps whose similarity is a valley (no higher than either neighbour's) below the video's mean, no closer
 * than `minChapterMs`. Pure.
 */
import { terms } from '../language/extractive-summary.ts';
import { cosine, termCounts } from '../language/term-vectors.ts';

export const CHAPTER_METHOD =
  'content chapters: shots grouped by transcript and on-screen text cohesion and keyframe colour similarity';

export interface ChapterShot {
  startMs: number;
  endMs: number;
  /** the transcript spoken during the shot and the text read on its keyframes */
  text: string;
  /** the keyframes' HSV histograms (each sums to 1); empty when no keyframe was read */
  histograms: number[][];
}

export interface ChapterOptions {
  /** the stretch on each side of a gap whose words are compared (at least one shot) */
  windowMs: number;
  minChapterMs: number;
  /** weight of the words against the colours, when there are words on both sides */
  textWeight: number;
}

export const DEFAULT_CHAPTER_OPTIONS: ChapterOptions = { windowMs: 5_000, minChapterMs: 4_000, textWeight: 0.7 };

/** 1 − half the L1 distance: 1 for the same colours, 0 for none in common. */
export function histogramSimilarity(a: number[], b: number[]): number {
  let d = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) d += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return 1 - d / 2;
}

/** Similarity (0..1) across the gap after shot `g`, from the words and the colours on each side. */
export function gapSimilarity(shots: ChapterShot[], g: number, o: ChapterOptions = DEFAULT_CHAPTER_OPTIONS): number {
  let from = g;
  while (from > 0 && shots[g].endMs - shots[from - 1].startMs <= o.windowMs) from--;
  let to = g + 1;
  while (to < shots.length - 1 && shots[to + 1].endMs - shots[g + 1].startMs <= o.windowMs) to++;
  const left = shots.slice(from, g + 1);
  const right = shots.slice(g + 1, to + 1);
  const lw = termCounts(left.flatMap((s) => terms(s.text)));
  const rw = termCounts(right.flatMap((s) => terms(s.text)));
  const words = lw.size && rw.size ? cosine(lw, rw) : undefined;
  // colours over at least two shots each side: a cut away and back (A B A) is one stretch
  const leftLook = shots.slice(Math.max(0, Math.min(from, g - 1)), g + 1);
  const rightLook = shots.slice(g + 1, Math.max(to, g + 2) + 1);
  let colours: number | undefined;
  for (const a of leftLook.flatMap((s) => s.histograms))
    for (const b of rightLook.flatMap((s) => s.histograms)) colours = Math.max(colours ?? 0, histogramSimilarity(a, b));
  if (words === undefined) return colours ?? 1;
  if (colours === undefined) return words;
  return o.textWeight * words + (1 - o.textWeight) * colours;
}

/** The chapters as lists of shot indices, in order, covering every shot once. */
export function contentChapters(shots: ChapterShot[], o: ChapterOptions = DEFAULT_CHAPTER_OPTIONS): number[][] {
  if (shots.length <= 1) return shots.length ? [[0]] : [];
  const sims = shots.slice(0, -1).map((_, g) => gapSimilarity(shots, g, o));
  const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
  // a gap breaks when it is below the video's usual similarity (and low in itself); lowest first
  const candidates = sims
    .map((s, g) => ({ g, s }))
    // a valley: no lower than its neighbours (a gap between two low ones is inside a stretch, not a break)
    .filter(({ s, g }) => (g === 0 || s <= sims[g - 1]) && (g === sims.length - 1 || s <= sims[g + 1]))
    .filter(({ s }) => s < 0.5 && s < mean)
    .sort((a, b) => a.s - b.s || a.g - b.g);
  const breaks: number[] = [];
  const startOf = (g: number) => shots[g + 1].startMs;
  for (const c of candidates) {
    const at = startOf(c.g);
    const edges = [shots[0].startMs, ...breaks.map(startOf), shots[shots.length - 1].endMs];
    if (edges.some((e) => Math.abs(e - at) < o.minChapterMs)) continue;
    breaks.push(c.g);
  }
  breaks.sort((a, b) => a - b);
  const chapters: number[][] = [];
  let first = 0;
  for (const g of [...breaks, shots.length - 1]) {
    chapters.push(Array.from({ length: g - first + 1 }, (_, k) => first + k));
    first = g + 1;
  }
  return chapters;
}
