/**
 * The per-page intermediate every extractor produces (text layer or OCR) and layout consumes.
 * Boxes are normalised to the page: 0..1, top-left origin. Internal to the document capability.
 */
import type { Rect } from '../../schemas/box.ts';

/** A word's or region's rectangle by its corners; the output's box is schemas/box.ts (`boundingBoxOf`). */
export type { Rect };

export interface Word {
  text: string;
  box: Rect;
  /** 0..1; 1 for a text layer */
  confidence: number;
}

export type TextSource = 'TEXT_LAYER' | 'OCR';

/** What extraction found on one page, before layout. */
export interface PageWords {
  pageIndex: number;
  /** page size in PDF points (images: pixels at 72 dpi equivalents) */
  widthPt: number;
  heightPt: number;
  source: TextSource;
  /** why this source was chosen, e.g. "text layer looks like junk (quality 0.12)" */
  sourceReason: string;
  ocrEngine?: string;
  words: Word[];
  /** non-text regions found on the page raster (figures), normalised */
  figures: Rect[];
  /** long thin strokes found on the page raster (table rules), normalised */
  rules: { horizontal: Rect[]; vertical: Rect[] };
  /** set when the page image was rotated to straighten it */
  deskewDegrees?: number;
  /** rendered page image of this page kept for figure crops (a work-area URI), when asked for */
  pageImageUri?: string;
  pageImageWidthPx?: number;
  pageImageHeightPx?: number;
}

export const boxUnion = (a: Rect, b: Rect): Rect => ({
  x0: Math.min(a.x0, b.x0),
  y0: Math.min(a.y0, b.y0),
  x1: Math.max(a.x1, b.x1),
  y1: Math.max(a.y1, b.y1),
});
export const unionAll = (boxes: Rect[]): Rect => boxes.reduce(boxUnion);
export const boxWidth = (b: Rect) => b.x1 - b.x0;
export const boxHeight = (b: Rect) => b.y1 - b.y0;
export const boxArea = (b: Rect) => Math.max(0, boxWidth(b)) * Math.max(0, boxHeight(b));
export function intersectionArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}
