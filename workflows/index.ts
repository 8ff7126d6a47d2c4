/** Every workflow the orchestration worker runs (bundled by the Temporal worker). */
import { audioPipeline } from './audio.ts';
import { documentPipeline } from './document.ts';
import { imagePipeline } from './image.ts';
import { registerPipelines } from './pipelines.ts';
import { videoPipeline } from './video.ts';

// the asset workflow runs these in its own history; as workflow types they serve runs from before that patch
registerPipelines({ DOCUMENT: documentPipeline, IMAGE: imagePipeline, AUDIO: audioPipeline, VIDEO: videoPipeline });

export { assetWorkflow } from './asset.ts';
export { audioPipeline, documentPipeline, imagePipeline, videoPipeline };
export { jobWorkflow } from './job.ts';
export { knowledgeBaseSync } from './knowledge-base.ts';
export { modalitySlots } from './modality-slots.ts';
