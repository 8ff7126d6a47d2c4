import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../engines/layout/ink.ts';
import type { OcrPage } from '../../engines/ocr/engine.ts';
import {
  glyphCoverage,
  MIN_SPARSE_CONFIDENCE,
  mergeSparseWords,
  residualImage,
} from '../../engines/ocr/sparse-fallback.ts';
import type { Word } from '../../engines/layout/page-content.ts';
import { darkComponents, glyphStats, otsuThreshold } from '../../engines/ocr/preprocess-glyphs.ts';
import {
  enlargeGray,
  MAX_FACTOR,
  mapBoxBack,
  mapPageBack,
  TARGET_GLYPH_PX,
  upscaleFactor,
} from '../../engines/ocr/preprocess-upscale.ts';

function blank(width: number, height: number): GrayImage {
  return { width, height, data: new Uint8Array(width * height).fill(255) };
}
function rect(img: GrayImage, x0: number, y0: number, w: number, h: number, value = 0) {
  for (let y = y0; y < y0 + h; y++) img.data.fill(value, y * img.width + x0, y * img.width + x0 + w);
}
/** a hollow letter-like glyph (an "o": outline only, so it is not a solid blob) */
function glyph(img: GrayImage, x0: number, y0: number, w: number, h: number) {
  rect(img, x0, y0, w, 2);
  rect(img, x0, y0 + h - 2, w, 2);
  rect(img, x0, y0, 2, h);
  rect(img, x0 + w - 2, y0, 2, h);
}
/** `lines` lines of `perLine` glyphs of height h, letter-spaced like text */
function textPage(width: number, height: number, h: number, lines: number, perLine: number): GrayImage {
  const img = blank(width, height);
  for (let l = 0; l < lines; l++)
    for (let k = 0; k < perLine; k++) glyph(img, 20 + k * Math.round(h * 1.1), 20 + l * h * 2, Math.round(h * 0.8), h);
  return img;
}
const word = (text: string, x0: number, y0: number, x1: number, y1: number, confidence = 0.9): Word => ({
  text,
  confidence,
  box: { x0, y0, x1, y1 },
});

describe('glyph measurement', () => {
  it('finds the text height of lines of glyphs, ignoring rules and specks', () => {
    const img = textPage(800, 600, 10, 6, 20);
    rect(img, 10, 500, 700, 2); // a form rule
    rect(img, 400, 550, 2, 2); // a speck
    const s = glyphStats(img);
    expect(s.medianHeight).toBe(10);
    expect(s.centres.length).toBe(120);
    for (const c of s.centres) {
      expect(c.x).toBeGreaterThan(0);
      expect(c.x).toBeLessThan(1);
      expect(c.y).toBeLessThan(500 / 600);
    }
  });

  it('counts glyphs outside text lines for the height but not as text to read', () => {
    const img = textPage(800, 600, 10, 3, 10);
    for (let k = 0; k < 8; k++) glyph(img, 50 + k * 80, 400 + (k % 2) * 60, 8, 10); // scattered, no neighbours
    const s = glyphStats(img);
    expect(s.centres.length).toBe(30);
    expect(s.medianHeight).toBe(10);
  });

  it('measures the height on the glyphs that form lines, not on more numerous specks (a speckled scan)', () => {
    const img = textPage(800, 800, 20, 3, 10);
    // 60 scattered 5-px specks (L-shaped, so not solid blobs), too far apart to form lines
    for (let k = 0; k < 60; k++) {
      const x = 300 + (k % 10) * 45;
      const y = 300 + Math.floor(k / 10) * 70;
      rect(img, x, y, 5, 1);
      rect(img, x, y, 1, 5);
    }
    const s = glyphStats(img);
    expect(s.centres).toHaveLength(30);
    expect(s.medianHeight).toBe(20);
  });

  it('says nothing about a page with too few glyphs', () => {
    expect(glyphStats(textPage(300, 200, 10, 1, 5)).medianHeight).toBe(0);
    expect(glyphStats(blank(100, 100)).medianHeight).toBe(0);
  });

  it('thresholds between ink and paper', () => {
    const img = textPage(200, 100, 10, 2, 10);
    const t = otsuThreshold(img);
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThanOrEqual(255);
    expect(darkComponents(img, t)).toHaveLength(20);
  });

  it('measures an enlarged page at the enlarged height', async () => {
    const img = textPage(600, 400, 8, 5, 20);
    const big = await enlargeGray(img, 2);
    expect(big.width).toBe(1200);
    expect(big.height).toBe(800);
    expect(Math.abs(glyphStats(big).medianHeight - 16)).toBeLessThanOrEqual(2);
  });
});

