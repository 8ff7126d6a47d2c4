/**
 * Picks the OCR engine: QUARRY_OCR_ENGINE=tesseract|tesseract.js, else the native CLI when it is installed
 * (about half the time per page at the same accuracy), else tesseract.js (the everywhere fallback).
 */
import type { QuarryConfig } from '../../schemas/config.ts';
import { hasTool } from '../media/run-tool.ts';
import type { AdaptiveSteps } from './adaptive.ts';
import type { OcrEngine, OcrEngineName } from './engine.ts';
import { ocrConcurrency } from './ocr-slots.ts';
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
        : new TesseractJsEngine(size, steps);
    engines.set(name, e);
  }
  return e;
}

let chosen: Promise<OcrEngine> | undefined;
export function defaultOcrEngine(config: OcrConfig): Promise<OcrEngine> {
  chosen ??= (async () => {
    const wanted = config.documents.ocr.engine;
    if (wanted !== 'auto') return ocrEngine(wanted, config);
    return ocrEngine((await hasTool(config.tools.tesseract)) ? 'tesseract' : 'tesseract.js', config);
  })();
  return chosen;
}

export async function closeOcrEngines() {
  await Promise.all([...engines.values()].map((e) => e.close()));
}
