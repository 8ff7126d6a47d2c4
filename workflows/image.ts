import { patched, proxyActivities } from '@temporalio/workflow';
import type { ImageActivities } from '../activities/image/image-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { budgets, HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';
import { phraseImageSummary } from './summaries.ts';

/** IMAGE: input checks, TEXT_DETECTION, CONTENT_MODERATION (7 categories), IMAGE_SUMMARY and IAB in one activity, then the model's phrasing of the summary on the generative queue; logos say they were not analysed. */
export async function imagePipeline(input: PipelineInput): Promise<PipelineResult> {
  // beats while it works: a dead worker's image is retried HEARTBEAT_TIMEOUT later, not at its start-to-close
  const image = proxyActivities<ImageActivities>({
    taskQueue: TaskQueue.image,
    startToCloseTimeout: budgets.image(input.asset.bytes),
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts: 3, nonRetryableErrorTypes },
  });
  const r = await image.analyzeImage(input);
  // runs started before this patch wrote the template summary only
  if (patched('image-summary-on-generative-queue') && r.phraseSummary)
    await phraseImageSummary({ standardOutputUri: r.uri });
  return {
    semanticModality: 'IMAGE',
    segments: [{ segmentIndex: 0, standardOutputUri: r.uri }],
    stats: { words: r.words, lines: r.lines },
  };
}
