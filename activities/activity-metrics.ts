/**
 * The activity interceptor that times every attempt into `quarry_activity_seconds` (engines/telemetry/metrics.ts),
 * labelled by activity type, task queue and outcome: the seconds each phase of a job takes, per phase.
 */
import type { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { metrics } from '../engines/telemetry/metrics.ts';

export function timeActivities(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        const end = metrics.activitySeconds.startTimer({
          activity: ctx.info.activityType,
          task_queue: ctx.info.taskQueue,
        });
        try {
          const out = await next(input);
          end({ outcome: 'completed' });
          return out;
        } catch (e) {
          end({ outcome: e instanceof CancelledFailure || ctx.cancellationSignal.aborted ? 'cancelled' : 'failed' });
          throw e;
        }
      },
    },
  };
}
