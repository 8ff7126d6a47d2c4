/**
 * The OCR engine interface: an image file in, words with boxes (normalised 0..1) and confidences (0..1) out.
 * Three engines: the native `tesseract` CLI (default when installed: ~2× faster) and tesseract.js (WASM, runs
 * everywhere Node runs), and PaddleOCR's PP-OCRv4 models in onnxruntime (ppocr.ts: its own line detection, no
 * tesseract preprocessing). The two tesseracts read the same eng model family and give the same words at equal PSM, and both
 * wrap their tesseract passes in the same preprocessing (adaptive.ts): small text is enlarged, and forms
 * whose automatic layout misses text get a sparse-text pass.
 */
import type { Word } from '../layout/page-content.ts';

export interface OcrOptions {
  /** tesseract page segmentation mode; 3 = automatic layout (multi-column pages), 6 = one uniform block */
  psm?: number;
  /** enlarge the page when its measured text height is small (default true) */
  enlarge?: boolean;
  /** add a sparse-text pass (PSM 11) when the words cover too little of the page's glyphs (default: PSM 3) */
  sparseFallback?: boolean;
  signal?: AbortSignal;
}

export interface OcrPage {
  engine: string;
  widthPx: number;
  heightPx: number;
  words: Word[];
  /** the page was OCR'd enlarged by this factor (boxes and size are the original's) */
  enlargedBy?: number;
  /** a sparse-text pass added words the automatic layout missed */
  sparsePass?: boolean;
}

export interface OcrEngine {
  readonly name: string;
  /** the engine reads text as light as its background in the grey page: no colour-contrast pass after it */
  readonly readsFaintText?: boolean;
  /** `imagePath`: PGM/PPM/PNG/JPEG/TIFF (first page) on local disk */
  recognize(imagePath: string, opts?: OcrOptions): Promise<OcrPage>;
  /** tesseract page orientation (0/90/180/270 degrees clockwise the page must be rotated), when detectable */
  detectOrientation?(imagePath: string, signal?: AbortSignal): Promise<number | undefined>;
  close(): Promise<void>;
}

export type OcrEngineName = 'tesseract' | 'tesseract.js' | 'ppocr';
