/**
 * Enlarging small text before OCR. Tesseract's LSTM reads best when lowercase letters are ~20–30 px tall
 * (10 pt at 300 dpi); low-resolution scans and faxes (~100 dpi) give 7–11 px and lose many words. The text
 * height is measured on the page (median glyph height, preprocess-glyphs.ts), not guessed from the file's
 * dpi (often wrong), and the page is enlarged (bicubic, sharp) only when it is clearly below the target:
 * 300-dpi scans are left alone, so they pay nothing but the measurement. Word boxes found on the enlarged
 * image map back through the per-axis scale.
 */
import type { GrayImage } from '../layout/ink.ts';
import { grayOf, sharpOfGray } from './raster.ts';
import type { OcrPage } from './engine.ts';
import type { Rect } from '../layout/page-content.ts';

/** median glyph height (≈ x-height) to enlarge to: 10 pt text at 300 dpi */
export const TARGET_GLYPH_PX = 24;
/** smaller enlargements are not worth their cost (pixels grow with the square) */
export const MIN_FACTOR = 1.25;
export const MAX_FACTOR = 3;
/** the enlarged page stays within this many pixels (a 300-dpi letter page is 8.4 M): photos are not enlarged */
export const MAX_ENLARGED_PIXELS = 12_000_000;

/** Pure: how much to enlarge a page whose median glyph height is `glyphPx` (0 = unknown); 1 = leave it. */
export function upscaleFactor(glyphPx: number, width: number, height: number): number {
  if (!(glyphPx > 0)) return 1;
  const f = Math.min(
    MAX_FACTOR,
    TARGET_GLYPH_PX / glyphPx,
    Math.sqrt(MAX_ENLARGED_PIXELS / Math.max(1, width * height)),
  );
  return f >= MIN_FACTOR ? Math.round(f * 100) / 100 : 1;
}

/** Enlarges by `factor` (bicubic; the output size is rounded, so use its real size when mapping back). */
export async function enlargeGray(img: GrayImage, factor: number): Promise<GrayImage> {
  return grayOf(
    sharpOfGray(img).resize(Math.round(img.width * factor), Math.round(img.height * factor), { fit: 'fill' }),
  );
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Pure: a box normalised to the enlarged image → normalised to the original. Through pixels: the enlarged
 * pixel box divided by the per-axis scale (enlarged / original size) is the original pixel box.
 */
export function mapBoxBack(box: Rect, enlarged: Size, original: Size): Rect {
  const sx = enlarged.width / original.width;
  const sy = enlarged.height / original.height;
  const clamp = (v: number) => Math.max(0, Math.min(1, v));
  return {
    x0: clamp((box.x0 * enlarged.width) / sx / original.width),
    y0: clamp((box.y0 * enlarged.height) / sy / original.height),
    x1: clamp((box.x1 * enlarged.width) / sx / original.width),
    y1: clamp((box.y1 * enlarged.height) / sy / original.height),
  };
}

/** Pure: an OCR result on the enlarged image → the same result on the original (its pixel size, its boxes). */
export function mapPageBack(page: OcrPage, original: Size): OcrPage {
  const enlarged = { width: page.widthPx, height: page.heightPx };
  if (!enlarged.width || !enlarged.height) return { ...page, widthPx: original.width, heightPx: original.height };
  return {
    ...page,
    widthPx: original.width,
    heightPx: original.height,
    words: page.words.map((w) => ({ ...w, box: mapBoxBack(w.box, enlarged, original) })),
  };
}
