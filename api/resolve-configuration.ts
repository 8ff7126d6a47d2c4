import type { InvokeDataAutomationAsyncRequest } from '../schemas/bda-runtime.ts';
import { BdaError } from '../schemas/errors.ts';
import {
  defaultStandardOutputConfiguration,
  type OverrideConfiguration,
  type StandardOutputConfiguration,
} from '../schemas/output-configuration.ts';
import type { BlueprintRef } from '../schemas/pipeline.ts';
import { controlPlaneFor } from '../control-plane/context.ts';
import { asBlueprintRefs, resolveProject } from '../control-plane/resolve.ts';
import type { RuntimeContext } from './runtime.ts';

export interface ResolvedConfiguration {
  standardOutputConfiguration: StandardOutputConfiguration;
  overrideConfiguration?: OverrideConfiguration;
  blueprints: BlueprintRef[];
  projectArn?: string;
  projectStage?: 'DEVELOPMENT' | 'LIVE';
}

/**
 * What a job runs with: the requesting tenant's project's standard/custom output and overrides (its LIVE stage
 * unless the request says otherwise), else BDA's defaults; blueprints named in the request come first.
 */
export async function resolveConfiguration(
  ctx: Pick<RuntimeContext, 'config' | 'tenant'>,
  req: Pick<InvokeDataAutomationAsyncRequest, 'dataAutomationConfiguration' | 'blueprints' | 'overrideConfiguration'>,
): Promise<ResolvedConfiguration> {
  const requestBlueprints = (req.blueprints ?? []).map((b) => ({
    blueprintArn: b.blueprintArn,
    version: b.version,
    stage: b.stage,
  }));
  const projectArn = req.dataAutomationConfiguration?.dataAutomationProjectArn;
  if (!projectArn) {
    return {
      standardOutputConfiguration: defaultStandardOutputConfiguration,
      overrideConfiguration: req.overrideConfiguration,
      blueprints: requestBlueprints,
    };
  }
  const stage = req.dataAutomationConfiguration?.stage ?? 'LIVE';
  const project = await resolveProject(controlPlaneFor(ctx.config, ctx.tenant), projectArn, stage);
  if (!project)
    throw new BdaError(
      'ResourceNotFoundException',
      `dataAutomationConfiguration.dataAutomationProjectArn: no project '${projectArn}' (stage ${stage})`,
    );
  return {
    standardOutputConfiguration: project.standardOutputConfiguration ?? defaultStandardOutputConfiguration,
    overrideConfiguration: { ...project.overrideConfiguration, ...req.overrideConfiguration },
    blueprints: requestBlueprints.length
      ? requestBlueprints
      : asBlueprintRefs(project.customOutputConfiguration?.blueprints ?? []),
    projectArn,
    projectStage: stage,
  };
}
