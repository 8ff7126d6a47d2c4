/**
 * Graceful stop of a long-running Quarry process (`quarry worker`, `quarry dev`) on SIGTERM or SIGINT: the first
 * signal drains (workers stop polling, running activities get QUARRY_SHUTDOWN_GRACE_SECONDS to finish, then are
 * cancelled and retried elsewhere) and the process exits 0; a second signal exits at once.
 */
import type { RunningWorkers } from './start.ts';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Resolves with the first stop signal; from then on a second one ends the process immediately (128 + signal). */
export function stopSignal(log: (s: string) => void = () => {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      for (const s of STOP_SIGNALS) process.off(s, first);
      for (const s of STOP_SIGNALS)
        process.once(s, (again: NodeJS.Signals) => {
          log(`${again} again: stopping now, without waiting for running activities`);
          process.exit(again === 'SIGINT' ? 130 : 143);
        });
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, first);
  });
}

/** Serves until the workers stop by themselves or a stop signal has drained them. */
export async function serveUntilStopped(
  running: RunningWorkers,
  graceSeconds: number,
  log: (s: string) => void = () => {},
): Promise<void> {
  const drained = stopSignal(log).then(async (signal) => {
    log(`${signal}: draining (running activities get up to ${graceSeconds} s; a second signal stops at once)`);
    await running.shutdown();
    log('drained');
  });
  await Promise.race([running.done, drained]);
}
