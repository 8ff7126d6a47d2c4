/**
 * From a text-line recogniser's output to words with boxes (the PP-OCR engine, ppocr.ts). PaddleOCR's Chinese +
 * English models read Latin lines with their letters right and their word spaces mostly missing ("SDNBHD"), so
 * the spaces are put back from the picture: a character boundary becomes a space where the line crop shows a
 * column run without ink wider than a quarter of the line's height and well above the line's usual gap between
 * letters. The CTC frames give each character's place along the crop, so each word gets its span, and its box
 * follows the line's quadrilateral. Pure; hand-written because no library does CTC-with-positions spacing.
 */
import type { Rect } from '../../schemas/box.ts';

/** One decoded character: its text, the first and last output frames it occupies, its probability. */
export interface CtcChar {
  ch: string;
  first: number;
  last: number;
  p: number;
}

/**
 * Greedy CTC decoding of one line's logits (`steps` × `classes`, row-major); class 0 is the blank and class c ≥ 1
 * is `dict[c - 1]`. A class repeated over consecutive frames is one character.
 */
export function decodeCtc(
  logits: ArrayLike<number>,
  steps: number,
  classes: number,
  dict: readonly string[],
): CtcChar[] {
  const out: CtcChar[] = [];
  let prev = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const v = logits[t * classes + c];
      if (v > bestP) {
        bestP = v;
        best = c;
      }
    }
    if (best !== 0 && best === prev) out[out.length - 1].last = t;
    else if (best !== 0 && dict[best - 1] !== undefined) out.push({ ch: dict[best - 1], first: t, last: t, p: bestP });
    prev = best;
  }
  return out;
}

/**
 * Which columns of a grey line crop hold ink (1) or only background (0). The text's polarity comes from the
 * crop's histogram: dark text on a light ground leaves most pixels light. A few rows at the top and bottom are
 * ignored (neighbouring lines' descenders).
 */
export function inkColumns(gray: ArrayLike<number>, width: number, height: number): Uint8Array {
  const n = width * height;
  // the 2nd, 50th and 98th percentiles from a 256-bin histogram (a sort of every pixel cost ~5 ms a line on the
  // worker's event loop)
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) hist[Math.max(0, Math.min(255, Math.round(gray[i])))]++;
  const percentile = (q: number) => {
    const rank = Math.min(n - 1, Math.floor(n * q));
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += hist[v];
      if (seen > rank) return v;
    }
    return 255;
  };
  const lo = percentile(0.02);
  const mid = percentile(0.5);
  const hi = percentile(0.98);
  const darkText = mid - lo >= hi - mid;
  const threshold = darkText ? (mid + lo) / 2 : (mid + hi) / 2;
  const margin = Math.floor(height / 12);
  const ink = new Uint8Array(width);
  for (let x = 0; x < width; x++)
    for (let y = margin; y < height - margin; y++) {
      const v = gray[y * width + x];
      if (darkText ? v < threshold : v > threshold) {
        ink[x] = 1;
        break;
      }
    }
  return ink;
}

/** A word of a line: its text, its span along the crop (0..1 of the crop's width), its mean probability. */
export interface LineWord {
  text: string;
  from: number;
  to: number;
  confidence: number;
}

/** Smallest blank run, as a share of the line height, that can be a word space. */
export const SPACE_OF_HEIGHT = 0.25;
/** ...and as a multiple of the line's median blank run between letters. */
export const SPACE_OF_MEDIAN_GAP = 2.5;

/**
 * Splits a line's characters into words: at the recogniser's own spaces, and where the crop (`ink`, one entry
 * per column of a crop `height` pixels high) shows a blank run wide enough between two characters (see the
 * constants). A decimal point, comma or colon between digits never opens a space ("49. 60" is 49.60).
 */
export function wordsOfLine(chars: readonly CtcChar[], ink: Uint8Array, steps: number, height: number): LineWord[] {
  const width = ink.length;
  const col = (t: number) => Math.min(width - 1, Math.max(0, Math.round(((t + 0.5) * width) / steps)));
  const runs = chars.map((c, i) => {
    if (i === 0) return 0;
    let run = 0;
    let best = 0;
    for (let x = col(chars[i - 1].last); x <= col(c.first); x++) {
      run = ink[x] ? 0 : run + 1;
      best = Math.max(best, run);
    }
    return best;
  });
  const between = runs.slice(1).sort((a, b) => a - b);
  const median = between.length ? between[Math.floor(between.length / 2)] : 0;
  const space = Math.max(SPACE_OF_HEIGHT * height, SPACE_OF_MEDIAN_GAP * median);
  // a frame marks where a character was recognised, not where its ink starts and ends: a word's span is grown
  // over the ink around it, up to a blank run half a space wide (else neighbouring words would look far apart)
  const stop = Math.max(2, space / 2);
  const grow = (x: number, dir: -1 | 1, limit: number) => {
    let edge = x;
    let blank = 0;
    for (let i = x + dir; dir < 0 ? i >= limit : i <= limit; i += dir) {
      if (ink[i]) {
        edge = i;
        blank = 0;
      } else if (++blank >= stop) break;
    }
    return edge;
  };
  const words: LineWord[] = [];
  let cur: CtcChar[] = [];
  let previousEnd = -1;
  const flush = () => {
    if (cur.length) {
      const first = grow(col(cur[0].first), -1, previousEnd + 1);
      const last = grow(col(cur[cur.length - 1].last), 1, width - 1);
      words.push({
        text: cur.map((c) => c.ch).join(''),
        from: first / width,
        to: Math.min(1, (last + 1) / width),
        confidence: cur.reduce((a, c) => a + c.p, 0) / cur.length,
      });
      previousEnd = last;
    }
    cur = [];
  };
  chars.forEach((c, i) => {
    if (c.ch.trim() === '') {
      flush();
      return;
    }
    const prev = cur[cur.length - 1];
    const inNumber = prev && /[.,:]/.test(prev.ch) && /\d/.test(cur[cur.length - 2]?.ch ?? '') && /\d/.test(c.ch);
    if (prev && runs[i] >= space && !inNumber) flush();
    cur.push(c);
  });
  flush();
  return words;
}

/**
 * The box of a word spanning `from`..`to` (0..1) along a line's quadrilateral (top-left, top-right,
 * bottom-right, bottom-left, in pixels), normalised to an image of `w` × `h` pixels.
 */
export function wordBox(quad: readonly (readonly number[])[], from: number, to: number, w: number, h: number): Rect {
  const [tl, tr, br, bl] = quad;
  const at = (a: readonly number[], b: readonly number[], f: number) => [
    a[0] + (b[0] - a[0]) * f,
    a[1] + (b[1] - a[1]) * f,
  ];
  const pts = [at(tl, tr, from), at(tl, tr, to), at(bl, br, from), at(bl, br, to)];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    x0: clamp(Math.min(...xs) / w),
    y0: clamp(Math.min(...ys) / h),
    x1: clamp(Math.max(...xs) / w),
    y1: clamp(Math.max(...ys) / h),
  };
}
