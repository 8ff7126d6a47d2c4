/**
 * The real orchestration workflows with no-op modality pipelines: for orchestration tests and the
 * orchestration benchmark (every queue, slot and output path is real; only the media work is skipped).
 */
import { proxyActivities } from '@temporalio/workflow';
import { TaskQueue } from '../../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../../schemas/pipeline.ts';
import { registerPipelines } from '../../workflows/pipelines.ts';
import type { NoopActivities } from './noop-activities.ts';

export { assetWorkflow } from '../../workflows/asset.ts';
export { jobWorkflow } from '../../workflows/job.ts';
export { modalitySlots } from '../../workflows/modality-slots.ts';

const queues = { DOCUMENT: TaskQueue.document, IMAGE: TaskQueue.image, AUDIO: TaskQueue.audio, VIDEO: TaskQueue.video };

async function noopPipeline(input: PipelineInput): Promise<PipelineResult> {
  const { processNoop } = proxyActivities<NoopActivities>({
    taskQueue: queues[input.modality],
    startToCloseTimeout: '10 seconds', // short: a killed worker's task is retried soon
    retry: { nonRetryableErrorTypes: ['InvalidInput'] },
  });
  const uri = await processNoop(input);
  return { semanticModality: input.modality, segments: [{ segmentIndex: 0, standardOutputUri: uri }], stats: { bytes: input.asset.bytes } };
}
export const documentPipeline = noopPipeline;
export const imagePipeline = noopPipeline;
export const audioPipeline = noopPipeline;
export const videoPipeline = noopPipeline;
registerPipelines({ DOCUMENT: noopPipeline, IMAGE: noopPipeline, AUDIO: noopPipeline, VIDEO: noopPipeline });
