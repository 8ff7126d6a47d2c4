/**
 * OCR with tesseract.js (WASM) and the eng model from the npm package @tesseract.js-data/eng: fully offline,
 * runs wherever Node runs. Workers are created lazily, reused, and terminated after a minute idle.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { type AdaptiveSteps, recognizeAdaptive } from './adaptive.ts';
import type { OcrEngine, OcrOptions, OcrPage } from './engine.ts';
import { ocrConcurrency } from './ocr-slots.ts';
import { parseTesseractTsv } from './tsv.ts';

const require = createRequire(import.meta.url);
const langPath = () =>
  path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

export class TesseractJsEngine implements OcrEngine {
  readonly name = 'tesseract.js';
  private idle: Worker[] = [];
  private live = 0;
  /** pages waiting for a worker: handed a released worker, or `undefined` when a failed start freed a place */
  private readonly waiting: ((w: Worker | undefined) => void)[] = [];
  private idleTimer?: NodeJS.Timeout;
  constructor(
    private readonly size = ocrConcurrency(),
    private readonly steps?: AdaptiveSteps,
  ) {}

  private async acquire(): Promise<Worker> {
    for (;;) {
      clearTimeout(this.idleTimer);
      const w = this.idle.pop();
      if (w) return w;
      if (this.live < this.size) {
        this.live++;
        try {
          return await createWorker('eng', OEM.LSTM_ONLY, { langPath: langPath(), gzip: true, cacheMethod: 'none' });
        } catch (e) {
          // the place is free again: a waiting page tries to start a worker itself (else it would wait forever)
          this.live--;
          this.waiting.shift()?.(undefined);
          throw e;
        }
      }
      const handed = await new Promise<Worker | undefined>((r) => this.waiting.push(r));
      if (handed) return handed;
    }
  }
  private release(w: Worker) {
    const next = this.waiting.shift();
    if (next) return next(w);
    this.idle.push(w);
    this.idleTimer = setTimeout(() => void this.close(), 60_000);
    this.idleTimer.unref();
  }

  recognize(imagePath: string, opts: OcrOptions = {}): Promise<OcrPage> {
    return recognizeAdaptive(imagePath, opts, async (file, psm, pass) => {
      const w = await this.acquire();
      try {
        // workers are reused: every parameter a pass may change is set on every pass
        await w.setParameters({
          tessedit_pageseg_mode: String(psm) as never,
          tessedit_do_invert: pass?.invert === false ? '0' : '1',
        });
        const { data } = await w.recognize(file, {}, { tsv: true, text: false });
        return parseTesseractTsv(data.tsv ?? '', this.name);
      } finally {
        this.release(w);
      }
    }, this.steps);
  }

  async close() {
    const ws = this.idle;
    this.idle = [];
    this.live -= ws.length;
    await Promise.all(ws.map((w) => w.terminate().catch(() => undefined)));
  }
}
