/**
 * The process-wide cap on OCR processes (activities/document/ocr/slots.ts). The interleaving is forced, not
 * timed: a newcomer arrives in the very microtask after a slot is released, before the waiter it was released
 * to has resumed.
 */
import { describe, expect, it } from 'vitest';
import { Slots } from '../../engines/ocr/ocr-slots.ts';

describe('OCR slots', () => {
  it('a slot released to a waiter is not also taken by a newcomer arriving in the same moment', async () => {
    const slots = new Slots(1);
    let active = 0;
    let peak = 0;
    const work = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
    };
    let finishA!: () => void;
    const a = new Promise<void>((r) => {
      finishA = r;
    });
    const holder = slots.run(() => a); // A holds the only slot
    const waiter = slots.run(work); // B waits for it
    let newcomer: Promise<void> | undefined;
    // C's reaction is queued right behind the slot's own reaction to A's end: it runs after the release, before B
    void a.then(() => {
      newcomer = slots.run(work);
    });
    finishA();
    await Promise.all([holder, waiter]);
    await newcomer;
    expect(peak).toBe(1);
  });

  it('never runs more than its size, and runs everything, under a burst', async () => {
    const slots = new Slots(3);
    let active = 0;
    let peak = 0;
    let ran = 0;
    const work = async () => {
      active++;
      peak = Math.max(peak, active);
      await Promise.resolve();
      active--;
      ran++;
    };
    const runs: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      const p = slots.run(work);
      runs.push(p);
      // every fifth caller starts another the moment it finishes
      if (i % 5 === 0) runs.push(p.then(() => slots.run(work)));
    }
    await Promise.all(runs);
    expect(ran).toBe(60);
    expect(peak).toBeLessThanOrEqual(3);
  });
});