describe('upscale decision', () => {
  it('enlarges small text towards the target height', () => {
    // a ~100-dpi form: 9-px glyphs → 24/9
    expect(upscaleFactor(9, 754, 1000)).toBeCloseTo(TARGET_GLYPH_PX / 9, 2);
    // the same form already doubled: 18-px glyphs → 1.33
    expect(upscaleFactor(18, 1508, 2000)).toBeCloseTo(1.33, 2);
  });

  it('leaves 300-dpi pages alone (text already near the target)', () => {
    expect(upscaleFactor(21, 2550, 3300)).toBe(1);
    expect(upscaleFactor(27, 2262, 3000)).toBe(1);
    expect(upscaleFactor(20, 1700, 2200)).toBe(1); // 1.2×: not worth 44 % more pixels
  });

  it('does nothing when the text height is unknown', () => {
    expect(upscaleFactor(0, 754, 1000)).toBe(1);
    expect(upscaleFactor(Number.NaN, 754, 1000)).toBe(1);
  });

  it('caps the factor and the enlarged size', () => {
    expect(upscaleFactor(4, 500, 500)).toBe(MAX_FACTOR);
    expect(upscaleFactor(8, 4000, 3000)).toBe(1); // a 12-MP photo is not enlarged
    const f = upscaleFactor(8, 2000, 3000); // capped by the pixel budget
    expect(f).toBeGreaterThan(1);
    expect(2000 * f * 3000 * f).toBeLessThanOrEqual(12_000_000 * 1.01);
  });
});

describe('mapping boxes back from the enlarged page', () => {
  it('maps an enlarged pixel box to the original pixel box', () => {
    const original = { width: 754, height: 1000 };
    const enlarged = { width: 1508, height: 2000 };
    const box = { x0: 100 / 1508, y0: 200 / 2000, x1: 300 / 1508, y1: 240 / 2000 };
    const back = mapBoxBack(box, enlarged, original);
    expect(back.x0 * 754).toBeCloseTo(50, 6);
    expect(back.y0 * 1000).toBeCloseTo(100, 6);
    expect(back.x1 * 754).toBeCloseTo(150, 6);
    expect(back.y1 * 1000).toBeCloseTo(120, 6);
  });

  it('uses the real per-axis scale when the enlarged size was rounded', () => {
    const original = { width: 754, height: 1000 };
    const enlarged = { width: Math.round(754 * 1.33), height: Math.round(1000 * 1.33) }; // 1003 × 1330
    const px = { x0: 401, y0: 665, x1: 501, y1: 698 };
    const back = mapBoxBack(
      {
        x0: px.x0 / enlarged.width,
        y0: px.y0 / enlarged.height,
        x1: px.x1 / enlarged.width,
        y1: px.y1 / enlarged.height,
      },
      enlarged,
      original,
    );
    expect(back.x0 * original.width).toBeCloseTo(px.x0 / (enlarged.width / original.width), 6);
    expect(back.y1 * original.height).toBeCloseTo(px.y1 / (enlarged.height / original.height), 6);
  });

  it('gives the page its original pixel size and keeps boxes within it', () => {
    const page: OcrPage = {
      engine: 'tesseract',
      widthPx: 2262,
      heightPx: 3000,
      words: [word('TOTAL', 0.1, 0.2, 0.3, 0.25), word('edge', 0.9, 0.95, 1.0000001, 1)],
    };
    const back = mapPageBack(page, { width: 754, height: 1000 });
    expect(back.widthPx).toBe(754);
    expect(back.heightPx).toBe(1000);
    expect(back.words[0].text).toBe('TOTAL');
    expect(back.words[0].box.x0).toBeCloseTo(0.1, 9);
    expect(back.words[0].box.y1).toBeCloseTo(0.25, 9);
    expect(back.words[1].box.x1).toBeLessThanOrEqual(1);
  });
});

describe('sparse-text second pass', () => {
  const centres = [
    { x: 0.1, y: 0.1 },
    { x: 0.2, y: 0.1 },
    { x: 0.5, y: 0.5 },
    { x: 0.8, y: 0.9 },
  ];

  it('measures the share of glyphs inside word boxes', () => {
    expect(glyphCoverage(centres, [word('ab', 0.05, 0.05, 0.25, 0.15)])).toBe(0.5);
    expect(glyphCoverage(centres, [])).toBe(0);
    expect(glyphCoverage([], [])).toBe(1);
  });

  it('adds confident words the first pass did not find, and nothing it did', () => {
    const found = [word('Name:', 0.1, 0.1, 0.2, 0.12)];
    const sparse = [
      word('Name', 0.1, 0.1, 0.19, 0.12, 0.95), // same place: already read
      word('Date:', 0.1, 0.3, 0.2, 0.32, 0.93), // missed by the first pass
      word('Gj', 0.5, 0.5, 0.52, 0.52, MIN_SPARSE_CONFIDENCE - 0.05), // unsure: noise
      word('|', 0.6, 0.6, 0.61, 0.65, 0.97), // rule fragment
    ];
    const merged = mergeSparseWords(found, sparse);
    expect(merged.map((w) => w.text)).toEqual(['Name:', 'Date:']);
    expect(mergeSparseWords(found, [])).toBe(found);
  });

  it('paints the words already read white', () => {
    const img = textPage(200, 100, 10, 2, 10);
    const res = residualImage(img, [word('x', 0, 0, 1, 0.3)]);
    expect(img.data.some((v) => v < 128)).toBe(true); // input untouched
    for (let y = 0; y < 30; y++) for (let x = 0; x < 200; x++) expect(res.data[y * 200 + x]).toBe(255);
    expect(res.data.some((v) => v < 128)).toBe(true); // the second line is still there
  });
});
