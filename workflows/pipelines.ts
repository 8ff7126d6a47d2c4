import type { Modality } from '../schemas/modality.ts';

/**
 * The modality registry: the workflow type each modality's pipeline runs as. A pipeline is a workflow
 * `(input: PipelineInput) => Promise<PipelineResult>` exported from workflows/index.ts.
 */
export const pipelineWorkflowType: Record<Modality, string> = {
  DOCUMENT: 'documentPipeline',
  IMAGE: 'imagePipeline',
  AUDIO: 'audioPipeline',
  VIDEO: 'videoPipeline',
};
