/**
 * Pure: text layer or OCR, per page. A text layer is trusted when it has words that look like words; a page
 * with ink but no (or junk) text layer is OCR'd — a scanned PDF with a garbage text layer included.
 */
import type { Word } from '../layout/page-content.ts';

/** Share of tokens that look like words or numbers (vowels, no long consonant runs, printable). 1 = clean. */
export function textLayerQuality(words: Word[]): number {
  const tokens = words.map((w) => w.text).filter((t) => t.length >= 2);
  if (!tokens.length) return 0;
  let good = 0;
  for (const t of tokens) {
    const core = t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (!core) continue;
    if (/[\uFFFD\uE000-\uF8FF]/.test(t) || [...t].some((ch) => ch.charCodeAt(0) < 32)) continue;
    if (/^[\p{N}.,:/%$€£+-]+$/u.test(core)) {
      good++;
      continue;
    }
    if (!/^[\p{L}\p{M}'’.-]+$/u.test(core)) continue;
    const latin = /^[A-Za-z'’.-]+$/.test(core);
    if (latin) {
      if (core.length > 2 && !/[aeiouyAEIOUY]/.test(core)) continue;
      if (/[bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ]{5,}/.test(core)) continue;
    }
    good++;
  }
  return good / tokens.length;
}

export interface SourceDecision {
  source: 'TEXT_LAYER' | 'OCR';
  reason: string;
}

export function chooseSource(words: Word[], ink: { inkFraction: number; inkCoveredByWords: number }): SourceDecision {
  const q = textLayerQuality(words);
  if (words.length < 3) {
    return ink.inkFraction > 0.002
      ? { source: 'OCR', reason: `no text layer (${words.length} words) but the page has ink` }
      : { source: 'TEXT_LAYER', reason: 'blank page' };
  }
  if (words.length >= 5 && q < 0.6)
    return { source: 'OCR', reason: `text layer looks like junk (word quality ${q.toFixed(2)})` };
  if (ink.inkFraction > 0.01 && ink.inkCoveredByWords < 0.05 && words.length < 20)
    return {
      source: 'OCR',
      reason: `text layer explains only ${(ink.inkCoveredByWords * 100).toFixed(0)} % of the ink`,
    };
  return { source: 'TEXT_LAYER', reason: `text layer (word quality ${q.toFixed(2)})` };
}
