import { createAudioActivities } from '../activities/audio/index.ts';
import type { ActivityDeps } from '../activities/deps.ts';
import { createDocumentActivities } from '../activities/document/index.ts';
import { createNotifyActivities } from '../activities/feed/notify.ts';
import { createImageActivities } from '../activities/image/index.ts';
import { createJobActivities } from '../activities/job/index.ts';
import { createShapeActivities } from '../activities/shape/index.ts';
import { createVideoActivities } from '../activities/video/index.ts';
import { TaskQueue, type TaskQueueName } from '../schemas/modality.ts';

/** The activities each task queue serves. */
export function activitiesByQueue(deps: ActivityDeps): Record<TaskQueueName, object> {
  const shape = createShapeActivities(deps);
  return {
    [TaskQueue.orchestration]: { ...createJobActivities(deps), ...createNotifyActivities(deps) },
    [TaskQueue.document]: { ...createDocumentActivities(deps), ...shape },
    [TaskQueue.image]: createImageActivities(deps),
    [TaskQueue.audio]: createAudioActivities(deps),
    [TaskQueue.video]: createVideoActivities(deps),
    [TaskQueue.generative]: shape,
  };
}
