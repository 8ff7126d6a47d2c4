import { describe, expect, it } from 'vitest';
import { type CtcChar, decodeCtc, inkColumns, wordBox, wordsOfLine } from '../../engines/ocr/line-words.ts';
import { textRegions } from '../../engines/ocr/text-regions.ts';

/** logits for a frame sequence of class ids (one-hot, probability 0.9) */
function logits(frames: number[], classes: number): Float32Array {
  const out = new Float32Array(frames.length * classes).fill(0.01);
  frames.forEach((c, t) => {
    out[t * classes + c] = 0.9;
  });
  return out;
}

/** a line crop `height` px high with ink in the given column ranges [from, to) */
function crop(width: number, height: number, inkAt: [number, number][], dark = true) {
  const gray = new Uint8Array(width * height).fill(dark ? 240 : 20);
  for (const [a, b] of inkAt)
    for (let x = a; x < b; x++) for (let y = 10; y < height - 10; y++) gray[y * width + x] = dark ? 20 : 240;
  return gray;
}

/** characters at the given frames (each one frame long) */
const chars = (text: string, frames: number[]): CtcChar[] =>
  [...text].map((ch, i) => ({ ch, first: frames[i], last: frames[i], p: 0.9 }));

describe('CTC decoding with positions', () => {
  it('merges a repeated class, splits at blanks, and keeps each character’s frames', () => {
    const dict = ['a', 'b', ' '];
    // frames: a a _ a b b _ _
    const out = decodeCtc(logits([1, 1, 0, 1, 2, 2, 0, 0], 4), 8, 4, dict);
    expect(out.map((c) => c.ch).join('')).toBe('aab');
    expect(out.map((c) => [c.first, c.last])).toEqual([
      [0, 1],
      [3, 3],
      [4, 5],
    ]);
    expect(out[0].p).toBeCloseTo(0.9);
  });
});

describe('word spaces from the line’s ink', () => {
  it('finds ink columns for dark text on light and light text on dark', () => {
    const dark = inkColumns(crop(10, 48, [[2, 4]]), 10, 48);
    const light = inkColumns(crop(10, 48, [[2, 4]], false), 10, 48);
    expect([...dark]).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect([...light]).toEqual([...dark]);
  });

  it('opens a space at a blank run much wider than the gaps between letters, and nowhere else', () => {
    // "AB CD" on a 200-px crop read in 50 frames (4 px a frame): letters 12 px wide, 4 px apart, a 30-px space
    const ink = inkColumns(
      crop(200, 48, [
        [10, 22],
        [26, 38],
        [68, 80],
        [84, 96],
      ]),
      200,
      48,
    );
    const cs = chars('ABCD', [3, 7, 18, 22]);
    const words = wordsOfLine(cs, ink, 50, 48);
    expect(words.map((w) => w.text)).toEqual(['AB', 'CD']);
    // spans hug the ink around the frames: AB from x=10 to 38, CD from 68 to 96 (of 200)
    expect(words.map((w) => [w.from * 200, w.to * 200])).toEqual([
      [10, 38],
      [68, 96],
    ]);
  });

  it('never splits a number at its decimal point, even with blank around the narrow dot', () => {
    // "49.60": the dot is 2 px wide with 14 px of blank either side
    const ink = inkColumns(
      crop(200, 48, [
        [10, 22],
        [26, 38],
        [52, 54],
        [68, 80],
        [84, 96],
      ]),
      200,
      48,
    );
    const words = wordsOfLine(chars('49.60', [3, 7, 13, 18, 22]), ink, 50, 48);
    expect(words.map((w) => w.text)).toEqual(['49.60']);
  });

  it('keeps the recogniser’s own spaces', () => {
    const ink = new Uint8Array(100).fill(1);
    expect(wordsOfLine(chars('a b', [1, 5, 9]), ink, 25, 48).map((w) => w.text)).toEqual(['a', 'b']);
  });

  it('places a word’s box along the line’s quadrilateral, normalised to the page', () => {
    const quad = [
      [100, 50],
      [300, 50],
      [300, 70],
      [100, 70],
    ];
    expect(wordBox(quad, 0.5, 1, 400, 100)).toEqual({ x0: 0.5, y0: 0.5, x1: 0.75, y1: 0.7 });
  });
});

describe('text regions from the detector’s probability map', () => {
  it('finds each line, grows it by the unclip distance, and drops faint or thin specks', () => {
    const w = 100;
    const h = 40;
    const prob = new Float32Array(w * h);
    const fill = (x0: number, y0: number, x1: number, y1: number, v: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * w + x] = v;
    };
    fill(10, 5, 60, 11, 0.9); // a line: 50 × 6
    fill(10, 25, 30, 31, 0.4); // faint: mean 0.4 < 0.6
    fill(80, 25, 82, 35, 0.9); // 2 px wide: thinner than 3
    const r = textRegions(prob, w, h);
    expect(r).toHaveLength(1);
    // unclip distance = 50 × 6 × 1.5 / (2 × 56) ≈ 4.0
    expect(r[0]).toMatchObject({ x0: 5, y0: 0, x1: 65, y1: 16 });
    expect(r[0].score).toBeCloseTo(0.9);
  });
});
