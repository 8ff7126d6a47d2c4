import { createAudioActivities } from '../activities/audio/audio-activities.ts';
import type { ActivityDeps } from '../activities/deps.ts';
import { createDocumentActivities } from '../activities/document/document-activities.ts';
import { createNotifyActivities } from '../activities/notify/notify-activities.ts';
import { createImageActivities } from '../activities/image/image-activities.ts';
import { createJobActivities } from '../activities/job/job-activities.ts';
import { createKnowledgeBaseActivities } from '../activities/knowledge-base/knowledge-base-activities.ts';
import { createCustomOutputActivities } from '../activities/custom-output/custom-output-activities.ts';
import { createSummaryActivities } from '../activities/summary/summary-activities.ts';
import { createVideoActivities } from '../activities/video/video-activities.ts';
import { resolveOldJobBlueprints } from '../control-plane/resolve-old-job.ts';
import { TaskQueue, type TaskQueueName } from '../schemas/modality.ts';

/** The activities each task queue serves. */
export function activitiesByQueue(deps: ActivityDeps): Record<TaskQueueName, object> {
  const customOutput = createCustomOutputActivities(deps, (input) => resolveOldJobBlueprints(deps.config, input));
  return {
    [TaskQueue.orchestration]: { ...createJobActivities(deps), ...createNotifyActivities(deps) },
    [TaskQueue.document]: { ...createDocumentActivities(deps), ...customOutput },
    [TaskQueue.image]: createImageActivities(deps),
    [TaskQueue.audio]: createAudioActivities(deps),
    [TaskQueue.video]: createVideoActivities(deps),
    [TaskQueue.generative]: { ...customOutput, ...createSummaryActivities(deps) },
    [TaskQueue.knowledge]: createKnowledgeBaseActivities(deps),
  };
}
