/**
 * Pure: one page's words → BDA layout elements in reading order.
 * lines (lines.ts) → tables (tables.ts) → reading order of lines, tables and figures (reading-order.ts) →
 * blocks (consecutive lines of a column with small gaps and the same size) → TEXT sub-types (classify.ts).
 */
import { type Rect, boxArea, intersectionArea, type PageWords, unionAll } from './page-content.ts';
import { classifyBlock, detectPageNumber, type TextSubType } from './classify.ts';
import { isListMarker, type Line, median, wordsToLines } from './lines.ts';
import { readingOrder } from './reading-order.ts';
import type { TableGrid } from './table-grid.ts';
import { findTables } from './detect-tables.ts';

export type LayoutElement =
  | { type: 'TEXT'; subType: TextSubType; box: Rect; lines: LayoutLine[] }
  | { type: 'TABLE'; box: Rect; grid: TableGrid; lines: LayoutLine[] }
  | { type: 'FIGURE'; box: Rect; lines: LayoutLine[] };

/** A line as stored: text, box, mean confidence, and its words (box + confidence). */
export interface LayoutLine {
  text: string;
  box: Rect;
  confidence: number;
  words: { text: string; box: Rect; confidence: number }[];
}

export interface PageLayout {
  pageIndex: number;
  widthPt: number;
  heightPt: number;
  source: PageWords['source'];
  sourceReason: string;
  ocrEngine?: string;
  detectedPageNumber?: number;
  elements: LayoutElement[];
  pageImageUri?: string;
  pageImageWidthPx?: number;
  pageImageHeightPx?: number;
  deskewDegrees?: number;
}

const toLayoutLine = (l: Line): LayoutLine => ({
  text: l.text,
  box: l.box,
  confidence: l.words.reduce((s, w) => s + w.confidence, 0) / (l.words.length || 1),
  words: l.words.map((w) => ({ text: w.text, box: w.box, confidence: w.confidence })),
});

type Item =
  | { kind: 'line'; line: Line; box: Rect }
  | { kind: 'table'; index: number; box: Rect }
  | { kind: 'figure'; index: number; box: Rect; lines: Line[] };

export function layoutPage(page: PageWords, opts: { isFirstPage: boolean; bodyHeightPt?: number }): PageLayout {
  const geo = { widthPt: page.widthPt, heightPt: page.heightPt };
  const lines = wordsToLines(page.words, geo);
  const { tables, rest } = findTables(lines, geo, page.rules);
  // figures: drop those that are mostly table area; words inside a figure belong to it (labels of a chart)
  const figures = page.figures.filter((f) => !tables.some((t) => intersectionArea(f, t.box) > 0.5 * boxArea(f)));
  const items: Item[] = [];
  const figureLines: Line[][] = figures.map(() => []);
  for (const l of rest) {
    const fi = figures.findIndex((f) => intersectionArea(f, l.box) > 0.6 * boxArea(l.box));
    if (fi >= 0) figureLines[fi].push(l);
    else items.push({ kind: 'line', line: l, box: l.box });
  }
  figures.forEach((f, index) => {
    items.push({ kind: 'figure', index, box: f, lines: figureLines[index] });
  });
  tables.forEach((t, index) => {
    items.push({ kind: 'table', index, box: t.box });
  });

  const body =
    opts.bodyHeightPt ?? (median(rest.flatMap((l) => l.words.map((w) => (w.box.y1 - w.box.y0) * page.heightPt))) || 10);
  // OCR boxes hug the glyphs, text-layer boxes span the font's full height: OCR leaves larger gaps between lines
  const paragraphGap = page.source === 'OCR' ? 1.1 : 0.75;
  const leaves = readingOrder(items, (i) => i.box, { minGutter: Math.max(0.012, (body * 1.1) / page.widthPt) });
  const elements: LayoutElement[] = [];
  const sorted = leaves.flatMap((leaf) => [...leaf].sort((a, b) => a.box.y0 - b.box.y0 || a.box.x0 - b.box.x0));
  {
    let block: Line[] = [];
    const flush = () => {
      if (!block.length) return;
      const box = unionAll(block.map((l) => l.box));
      elements.push({ type: 'TEXT', subType: 'PARAGRAPH', box, lines: block.map(toLayoutLine) });
      block = [];
    };
    for (const it of sorted) {
      if (it.kind === 'table') {
        flush();
        const t = tables[it.index];
        elements.push({ type: 'TABLE', box: t.box, grid: t.grid, lines: t.lines.map(toLayoutLine) });
        continue;
      }
      if (it.kind === 'figure') {
        flush();
        elements.push({ type: 'FIGURE', box: it.box, lines: it.lines.map(toLayoutLine) });
        continue;
      }
      const l = it.line;
      const prev = block[block.length - 1];
      if (prev) {
        const gap = (l.box.y0 - prev.box.y1) * page.heightPt;
        const usualGap = block.length >= 2 ? (block[1].box.y0 - block[0].box.y1) * page.heightPt : undefined;
        const lh = Math.min(l.heightPt, prev.heightPt);
        const wider = usualGap !== undefined ? gap > usualGap + 0.6 * lh : gap > lh * paragraphGap;
        const sameSize =
          Math.max(l.heightPt, prev.heightPt) / Math.max(1e-6, Math.min(l.heightPt, prev.heightPt)) < 1.25;
        const overlapX = Math.min(l.box.x1, prev.box.x1) - Math.max(l.box.x0, prev.box.x0) > 0;
        const listContinues =
          isListMarker(l.words[0]?.text ?? '') === isListMarker(block[0].words[0]?.text ?? '') ||
          !isListMarker(l.words[0]?.text ?? '');
        const newItemInProse = isListMarker(l.words[0]?.text ?? '') && !isListMarker(block[0].words[0]?.text ?? '');
        if (wider || gap < -lh * 0.5 || !sameSize || !overlapX || !listContinues || newItemInProse) flush();
      }
      block.push(l);
    }
    flush();
  }
  // classify text blocks
  const pageNumber = detectPageNumber(elements);
  for (const e of elements)
    if (e.type === 'TEXT')
      e.subType = classifyBlock(e, { bodyHeightPt: body, page: geo, isFirstPage: opts.isFirstPage });
  // one TITLE per document page 1 at most: keep the largest
  const titles = elements.filter((e) => e.type === 'TEXT' && e.subType === 'TITLE');
  if (titles.length > 1) {
    const h = (e: LayoutElement) => median(e.lines.map((l) => (l.box.y1 - l.box.y0) * page.heightPt));
    const keep = titles.reduce((a, b) => (h(b) > h(a) ? b : a));
    for (const t of titles) if (t !== keep && t.type === 'TEXT') t.subType = 'SECTION_TITLE';
  }
  // headers first, footers and page numbers last (reading order of the page body in between)
  const rank = (e: LayoutElement) =>
    e.type === 'TEXT' && e.subType === 'HEADER'
      ? 0
      : e.type === 'TEXT' && (e.subType === 'FOOTER' || e.subType === 'PAGE_NUMBER')
        ? 2
        : 1;
  const ordered = elements
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map((x) => x.e);
  return {
    pageIndex: page.pageIndex,
    widthPt: page.widthPt,
    heightPt: page.heightPt,
    source: page.source,
    sourceReason: page.sourceReason,
    ocrEngine: page.ocrEngine,
    detectedPageNumber: pageNumber,
    elements: ordered,
    pageImageUri: page.pageImageUri,
    pageImageWidthPx: page.pageImageWidthPx,
    pageImageHeightPx: page.pageImageHeightPx,
    deskewDegrees: page.deskewDegrees,
  };
}
