/**
 * The bounded fan-out that the document and audio pipelines share: a sliding window of work items in flight,
 * and a scope in which one failure stops the rest, waits until they have stopped, and then cleans up. Workflow
 * code (deterministic): items are started in their list order, the next one as soon as any finishes.
 */
import { CancellationScope } from '@temporalio/workflow';

/** Runs `work` on every item, at most `size` at once, in list order; rejects with the first failure. */
export async function inWindow<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const lane = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(size, items.length)) }, lane));
}

/**
 * Runs `work` so that a failure (or a cancellation of the workflow) stops everything it started, waits until
 * those have stopped, runs `cleanup` (not cancellable, its own failure ignored) and rethrows. `work` registers
 * what it starts with `track`, so the stop can wait for each of them.
 */
export async function stoppingAllOnFailure<T>(
  work: (track: (running: Promise<unknown>) => void) => Promise<T>,
  cleanup: () => Promise<unknown>,
): Promise<T> {
  const running = new Set<Promise<unknown>>();
  const scope = new CancellationScope();
  try {
    return await scope.run(async () => {
      try {
        return await work((p) => running.add(p));
      } catch (err) {
        scope.cancel();
        await Promise.allSettled(running);
        throw err;
      }
    });
  } catch (err) {
    await CancellationScope.nonCancellable(() => cleanup().catch(() => undefined));
    throw err;
  }
}
