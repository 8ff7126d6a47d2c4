import { proxyActivities } from '@temporalio/workflow';
import type { VideoActivities } from '../activities/video/index.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';

const video = proxyActivities<VideoActivities>({
  taskQueue: TaskQueue.video,
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '10 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'] },
});

/** VIDEO: metadata, shots and chapters (see activities/video for what is not produced yet). */
export async function videoPipeline(input: PipelineInput): Promise<PipelineResult> {
  const r = await video.analyzeVideo(input);
  return {
    semanticModality: 'VIDEO',
    segments: [{ segmentIndex: 0, standardOutputUri: r.uri }],
    stats: { shots: r.shots, duration_millis: r.durationMs },
  };
}
