import type { ActivityDeps } from '../../activities/deps.ts';
import { createNotifyActivities } from '../../activities/notify/notify-activities.ts';
import { createJobActivities } from '../../activities/job/job-activities.ts';
import { TaskQueue, type TaskQueueName } from '../../schemas/modality.ts';
import { createNoopActivities } from './noop-activities.ts';

/** Real orchestration activities + no-op media activities on every modality queue. */
export function noopPipelineActivities(opts: { delayMs?: number } = {}) {
  return (deps: ActivityDeps): Partial<Record<TaskQueueName, object>> => {
    const noop = createNoopActivities(deps, opts);
    return {
      [TaskQueue.orchestration]: { ...createJobActivities(deps), ...createNotifyActivities(deps) },
      [TaskQueue.document]: noop,
      [TaskQueue.image]: noop,
      [TaskQueue.audio]: noop,
      [TaskQueue.video]: noop,
    };
  };
}

export const noopWorkflowsPath = new URL('./noop-workflows.ts', import.meta.url).pathname;
