/** OCR with the native `tesseract` CLI (Debian tesseract-ocr): one child process per page, one thread each. */
import { runTool } from '../media/run-tool.ts';
import { type AdaptiveSteps, recognizeAdaptive } from './adaptive.ts';
import type { OcrEngine, OcrOptions, OcrPage } from './engine.ts';
import { ocrConcurrency, Slots } from './ocr-slots.ts';
import { parseTesseractTsv } from './tsv.ts';

export class TesseractCliEngine implements OcrEngine {
  readonly name = 'tesseract';
  private readonly slots: Slots;
  private readonly env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  private readonly bin: string;
  private readonly lang: string;
  private readonly steps?: AdaptiveSteps;
  /** `bin`: QUARRY_TESSERACT_BIN; `size`: passes at once (QUARRY_OCR_CONCURRENCY); `steps`: QUARRY_OCR_ENLARGE / _SPARSE_PASS */
  constructor(opts: { bin?: string; lang?: string; size?: number; steps?: AdaptiveSteps } = {}) {
    this.bin = opts.bin ?? 'tesseract';
    this.lang = opts.lang ?? 'eng';
    this.slots = new Slots(opts.size ?? ocrConcurrency());
    this.steps = opts.steps;
  }

  recognize(imagePath: string, opts: OcrOptions = {}): Promise<OcrPage> {
    return recognizeAdaptive(imagePath, opts, (file, psm, pass) =>
      this.slots.run(async () => {
        const vars = pass?.invert === false ? ['-c', 'tessedit_do_invert=0'] : [];
        const args = [file, 'stdout', '--psm', String(psm), '-l', this.lang, ...vars, 'tsv'];
        const { stdout } = await runTool(this.bin, args, {
          env: this.env,
          signal: opts.signal,
          timeoutMs: 300_000,
        });
        return parseTesseractTsv(stdout.toString('utf8'), this.name);
      }),
      this.steps,
    );
  }

  detectOrientation(imagePath: string, signal?: AbortSignal): Promise<number | undefined> {
    return this.slots.run(async () => {
      try {
        const { stdout } = await runTool(this.bin, [imagePath, 'stdout', '--psm', '0'], {
          env: this.env,
          signal,
          timeoutMs: 60_000,
        });
        const m = /Rotate:\s*(\d+)/.exec(stdout.toString());
        const conf = /Orientation confidence:\s*([\d.]+)/.exec(stdout.toString());
        return m && conf && Number(conf[1]) > 2 ? Number(m[1]) : undefined;
      } catch {
        return undefined; // too little text for OSD, or no osd model
      }
    });
  }

  async close() {}
}
