/**
 * The worker's liveness beat (activities/heartbeat.ts): every activity beats while it waits, and the beat
 * repeats the latest progress — or the previous attempt's — so the checkpoint a retry resumes from survives.
 * Time is driven by fake timers: no waiting, no timing.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BEAT_EVERY_MS, keepBeating, reportProgress, resumedProgress } from '../../activities/heartbeat.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function environment(heartbeatDetails?: unknown) {
  const env = new MockActivityEnvironment(heartbeatDetails === undefined ? {} : { heartbeatDetails }, {
    interceptors: [keepBeating],
  });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { env, beats };
}

/** An activity that waits (like one whose child process is working) until the test lets it finish. */
function waiting(before?: () => void) {
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const activity = async () => {
    before?.();
    await done;
    return resumedProgress();
  };
  return { activity, finish };
}

describe('heartbeats', () => {
  it('beat on a timer while the activity waits, repeating its latest progress', async () => {
    const { env, beats } = environment();
    const { activity, finish } = waiting(() => reportProgress({ next: 3, of: 10 }));
    const run = env.run(activity);
    await vi.advanceTimersByTimeAsync(BEAT_EVERY_MS * 3);
    finish();
    await run;
    expect(beats).toEqual([
      { next: 3, of: 10 },
      { next: 3, of: 10 },
      { next: 3, of: 10 },
      { next: 3, of: 10 },
    ]);
    // stopped with the activity
    await vi.advanceTimersByTimeAsync(BEAT_EVERY_MS * 3);
    expect(beats).toHaveLength(4);
  });

  it("before the retry's first report, the beat carries the previous attempt's progress (never a blank one)", async () => {
    const { env, beats } = environment({ next: 7, of: 10 });
    const { activity, finish } = waiting();
    const run = env.run(activity);
    await vi.advanceTimersByTimeAsync(BEAT_EVERY_MS * 2);
    finish();
    expect(await run).toEqual({ next: 7, of: 10 });
    expect(beats).toEqual([
      { next: 7, of: 10 },
      { next: 7, of: 10 },
    ]);
  });

  it('outside an activity, reporting progress is a no-op', () => {
    expect(() => reportProgress({ next: 1 })).not.toThrow();
    expect(resumedProgress()).toBeUndefined();
  });
});
