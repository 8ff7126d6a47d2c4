/**
 * The OCR engine interface: an image file in, words with boxes (normalised 0..1) and confidences (0..1) out.
 * Two engines: the native `tesseract` CLI (default when installed: ~2× faster) and tesseract.js (WASM, runs
 * everywhere Node runs). Both read the same eng model family and give the same words at equal PSM.
 */
import type { Word } from '../page-content.ts';

export interface OcrOptions {
  /** tesseract page segmentation mode; 3 = automatic layout (multi-column pages), 6 = one uniform block */
  psm?: number;
  signal?: AbortSignal;
}

export interface OcrPage {
  engine: string;
  widthPx: number;
  heightPx: number;
  words: Word[];
}

export interface OcrEngine {
  readonly name: string;
  /** `imagePath`: PGM/PPM/PNG/JPEG/TIFF (first page) on local disk */
  recognize(imagePath: string, opts?: OcrOptions): Promise<OcrPage>;
  /** tesseract page orientation (0/90/180/270 degrees clockwise the page must be rotated), when detectable */
  detectOrientation?(imagePath: string, signal?: AbortSignal): Promise<number | undefined>;
  close(): Promise<void>;
}

export type OcrEngineName = 'tesseract' | 'tesseract.js';
