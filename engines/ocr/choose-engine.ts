/**
 * Picks the OCR engine: QUARRY_OCR_ENGINE=tesseract|tesseract.js|ppocr for everything, else (`auto`) PP-OCR for
 * image files and for the rest the native CLI when it is installed (about half the time per page of
 * tesseract.js at the same accuracy), else tesseract.js (the everywhere fallback).
 */
import type { QuarryConfig } from '../../schemas/config.ts';
import { hasTool } from '../media/run-tool.ts';
import type { AdaptiveSteps } from './adaptive.ts';
import type { OcrEngine, OcrEngineName } from './engine.ts';
import { ocrConcurrency } from './ocr-slots.ts';
import { PpOcrEngine, ppocrAvailable } from './ppocr.ts';
import { TesseractCliEngine } from './tesseract-cli.ts';
import { TesseractJsEngine } from './tesseract-js.ts';

/** the configuration OCR reads: `documents.ocr` and `tools.tesseract` */
export type OcrConfig = Pick<QuarryConfig, 'documents' | 'tools'>;

const engines = new Map<OcrEngineName, OcrEngine>();

/** The process-wide engine of that name; the first call's configuration sizes it. */
export function ocrEngine(name: OcrEngineName, config?: OcrConfig): OcrEngine {
  let e = engines.get(name);
  if (!e) {
    const ocr = config?.documents.ocr;
    const size = ocrConcurrency(ocr?.concurrency);
    const steps: AdaptiveSteps = { enlarge: ocr?.enlarge ?? true, sparsePass: ocr?.sparsePass ?? true };
    e =
      name === 'tesseract'
        ? new TesseractCliEngine({ bin: config?.tools.tesseract, size, steps })
        : name === 'ppocr'
          ? new PpOcrEngine(size)
          : new TesseractJsEngine(size, steps);
    engines.set(name, e);
  }
  return e;
}

/**
 * What is being read: an image file (a photo, a screenshot, a render: as an IMAGE or as a DOCUMENT page), a
 * scanned PDF page, or a video frame. `auto` reads image files with PP-OCR and the rest with tesseract, by
 * measurement (README, ocr-photos and documents): on image files as documents PP-OCR reads receipts 89.6 %
 * against 77.1 % (held out), invoice renders 90.0 % against 81.1 %, FUNSD scans 76.7 % against 77.5 %; on 300-dpi
 * PDF scans tesseract reads small form print better and costs less per page; video frames are not measured.
 */
export type OcrSource = 'image file' | 'scanned page' | 'video frame';

const chosen = new Map<string, Promise<OcrEngine>>();
export function defaultOcrEngine(config: OcrConfig, source: OcrSource = 'scanned page'): Promise<OcrEngine> {
  const wanted = config.documents.ocr.engine;
  const key = `${wanted}/${source}`;
  let e = chosen.get(key);
  if (!e) {
    e = (async () => {
      if (wanted !== 'auto') return ocrEngine(wanted, config);
      if (source === 'image file' && (await ppocrAvailable())) return ocrEngine('ppocr', config);
      return ocrEngine((await hasTool(config.tools.tesseract)) ? 'tesseract' : 'tesseract.js', config);
    })();
    chosen.set(key, e);
  }
  return e;
}

export async function closeOcrEngines() {
  await Promise.all([...engines.values()].map((e) => e.close()));
}
