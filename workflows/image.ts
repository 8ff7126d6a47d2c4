import { proxyActivities } from '@temporalio/workflow';
import type { ImageActivities } from '../activities/image/image-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';

const image = proxyActivities<ImageActivities>({
  taskQueue: TaskQueue.image,
  startToCloseTimeout: '15 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'] },
});

/** IMAGE: metadata + TEXT_DETECTION (OCR words/lines with boxes) + nudity/suggestive moderation; logos/IAB/summary say why they are empty. */
export async function imagePipeline(input: PipelineInput): Promise<PipelineResult> {
  const r = await image.analyzeImage(input);
  return {
    semanticModality: 'IMAGE',
    segments: [{ segmentIndex: 0, standardOutputUri: r.uri }],
    stats: { words: r.words, lines: r.lines },
  };
}
