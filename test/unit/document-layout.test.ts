import { describe, expect, it } from 'vitest';
import { chooseSource, textLayerQuality } from '../../engines/document/choose-source.ts';
import { pageNumberOf } from '../../engines/layout/classify.ts';
import { analyseInk } from '../../engines/layout/ink.ts';
import { wordsToLines } from '../../engines/layout/lines.ts';
import { layoutPage } from '../../engines/layout/page-layout.ts';
import { readingOrder } from '../../engines/layout/reading-order.ts';
import { appendRows } from '../../engines/layout/table-grid.ts';
import { findTables } from '../../engines/layout/detect-tables.ts';
import type { Word } from '../../engines/layout/page-content.ts';
import { parseBboxXhtml } from '../../engines/document/text-layer.ts';
import { parseTesseractTsv } from '../../engines/ocr/tsv.ts';
import { parsePdfInfo } from '../../engines/document/probe.ts';
import { estimateSkew } from '../../engines/ocr/preprocess.ts';
import { H, line, W } from '../fixtures/documents/words.ts';

const page = (words: Word[]) => ({
  pageIndex: 0,
  widthPt: W,
  heightPt: H,
  source: 'TEXT_LAYER' as const,
  sourceReason: '',
  words,
  figures: [],
  rules: { horizontal: [], vertical: [] },
});

describe('lines and reading order', () => {
  it('cuts rows at column gutters and reads a two-column page column by column', () => {
    const words = [
      ...line(72, 60, 'A Title Across The Page', 20),
      ...line(72, 120, 'left one is here'),
      ...line(72, 133, 'left two is here'),
      ...line(72, 160, 'left three after gap'),
      ...line(320, 120, 'right one is here'),
      ...line(320, 133, 'right two is here'),
      ...line(320, 160, 'right three after gap'),
    ];
    const lines = wordsToLines(words, { widthPt: W, heightPt: H });
    expect(lines.map((l) => l.text)).toContain('left one is here');
    expect(lines.map((l) => l.text)).toContain('right one is here');
    const order = readingOrder(lines, (l) => l.box)
      .flat()
      .map((l) => l.text);
    expect(order).toEqual([
      'A Title Across The Page',
      'left one is here',
      'left two is here',
      'left three after gap',
      'right one is here',
      'right two is here',
      'right three after gap',
    ]);
    const layout = layoutPage(page(words), { isFirstPage: true });
    expect(layout.elements.map((e) => (e.type === 'TEXT' ? e.subType : e.type))).toEqual([
      'TITLE',
      'PARAGRAPH',
      'PARAGRAPH',
      'PARAGRAPH',
      'PARAGRAPH',
    ]);
  });

  it('keeps a bullet with its text and groups list items', () => {
    const words = [...line(72, 100, '• first item text'), ...line(72, 113, '• second item text')];
    const layout = layoutPage(page(words), { isFirstPage: false });
    expect(layout.elements).toHaveLength(1);
    expect(layout.elements[0].type === 'TEXT' && layout.elements[0].subType).toBe('LIST');
  });

  it('finds page numbers, arabic and roman', () => {
    expect(pageNumberOf('12')).toBe(12);
    expect(pageNumberOf('Page 3 of 9')).toBe(3);
    expect(pageNumberOf('xiv')).toBe(14);
    expect(pageNumberOf('Chapter 2')).toBeUndefined();
  });
});

describe('tables', () => {
  const rows = (top: number, n: number, header = true) => [
    ...(header ? [...line(72, top, 'Item'), ...line(260, top, 'Qty'), ...line(400, top, 'Price')] : []),
    ...Array.from({ length: n }, (_, i) => [
      ...line(72, top + 16 * (i + 1), `Widget ${i}`),
      ...line(260, top + 16 * (i + 1), String(i + 1)),
      ...line(400, top + 16 * (i + 1), `${i}.50`),
    ]).flat(),
  ];
  it('finds an unruled table with a header row', () => {
    const lines = wordsToLines(rows(100, 5), { widthPt: W, heightPt: H });
    const { tables, rest } = findTables(lines, { widthPt: W, heightPt: H });
    expect(tables).toHaveLength(1);
    expect(rest).toHaveLength(0);
    expect(tables[0].grid).toMatchObject({ rows: 6, cols: 3, headerRows: 1 });
    expect(tables[0].grid.cells.find((c) => c.row === 2 && c.col === 2)?.text).toBe('1.50');
  });
  it('does not take two columns of prose for a table', () => {
    const words = Array.from({ length: 6 }, (_, i) => [
      ...line(72, 100 + 13 * i, 'some longer prose words in the left column'),
      ...line(330, 100 + 13 * i, 'and more prose words in the right column'),
    ]).flat();
    const { tables } = findTables(wordsToLines(words, { widthPt: W, heightPt: H }), { widthPt: W, heightPt: H });
    expect(tables).toHaveLength(0);
  });
  it('appends a continuation and drops its repeated header', () => {
    const a = findTables(wordsToLines(rows(100, 4), { widthPt: W, heightPt: H }), { widthPt: W, heightPt: H }).tables[0]
      .grid;
    const b = findTables(wordsToLines(rows(60, 3), { widthPt: W, heightPt: H }), { widthPt: W, heightPt: H }).tables[0]
      .grid;
    const joined = appendRows(a, b);
    expect(joined.rows).toBe(8);
    expect(joined.cells.filter((c) => c.text === 'Item')).toHaveLength(1);
  });
});

