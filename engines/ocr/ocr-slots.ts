/** A process-wide cap on concurrent OCR jobs: one tesseract per core (OMP_THREAD_LIMIT=1), shared by all activities. */
import os from 'node:os';

export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** `configured` is QUARRY_OCR_CONCURRENCY (QuarryConfig `documents.ocr.concurrency`); one per core when unset */
export const ocrConcurrency = (configured?: number) => Math.max(1, configured || os.availableParallelism());
