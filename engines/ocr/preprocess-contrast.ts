/**
 * Pure: the contrast stretch before OCR, with levels taken from the page's own ink and paper. A percentile
 * stretch of all pixels (sharp's `normalise()`, 1 %–99 %) assumes ink covers more than the lower percentile:
 * on a receipt or a sparse form scanned on an A4 bed, ink is under 2 % of the pixels, the "1 %" level lands on
 * the paper's own grey (≈ 240) and every anti-aliased edge, JPEG ripple and speck becomes black — tesseract then
 * reads garbage. Here the page is split into ink and paper (Otsu), paper's median becomes white and the ink's
 * darkest tenth black, so faded scans still gain contrast and clean pages are left as they are.
 */
import type { GrayImage } from '../layout/ink.ts';
import { otsuThreshold } from './preprocess-glyphs.ts';

export interface ContrastLevels {
  /** grey at or below this becomes 0 */
  black: number;
  /** grey at or above this becomes 255 */
  white: number;
}

/** the darkest share of the ink that is mapped to black */
const INK_QUANTILE = 0.1;
/** a stretch by fewer grey levels than this at either end is not worth it: the image is left as it is */
const MIN_GAIN = 8;
/** black and white closer than this: no text contrast to speak of (blank or flat page), left alone */
const MIN_SPAN = 32;

/** Grey level at quantile `q` (0..1) of the histogram bins lo..hi-1. */
function quantile(hist: ArrayLike<number>, lo: number, hi: number, q: number): number {
  let total = 0;
  for (let t = lo; t < hi; t++) total += hist[t];
  if (!total) return -1;
  let c = 0;
  for (let t = lo; t < hi; t++) {
    c += hist[t];
    if (c >= q * total) return t;
  }
  return hi - 1;
}

/** Pure: the stretch levels of a grey histogram (256 bins) split at `threshold` (ink below), or none. */
export function contrastLevels(hist: ArrayLike<number>, threshold: number): ContrastLevels | undefined {
  const black = quantile(hist, 0, threshold, INK_QUANTILE);
  const white = quantile(hist, threshold, 256, 0.5);
  if (black < 0 || white < 0 || white - black < MIN_SPAN) return undefined;
  if (black < MIN_GAIN && white > 255 - MIN_GAIN) return undefined;
  return { black, white };
}

export function grayHistogram(img: GrayImage): Float64Array {
  const hist = new Float64Array(256);
  for (let i = 0; i < img.width * img.height; i++) hist[img.data[i]]++;
  return hist;
}

/** Pure: the image stretched linearly from the levels to 0..255 (clamped); the same image when no stretch helps. */
export function stretchContrast(img: GrayImage): GrayImage {
  const levels = contrastLevels(grayHistogram(img), otsuThreshold(img));
  if (!levels) return img;
  const { black, white } = levels;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(((v - black) * 255) / (white - black))));
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = lut[img.data[i]];
  return { width: img.width, height: img.height, data };
}
