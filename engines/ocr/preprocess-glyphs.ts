/**
 * Pure: the glyphs on a page image. Dark pixels (Otsu threshold) are grouped into 8-connected components;
 * those shaped like characters (not specks, rules, boxes or pictures) give the text height that decides
 * whether to enlarge the page before OCR (preprocess-upscale.ts), and their centres the share of the
 * page's text an OCR pass found (ocr/sparse-fallback.ts).
 */
import type { GrayImage } from '../layout/ink.ts';

/** Otsu's threshold of a grey image (dark ink below it). */
export function otsuThreshold(img: GrayImage): number {
  const hist = new Float64Array(256);
  const { data } = img;
  // a sample of ~1 M pixels is as good as all of them
  const size = img.width * img.height;
  const step = Math.max(1, Math.floor(size / 1_000_000)) | 1;
  let n = 0;
  for (let i = 0; i < size; i += step, n++) hist[data[i]]++;
  let sum = 0;
  for (let t = 0; t < 256; t++) sum += t * hist[t];
  let wB = 0;
  let sumB = 0;
  let best = 128;
  let bestVar = -1;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (!wB) continue;
    const wF = n - wB;
    if (!wF) break;
    sumB += t * hist[t];
    const d = sumB / wB - (sum - sumB) / wF;
    const v = wB * wF * d * d;
    if (v > bestVar) [bestVar, best] = [v, t];
  }
  return best + 1;
}

export interface Component {
  x0: number;
  y0: number;
  /** exclusive */
  x1: number;
  y1: number;
  area: number;
}

/** 8-connected components of pixels darker than `threshold` (run-length labelling with union-find). */
export function darkComponents(img: GrayImage, threshold = otsuThreshold(img)): Component[] {
  const { width: W, height: H, data } = img;
  const parent: number[] = [];
  const find = (a: number) => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  // runs: [x0, x1 (exclusive), y, label]
  const runX0: number[] = [];
  const runX1: number[] = [];
  const runY: number[] = [];
  const runL: number[] = [];
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < H; y++) {
    const rowStart = runX0.length;
    let p = prevStart;
    const row = y * W;
    let x = 0;
    while (x < W) {
      if (data[row + x] >= threshold) {
        x++;
        continue;
      }
      const s = x;
      while (x < W && data[row + x] < threshold) x++;
      let label = -1;
      // previous-row runs touching [s-1, x] (8-connectivity)
      while (p < prevEnd && runX1[p] < s) p++;
      for (let q = p; q < prevEnd && runX0[q] <= x; q++) {
        const l = find(runL[q]);
        if (label < 0) label = l;
        else if (l !== label) {
          const [a, b] = l < label ? [l, label] : [label, l];
          parent[b] = a;
          label = a;
        }
      }
      if (label < 0) {
        label = parent.length;
        parent.push(label);
      }
      runX0.push(s);
      runX1.push(x);
      runY.push(y);
      runL.push(label);
    }
    prevStart = rowStart;
    prevEnd = runX0.length;
  }
  const byRoot = new Map<number, Component>();
  for (let i = 0; i < runX0.length; i++) {
    const r = find(runL[i]);
    const c = byRoot.get(r);
    if (!c) byRoot.set(r, { x0: runX0[i], x1: runX1[i], y0: runY[i], y1: runY[i] + 1, area: runX1[i] - runX0[i] });
    else {
      if (runX0[i] < c.x0) c.x0 = runX0[i];
      if (runX1[i] > c.x1) c.x1 = runX1[i];
      if (runY[i] + 1 > c.y1) c.y1 = runY[i] + 1;
      c.area += runX1[i] - runX0[i];
    }
  }
  return [...byRoot.values()];
}

/** Components shaped like characters: not specks, not rules or boxes, not pictures. */
export function glyphLike(c: Component, pageHeight: number): boolean {
  const w = c.x1 - c.x0;
  const h = c.y1 - c.y0;
  if (h < 4 || h > Math.max(12, pageHeight / 12) || c.area < 6) return false;
  if (w > 3 * h) return false; // rules, underlines, merged runs of text
  const fill = c.area / (w * h);
  return fill >= 0.12 && fill <= 0.9;
}

/** fewer glyph-like components than this and the page says nothing reliable about its text */
export const MIN_GLYPHS = 20;

export interface GlyphStats {
  /** median height in px of the glyphs in text lines (of all glyph-like components when few form lines; about
   * the x-height); 0 when too few to say */
  medianHeight: number;
  /** centres (normalised 0..1) of the glyphs that sit in lines of text: what OCR should have read */
  centres: { x: number; y: number }[];
}

/**
 * Glyphs that sit in a line of text: chains of at least `minChain` glyphs, each linked to a neighbour of
 * similar height (within 1.6×) on the same baseline band (centres within half a height) less than 1.5
 * heights away. Drops the glyph-shaped bits of pictures, speckle and stray marks.
 */
export function inTextLines(glyphs: Component[], minChain = 3): Component[] {
  if (!glyphs.length) return [];
  const cell = Math.max(8, Math.max(...glyphs.map((c) => c.y1 - c.y0)) * 2);
  const grid = new Map<number, number[]>();
  const cy = (c: Component) => (c.y0 + c.y1) / 2;
  const key = (gx: number, gy: number) => gy * 1_000_003 + gx;
  glyphs.forEach((c, i) => {
    const k = key(Math.floor(c.x0 / cell), Math.floor(cy(c) / cell));
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  });
  const parent = glyphs.map((_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  glyphs.forEach((c, i) => {
    const h = c.y1 - c.y0;
    const gx = Math.floor(c.x0 / cell);
    const gy = Math.floor(cy(c) / cell);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const j of grid.get(key(gx + dx, gy + dy)) ?? []) {
          if (j <= i) continue;
          const o = glyphs[j];
          const oh = o.y1 - o.y0;
          if (oh > h * 1.6 || h > oh * 1.6) continue;
          if (Math.abs(cy(o) - cy(c)) > Math.max(h, oh) / 2) continue;
          if (Math.max(o.x0 - c.x1, c.x0 - o.x1) < 1.5 * Math.max(h, oh)) parent[find(j)] = find(i);
        }
  });
  const size = new Map<number, number>();
  for (let i = 0; i < glyphs.length; i++) size.set(find(i), (size.get(find(i)) ?? 0) + 1);
  return glyphs.filter((_, i) => (size.get(find(i)) ?? 0) >= minChain);
}

export function glyphStats(img: GrayImage, components = darkComponents(img), minChain = 3): GlyphStats {
  const glyphs = components.filter((c) => glyphLike(c, img.height));
  const inLines = inTextLines(glyphs, minChain);
  // the height is measured on the glyphs that form lines when there are enough of them: a speckled scan or
  // photo has more speck-sized "glyphs" than letters (a receipt on an A4 bed: 4–8 px specks, 22 px text),
  // and the median of all of them is the specks' height
  const measured = inLines.length >= MIN_GLYPHS ? inLines : glyphs;
  const hs = measured.map((c) => c.y1 - c.y0).sort((a, b) => a - b);
  const centres = inLines.map((c) => ({
    x: (c.x0 + c.x1) / 2 / img.width,
    y: (c.y0 + c.y1) / 2 / img.height,
  }));
  return { medianHeight: hs.length >= MIN_GLYPHS ? hs[hs.length >> 1] : 0, centres };
}
