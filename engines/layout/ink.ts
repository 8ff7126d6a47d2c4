/**
 * Pure: what a low-resolution grey page image shows besides words. Long thin dark strokes are table rules;
 * dark regions left after masking the words are figures (pictures, charts, drawings). Also the ink fraction
 * and how much of the ink the words explain (used to decide whether a page needs OCR).
 */
import { type Rect, boxUnion } from './page-content.ts';

export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface InkAnalysis {
  inkFraction: number;
  /** share of ink pixels lying inside word boxes */
  inkCoveredByWords: number;
  figures: Rect[];
  rules: { horizontal: Rect[]; vertical: Rect[] };
}

const DARK = 170;

/** Bits of the per-pixel mask analyseInk works on. */
const IS_DARK = 1;
const IN_WORD = 2;
const ON_RULE = 4;

export function analyseInk(img: GrayImage, words: Rect[]): InkAnalysis {
  const { width: W, height: H, data } = img;
  const N = W * H;
  // one byte per pixel, three bits: dark, inside a (slightly grown) word box, on a rule
  const mask = new Uint8Array(N);
  const minV = Math.max(8, Math.floor(H * 0.04));
  // a column can hold a vertical rule only where a dark run at least minV long goes down it
  const runDown = new Uint16Array(W);
  const tall = new Uint8Array(W);
  let ink = 0;
  for (let y = 0, i = 0; y < H; y++)
    for (let x = 0; x < W; x++, i++)
      if (data[i] < DARK) {
        mask[i] = IS_DARK;
        ink++;
        if (++runDown[x] >= minV) tall[x] = 1;
      } else runDown[x] = 0;
  let covered = 0;
  for (const b of words) {
    const x0 = Math.max(0, Math.floor(b.x0 * W) - 1);
    const x1 = Math.min(W - 1, Math.ceil(b.x1 * W) + 1);
    const y0 = Math.max(0, Math.floor(b.y0 * H) - 1);
    const y1 = Math.min(H - 1, Math.ceil(b.y1 * H) + 1);
    for (let y = y0; y <= y1; y++)
      for (let i = y * W + x0, end = y * W + x1; i <= end; i++) {
        const m = mask[i];
        if (m & IN_WORD) continue;
        mask[i] = m | IN_WORD;
        if (m & IS_DARK) covered++;
      }
  }

  // rules: runs of dark pixels at least 6% of the page long, at most 3 px thick
  const horizontal: Rect[] = [];
  const vertical: Rect[] = [];
  const minH = Math.max(8, Math.floor(W * 0.06));
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let x = 0;
    while (x < W) {
      if (!(mask[row + x] & IS_DARK)) {
        x++;
        continue;
      }
      const s = x;
      while (x < W && mask[row + x] & IS_DARK) x++;
      if (x - s >= minH) {
        const mid = Math.floor((s + x) / 2);
        let t = 1;
        while (t <= 4 && y - t >= 0 && mask[(y - t) * W + mid] & IS_DARK) t++;
        let u = 1;
        while (u <= 4 && y + u < H && mask[(y + u) * W + mid] & IS_DARK) u++;
        if (t + u - 1 <= 4) {
          horizontal.push({ x0: s / W, x1: x / W, y0: y / H, y1: (y + 1) / H });
          for (let k = row + s; k < row + x; k++) mask[k] |= ON_RULE;
        }
      }
    }
  }
  for (let x = 0; x < W; x++) {
    if (!tall[x]) continue;
    let y = 0;
    while (y < H) {
      if (!(mask[y * W + x] & IS_DARK)) {
        y++;
        continue;
      }
      const s = y;
      while (y < H && mask[y * W + x] & IS_DARK) y++;
      if (y - s >= minV) {
        const mid = Math.floor((s + y) / 2) * W;
        let t = 1;
        while (t <= 4 && x - t >= 0 && mask[mid + x - t] & IS_DARK) t++;
        let u = 1;
        while (u <= 4 && x + u < W && mask[mid + x + u] & IS_DARK) u++;
        if (t + u - 1 <= 4) {
          vertical.push({ x0: x / W, x1: (x + 1) / W, y0: s / H, y1: y / H });
          for (let k = s; k < y; k++) mask[k * W + x] |= ON_RULE;
        }
      }
    }
  }

  // figures: connected components of leftover ink (dark, outside words and rules) on a coarse grid
  const C = 4;
  const gw = Math.ceil(W / C);
  const gh = Math.ceil(H / C);
  const cell = new Uint16Array(gw * gh);
  let leftover = 0;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const cellRow = Math.floor(y / C) * gw;
    for (let x = 0; x < W; x++)
      if (mask[row + x] === IS_DARK) {
        cell[cellRow + Math.floor(x / C)]++;
        leftover++;
      }
  }
  const figures: Rect[] = [];
  if (leftover) {
    const on = new Uint8Array(gw * gh);
    for (let i = 0; i < gw * gh; i++) on[i] = cell[i] >= 2 ? 1 : 0;
    const seen = new Uint8Array(gw * gh);
    const stack: number[] = [];
    for (let i = 0; i < gw * gh; i++) {
      if (!on[i] || seen[i]) continue;
      let [x0, y0, x1, y1, n] = [gw, gh, 0, 0, 0];
      stack.push(i);
      seen[i] = 1;
      while (stack.length) {
        const k = stack.pop() as number;
        const cx = k % gw;
        const cy = (k - cx) / gw;
        n++;
        x0 = Math.min(x0, cx);
        x1 = Math.max(x1, cx);
        y0 = Math.min(y0, cy);
        y1 = Math.max(y1, cy);
        for (let dy = -2; dy <= 2; dy++)
          for (let dx = -2; dx <= 2; dx++) {
            const nx = cx + dx;
            const ny = cy + dy;
            if (nx < 0 || ny < 0 || nx >= gw || ny >= gh) continue;
            const q = ny * gw + nx;
            if (on[q] && !seen[q]) {
              seen[q] = 1;
              stack.push(q);
            }
          }
      }
      const b = { x0: x0 / gw, y0: y0 / gh, x1: (x1 + 1) / gw, y1: (y1 + 1) / gh };
      const w = b.x1 - b.x0;
      const h = b.y1 - b.y0;
      if (w >= 0.06 && h >= 0.04 && w * h >= 0.012 && n >= 12) figures.push(b);
    }
  }
  return {
    inkFraction: ink / N,
    inkCoveredByWords: ink ? covered / ink : 1,
    figures,
    rules: { horizontal: mergeRules(horizontal, 'h'), vertical: mergeRules(vertical, 'v') },
  };
}

/** Adjacent 1-px runs of the same stroke → one rule. */
function mergeRules(rs: Rect[], dir: 'h' | 'v'): Rect[] {
  const out: Rect[] = [];
  const key = (b: Rect) => (dir === 'h' ? b.y0 : b.x0);
  for (const r of rs.sort((a, b) => key(a) - key(b))) {
    const m = out.findIndex((o) =>
      dir === 'h'
        ? Math.abs(o.y1 - r.y0) < 0.004 && Math.min(o.x1, r.x1) > Math.max(o.x0, r.x0)
        : Math.abs(o.x1 - r.x0) < 0.004 && Math.min(o.y1, r.y1) > Math.max(o.y0, r.y0),
    );
    if (m >= 0) out[m] = boxUnion(out[m], r);
    else out.push({ ...r });
  }
  return out;
}
