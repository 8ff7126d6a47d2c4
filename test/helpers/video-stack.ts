/**
 * A Quarry for videos on a real Temporal server: the job, video and audio activities, the video workflows and
 * the HTTP API, as the video tests and benchmarks run it.
 */
import { createAudioActivities } from '../../activities/audio/audio-activities.ts';
import { createJobActivities } from '../../activities/job/job-activities.ts';
import { createVideoActivities } from '../../activities/video/video-activities.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import { createStack, type Stack } from './stack.ts';

export function createVideoStack(address: string): Promise<Stack> {
  return createStack({
    address,
    workflowsPath: new URL('./video-workflows.ts', import.meta.url).pathname,
    activities: (deps) => ({
      [TaskQueue.orchestration]: createJobActivities(deps),
      [TaskQueue.video]: createVideoActivities(deps),
      [TaskQueue.audio]: createAudioActivities(deps),
    }),
    api: true,
  });
}
