/**
 * Picks the OCR engine: QUARRY_OCR_ENGINE=tesseract|tesseract.js, else the native CLI when it is installed
 * (about half the time per page at the same accuracy), else tesseract.js (the everywhere fallback).
 */
import { hasTool } from '../media/run-tool.ts';
import type { OcrEngine, OcrEngineName } from './engine.ts';
import { TesseractCliEngine } from './tesseract-cli.ts';
import { TesseractJsEngine } from './tesseract-js.ts';

const engines = new Map<OcrEngineName, OcrEngine>();

export function ocrEngine(name: OcrEngineName): OcrEngine {
  let e = engines.get(name);
  if (!e) {
    e = name === 'tesseract' ? new TesseractCliEngine() : new TesseractJsEngine();
    engines.set(name, e);
  }
  return e;
}

let chosen: Promise<OcrEngine> | undefined;
export function defaultOcrEngine(): Promise<OcrEngine> {
  chosen ??= (async () => {
    const wanted = process.env.QUARRY_OCR_ENGINE as OcrEngineName | undefined;
    if (wanted === 'tesseract' || wanted === 'tesseract.js') return ocrEngine(wanted);
    return ocrEngine((await hasTool(process.env.QUARRY_TESSERACT_BIN || 'tesseract')) ? 'tesseract' : 'tesseract.js');
  })();
  return chosen;
}

export async function closeOcrEngines() {
  await Promise.all([...engines.values()].map((e) => e.close()));
}
