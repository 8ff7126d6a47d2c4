/** Every workflow the orchestration worker runs (bundled by the Temporal worker). */
export { assetWorkflow } from './asset.ts';
export { audioPipeline } from './audio.ts';
export { documentPipeline } from './document.ts';
export { imagePipeline } from './image.ts';
export { jobWorkflow } from './job.ts';
export { knowledgeBaseSync } from './knowledge-base.ts';
export { modalitySlots } from './modality-slots.ts';
export { videoPipeline } from './video.ts';
