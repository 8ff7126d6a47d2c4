/** Tiny workflows for the notification-retry and payload-codec integration tests. */
import { proxyActivities } from '@temporalio/workflow';
import type { NotifyActivities, SendJobEventInput } from '../../activities/notify/notify-activities.ts';

/** Sends one job event with a fast retry policy (the job workflow uses the same call with minutes of backoff). */
export async function notifyOnce(input: SendJobEventInput): Promise<{ eventId: string; delivered: string[] }> {
  const { sendJobEvent } = proxyActivities<NotifyActivities>({
    startToCloseTimeout: '10 seconds',
    retry: {
      initialInterval: '200 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '1 second',
      maximumAttempts: 5,
    },
  });
  return sendJobEvent(input);
}

/** Returns its input: the value travels through history as workflow input and result. */
export async function echo<T>(value: T): Promise<T> {
  return value;
}
