import type { Modality } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';


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

type Pipeline = (input: PipelineInput) => Promise<PipelineResult>;
const registered: Partial<Record<Modality, Pipeline>> = {};

/**
 * The pipelines as functions the asset workflow runs in its own history (patch `pipeline-in-asset-workflow`): no
 * child workflow to start and to wait for, two server round trips fewer per asset. The workflow bundle's entry
 * registers them (workflows/index.ts; a test bundle its own), once, when the bundle loads.
 */
export function registerPipelines(pipelines: Partial<Record<Modality, Pipeline>>): void {
  Object.assign(registered, pipelines);
}

export function pipelineFunction(modality: Modality): Pipeline {
  const p = registered[modality];
  if (!p) throw new Error(`no ${modality} pipeline is registered in this workflow bundle (workflows/index.ts registers them)`);
  return p;
}
