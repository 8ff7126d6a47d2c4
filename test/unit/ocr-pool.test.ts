/**
 * The tesseract.js worker pool (engines/ocr/tesseract-js.ts) when creating a worker fails: the page that asked for it
 * fails, and a page waiting for a worker is not left waiting for one that will never exist. tesseract.js is replaced
 * by a stand-in whose promises settle at once, so "still waiting" is decided without a clock: everything the pool
 * does settles in microtasks, before the next turn of the event loop.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const created = vi.hoisted(() => ({ calls: 0, failFirst: 0 }));
vi.mock('tesseract.js', () => ({
  OEM: { LSTM_ONLY: 1 },
  createWorker: async () => {
    created.calls++;
    if (created.calls <= created.failFirst) throw new Error('worker could not start');
    return {
      setParameters: async () => ({}),
      recognize: async () => ({ data: { tsv: '' } }),
      terminate: async () => undefined,
    };
  },
}));
const { TesseractJsEngine } = await import('../../engines/ocr/tesseract-js.ts');

const plain = { enlarge: false, sparseFallback: false }; // straight to one pass: no image is read
/** how a promise stands once every microtask has run */
const settledBy = <T>(p: Promise<T>) => {
  const outcome = p.then(
    () => 'fulfilled',
    () => 'rejected',
  );
  return Promise.race([outcome, new Promise<string>((r) => setImmediate(() => r('pending')))]);
};

beforeEach(() => {
  created.calls = 0;
  created.failFirst = 0;
});

describe('tesseract.js pool', () => {
  it('a page waiting for the only worker gets one when creating it failed for the page before', async () => {
    created.failFirst = 1;
    const engine = new TesseractJsEngine(1);
    const first = engine.recognize('a.png', plain);
    const second = engine.recognize('b.png', plain); // the pool is full (one worker being created): it waits
    await expect(first).rejects.toThrow('worker could not start');
    expect(await settledBy(second)).toBe('fulfilled');
    expect(created.calls).toBe(2);
    await engine.close();
  });

  it('a worker that started serves the pages waiting for it, one after the other', async () => {
    const engine = new TesseractJsEngine(1);
    const pages = ['a.png', 'b.png', 'c.png'].map((f) => engine.recognize(f, plain));
    expect(await Promise.all(pages.map(settledBy))).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(created.calls).toBe(1);
    await engine.close();
  });
});