describe('text layer vs OCR', () => {
  it('trusts real words and rejects junk', () => {
    const good = line(72, 100, 'The harbour office keeps a record of every vessel 2024 12.50');
    const junk = line(72, 100, 'xqzv ~~ kjwq ##zzk qpxl vvbn rtzq');
    expect(textLayerQuality(good)).toBeGreaterThan(0.9);
    expect(textLayerQuality(junk)).toBeLessThan(0.2);
    expect(chooseSource(junk, { inkFraction: 0.1, inkCoveredByWords: 0.01 }).source).toBe('OCR');
    expect(chooseSource([], { inkFraction: 0.1, inkCoveredByWords: 0 }).source).toBe('OCR');
    expect(chooseSource([], { inkFraction: 0, inkCoveredByWords: 1 }).source).toBe('TEXT_LAYER');
    expect(chooseSource(good, { inkFraction: 0.05, inkCoveredByWords: 0.9 }).source).toBe('TEXT_LAYER');
  });
});

describe('parsers', () => {
  it('reads pdftotext -bbox XHTML', () => {
    const p = parseBboxXhtml(
      '<page width="600.000000" height="800.000000">\n<word xMin="60" yMin="80" xMax="120" yMax="92">A&amp;B</word></page>',
    );
    expect(p[0].words[0]).toMatchObject({ text: 'A&B', box: { x0: 0.1, y0: 0.1, x1: 0.2 } });
  });
  it('reads tesseract TSV words with confidences', () => {
    const tsv =
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n1\t1\t0\t0\t0\t0\t0\t0\t1000\t500\t-1\t\n5\t1\t1\t1\t1\t1\t100\t50\t200\t25\t91.5\tHello\n';
    const r = parseTesseractTsv(tsv, 'tesseract');
    expect(r.words).toEqual([{ text: 'Hello', confidence: 0.915, box: { x0: 0.1, y0: 0.1, x1: 0.3, y1: 0.15 } }]);
  });
  it('reads pdfinfo page sizes and encryption', () => {
    const r = parsePdfInfo(
      'Pages:           2\nEncrypted:       no\nPage    1 size:  612 x 792 pts (letter)\nPage    2 size:  3600 x 3600 pts\n',
    );
    expect(r).toMatchObject({
      pages: 2,
      encrypted: false,
      sizes: [
        { page: 1, w: 612, h: 792 },
        { page: 2, w: 3600, h: 3600 },
      ],
    });
  });
});

describe('page raster analysis', () => {
  it('finds rules and a figure, and how much ink the words explain', () => {
    const w = 400;
    const h = 500;
    const data = new Uint8Array(w * h).fill(255);
    for (let x = 40; x < 360; x++) data[100 * w + x] = 0; // a rule
    for (let y = 200; y < 320; y++) for (let x = 100; x < 300; x++) if ((x + y) % 3) data[y * w + x] = 40; // a picture
    const ink = analyseInk({ width: w, height: h, data }, []);
    expect(ink.rules.horizontal).toHaveLength(1);
    expect(ink.figures).toHaveLength(1);
    expect(ink.figures[0].x0).toBeCloseTo(0.25, 1);
    expect(ink.inkCoveredByWords).toBe(0);
  });
  it('estimates a small skew', () => {
    const w = 800;
    const h = 600;
    const data = new Uint8Array(w * h).fill(255);
    const t = Math.tan((2 * Math.PI) / 180);
    for (let row = 0; row < 10; row++)
      for (let x = 50; x < 750; x++)
        for (let k = 0; k < 4; k++) {
          const y = Math.round(100 + row * 40 + k + x * t);
          if (y < h) data[y * w + x] = 0;
        }
    expect(Math.abs(estimateSkew({ width: w, height: h, data }))).toBeCloseTo(2, 0);
  });
});
