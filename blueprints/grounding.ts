/**
 * Grounding: find a value in the source words (fuzzy) and return the words — hence page and bounding box —
 * it was read from. Used to check explicit values and to accept (or refuse) answers from a generative
 * provider. Numbers match any printed form of the same number; dates any printed form of the same day. Pure.
 */
import type { LayoutDocument, LayoutWord } from './layout.ts';
import { findAmounts, findDates, fold, similarity } from './normalize.ts';

export interface Grounding {
  words: LayoutWord[];
  /** 0..1: how closely the words match the value */
  score: number;
}

/** Finds a value in the document. Returns null when nothing matches well enough (score < threshold). */
export function groundValue(
  value: unknown,
  doc: LayoutDocument,
  opts: { threshold?: number; monthFirst?: boolean } = {},
): Grounding | null {
  if (value === null || value === undefined || value === '') return null;
  const threshold = opts.threshold ?? 0.8;
  if (typeof value === 'number') {
    for (const l of doc.lines) {
      for (const a of findAmounts(l.text)) {
        if (Math.abs(a.value - value) < 0.005) return { words: spanWords(l.words, a.index, a.raw.length), score: 1 };
      }
    }
    return null;
  }
  if (typeof value === 'boolean') return null;
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    for (const l of doc.lines) {
      for (const d of findDates(l.text, opts))
        if (d.iso === text) return { words: spanWords(l.words, d.index, d.raw.length), score: 1 };
    }
  }
  const target = fold(text);
  if (!target) return null;
  const n = target.split(' ').length;
  let best: Grounding | null = null;
  // a window of about the value's word count over the words in reading order (across line breaks)
  const words = doc.lines.flatMap((l) => l.words);
  const folded = words.map((w) => fold(w.text));
  for (let i = 0; i < words.length; i++) {
    if (!folded[i]) continue;
    for (let len = Math.max(1, n - 2); len <= n + 2 && i + len <= words.length; len++) {
      const win = words.slice(i, i + len);
      if (win.some((w) => w.page !== win[0].page)) break;
      const s = similarity(folded.slice(i, i + len).join(' '), target);
      if (!best || s > best.score) best = { words: win, score: s };
      if (s === 1) return best;
    }
  }
  return best && best.score >= threshold ? best : null;
}

function spanWords(words: readonly LayoutWord[], start: number, length: number): LayoutWord[] {
  const out: LayoutWord[] = [];
  let pos = 0;
  for (const w of words) {
    if (pos + w.text.length > start && pos < start + length) out.push(w);
    pos += w.text.length + 1;
  }
  return out;
}
