/**
 * OCR preprocessing: deskew and a contrast stretch from the page's own ink and paper levels
 * (preprocess-contrast.ts; not sharp's percentile `normalise()`, which blackens sparse pages). The skew angle
 * is estimated by projection profiles (hand-written: sharp has no deskew): the angle whose row histogram of
 * dark pixels is sharpest is the one that lines the text up. Orientation: EXIF (raster.ts) and tesseract OSD (extract-page.ts).
 */
import type { GrayImage } from '../layout/ink.ts';
import { stretchContrast } from './preprocess-contrast.ts';
import { grayOf, sharpOfGray } from './raster.ts';

/** Pure: skew in degrees (positive = text rises to the right... rotate by -angle to straighten), |a| ≤ 5. */
export function estimateSkew(img: GrayImage): number {
  const { width: W, height: H, data } = img;
  const pts: number[] = [];
  const step = Math.max(1, Math.floor(W / 800));
  for (let y = 0; y < H; y += step) for (let x = 0; x < W; x += step) if (data[y * W + x] < 128) pts.push(x, y);
  if (pts.length < 200) return 0;
  const score = (deg: number) => {
    const t = Math.tan((deg * Math.PI) / 180);
    const bins = new Float64Array(Math.ceil(H / step) + Math.ceil((W * Math.abs(t)) / step) + 4);
    const off = t < 0 ? Math.ceil((W * -t) / step) + 1 : 1;
    for (let i = 0; i < pts.length; i += 2) bins[Math.floor((pts[i + 1] + pts[i] * t) / step) + off]++;
    let s = 0;
    for (let i = 1; i < bins.length; i++) s += (bins[i] - bins[i - 1]) ** 2;
    return s;
  };
  let best = 0;
  let bestScore = score(0);
  for (let a = -5; a <= 5.001; a += 0.25) {
    const s = score(a);
    if (s > bestScore) [best, bestScore] = [a, s];
  }
  for (let a = best - 0.2; a <= best + 0.2; a += 0.05) {
    const s = score(a);
    if (s > bestScore) [best, bestScore] = [a, s];
  }
  return Math.abs(best) < 0.15 ? 0 : Number(best.toFixed(2));
}

export async function preprocessForOcr(
  img: GrayImage,
  opts: { deskew?: boolean; rotate?: number } = {},
): Promise<{ image: GrayImage; skew: number }> {
  let skew = 0;
  if (opts.deskew !== false) {
    skew = estimateSkew(await grayOf(sharpOfGray(img).resize(Math.min(1000, img.width))));
  }
  let s = sharpOfGray(img);
  if (opts.rotate) s = s.rotate(opts.rotate, { background: '#ffffff' });
  // the row histogram is sharpest at angle `skew` in y' = y + x·tan(skew): text rising by tan(-skew) → rotate by +skew... see test
  if (skew) s = s.rotate(skew, { background: '#ffffff' });
  const image = opts.rotate || skew ? await grayOf(s) : img;
  return { image: stretchContrast(image), skew };
}
