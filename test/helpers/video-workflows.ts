/** The real orchestration workflows with only the video pipeline registered (for the video test). */
export { assetWorkflow } from '../../workflows/asset.ts';
export { jobWorkflow } from '../../workflows/job.ts';
export { modalitySlots } from '../../workflows/modality-slots.ts';
export { videoPipeline } from '../../workflows/video.ts';
export { audioPipeline } from '../../workflows/audio.ts';
