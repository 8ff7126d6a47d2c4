/** The real orchestration workflows with only the video pipeline registered (for the video test). */
import { audioPipeline } from '../../workflows/audio.ts';
import { registerPipelines } from '../../workflows/pipelines.ts';
import { videoPipeline } from '../../workflows/video.ts';

registerPipelines({ VIDEO: videoPipeline, AUDIO: audioPipeline });

export { assetWorkflow } from '../../workflows/asset.ts';
export { jobWorkflow } from '../../workflows/job.ts';
export { modalitySlots } from '../../workflows/modality-slots.ts';
export { audioPipeline, videoPipeline };
