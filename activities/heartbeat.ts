/**
 * Heartbeats: how a dead worker is noticed in seconds, and where a retried activity resumes. Every activity
 * beats on a timer while it runs (the worker installs `keepBeating` as an activity interceptor), whatever it
 * waits for — a child process, a download, whisper's native threads — so Temporal retries it elsewhere one
 * heartbeat timeout after its worker died instead of at its start-to-close timeout. Activities report their
 * progress with `reportProgress`; the timer repeats the latest report (or, before the first one, the previous
 * attempt's), so a bare liveness beat never erases the checkpoint a retry resumes from.
 */
import { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';

/**
 * How often the timer beats: a fifth of the heartbeat timeout (workflows/activity-budgets.ts), so a beat or two may
 * be late on a busy machine before the worker is taken for dead. The SDK throttles what reaches the server to
 * 0.8 × the heartbeat timeout.
 */
export const BEAT_EVERY_MS = 3_000;

const latest = new WeakMap<Context, { details: unknown }>();

function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (unit tests, benchmarks, scripts)
  }
}

/** Records progress (what a retry resumes from) and heartbeats it; a no-op outside an activity. */
export function reportProgress(details: unknown): void {
  const ctx = current();
  if (!ctx) return;
  latest.set(ctx, { details });
  ctx.heartbeat(details);
}

/** The progress the previous attempt last reported (undefined on a first attempt or outside an activity). */
export function resumedProgress<T>(): T | undefined {
  return current()?.info.heartbeatDetails as T | undefined;
}

/** The activity interceptor: a liveness beat every BEAT_EVERY_MS for as long as the activity runs. */
export function keepBeating(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        const timer = setInterval(() => {
          const last = latest.get(ctx);
          ctx.heartbeat(last ? last.details : ctx.info.heartbeatDetails);
        }, BEAT_EVERY_MS);
        try {
          return await next(input);
        } finally {
          clearInterval(timer);
        }
      },
    },
  };
}
