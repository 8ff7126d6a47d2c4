/** A process-wide cap on concurrent OCR jobs: one tesseract per core (OMP_THREAD_LIMIT=1), shared by all activities. */
import os from 'node:os';

export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    // a waiter is handed the releasing caller's slot (the count never drops in between): a caller arriving
    // between the release and the waiter's wake-up cannot take it too
    if (this.active < this.size) this.active++;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** `configured` is QUARRY_OCR_CONCURRENCY (QuarryConfig `documents.ocr.concurrency`); one per core when unset */
export const ocrConcurrency = (configured?: number) => Math.max(1, configured || os.availableParallelism());
