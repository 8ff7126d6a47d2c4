/**
 * Pure: the BDA TEXT sub-type of a block, from where it sits, how big its text is and how it starts.
 * Rules (in order): page number in a margin → PAGE_NUMBER; short block in the top/bottom margin → HEADER /
 * FOOTER; largest text near the top of the first page → TITLE; short, larger or numbered/upper-case line
 * without a final period → SECTION_TITLE; bullet or enumerator → LIST; else PARAGRAPH.
 */

import { isListMarker, median } from './lines.ts';
import type { LayoutElement } from './page-layout.ts';

export type TextSubType = 'TITLE' | 'SECTION_TITLE' | 'HEADER' | 'FOOTER' | 'PARAGRAPH' | 'LIST' | 'PAGE_NUMBER';

const PAGE_NO = /^(?:page\s+|p\.\s*|-\s*)?(\d{1,5}|[ivxlc]{1,7})(?:\s*(?:of|\/)\s*\d{1,5})?(?:\s*-)?$/i;
const TOP = 0.075;
const BOTTOM = 0.925;

const romanValue = (s: string) => {
  const v: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };
  let n = 0;
  const t = s.toLowerCase();
  for (let i = 0; i < t.length; i++) n += v[t[i]] < (v[t[i + 1]] ?? 0) ? -v[t[i]] : v[t[i]];
  return n;
};

export function pageNumberOf(text: string): number | undefined {
  const m = PAGE_NO.exec(text.trim());
  if (!m) return undefined;
  return /^\d+$/.test(m[1]) ? Number(m[1]) : romanValue(m[1]);
}

type TextEl = Extract<LayoutElement, { type: 'TEXT' }>;
const inMargin = (e: { box: { y0: number; y1: number } }) => e.box.y1 <= TOP || e.box.y0 >= BOTTOM;

export function detectPageNumber(elements: LayoutElement[]): number | undefined {
  for (const e of elements) {
    if (e.type !== 'TEXT' || e.lines.length !== 1 || !inMargin(e)) continue;
    const n = pageNumberOf(e.lines[0].text);
    if (n !== undefined) return n;
  }
  return undefined;
}

export function classifyBlock(
  e: TextEl,
  ctx: { bodyHeightPt: number; page: { widthPt: number; heightPt: number }; isFirstPage: boolean },
): TextSubType {
  const text = e.lines
    .map((l) => l.text)
    .join(' ')
    .trim();
  const words = text.split(/\s+/).filter(Boolean);
  const height = median(e.lines.map((l) => median(l.words.map((w) => (w.box.y1 - w.box.y0) * ctx.page.heightPt))));
  if (inMargin(e) && e.lines.length === 1 && pageNumberOf(text) !== undefined) return 'PAGE_NUMBER';
  if (e.box.y1 <= TOP && e.lines.length <= 2) return 'HEADER';
  if (e.box.y0 >= BOTTOM && e.lines.length <= 3) return 'FOOTER';
  const big = height >= ctx.bodyHeightPt * 1.15;
  const endsLikeSentence = /[.,;:]$/.test(text);
  if (ctx.isFirstPage && height >= ctx.bodyHeightPt * 1.3 && e.box.y0 < 0.4 && e.lines.length <= 3) return 'TITLE';
  if (e.lines.length <= 2 && words.length <= 15 && !endsLikeSentence) {
    if (big) return 'SECTION_TITLE';
    if (/^(\d+(\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+[A-Z]/.test(text) && words.length <= 12) return 'SECTION_TITLE';
    const letters = text.replace(/[^A-Za-z]/g, '');
    if (letters.length >= 4 && letters === letters.toUpperCase() && words.length >= 1 && words.length <= 8)
      return 'SECTION_TITLE';
  }
  if (isListMarker(e.lines[0].words[0]?.text ?? '')) return 'LIST';
  return 'PARAGRAPH';
}
