import { controlPlaneFor } from '../control-plane/context.ts';
import { asBlueprintRefs, resolveCustomOutput, resolveProject } from '../control-plane/resolve.ts';
import type { InvokeDataAutomationAsyncRequest } from '../schemas/bda-runtime.ts';
import { BdaError } from '../schemas/errors.ts';
import {
  defaultStandardOutputConfiguration,
  type OverrideConfiguration,
  type StandardOutputConfiguration,
} from '../schemas/output-configuration.ts';
import type { BlueprintRef, ResolvedCustomOutput } from '../schemas/pipeline.ts';
import type { RuntimeContext } from './runtime.ts';

export interface ResolvedConfiguration {
  standardOutputConfiguration: StandardOutputConfiguration;
  overrideConfiguration?: OverrideConfiguration;
  /** what the request (or else its project) named */
  blueprints: BlueprintRef[];
  /** what those are now, schemas included, with the project's fallback and the splitter; absent without custom output */
  customOutput?: ResolvedCustomOutput;
  projectArn?: string;
  projectStage?: 'DEVELOPMENT' | 'LIVE';
}

/**
 * What a job runs with, decided once at submit for the requesting tenant: the named project's standard/custom
 * output and overrides (its LIVE stage unless the request says otherwise), else BDA's defaults; blueprints named
 * in the request come before the project's. The blueprints are resolved to their schemas here, so the job runs
 * what was asked even if the project or a blueprint changes while it runs. Sync jobs never split (as in BDA).
 */
export async function resolveConfiguration(
  ctx: Pick<RuntimeContext, 'config' | 'tenant'>,
  req: Pick<InvokeDataAutomationAsyncRequest, 'dataAutomationConfiguration' | 'blueprints' | 'overrideConfiguration'>,
  opts: { sync: boolean },
): Promise<ResolvedConfiguration> {
  const cp = controlPlaneFor(ctx.config, ctx.tenant);
  const requestBlueprints = (req.blueprints ?? []).map((b) => ({
    blueprintArn: b.blueprintArn,
    version: b.version,
    stage: b.stage,
  }));
  const projectArn = req.dataAutomationConfiguration?.dataAutomationProjectArn;
  const stage = req.dataAutomationConfiguration?.stage ?? 'LIVE';
  const project = (projectArn && (await resolveProject(cp, projectArn, stage))) || undefined;
  if (projectArn && !project)
    throw new BdaError(
      'ResourceNotFoundException',
      `dataAutomationConfiguration.dataAutomationProjectArn: no project '${projectArn}' (stage ${stage})`,
    );
  const overrideConfiguration = project
    ? { ...project.overrideConfiguration, ...req.overrideConfiguration }
    : req.overrideConfiguration;
  const blueprints = requestBlueprints.length
    ? requestBlueprints
    : asBlueprintRefs(project?.customOutputConfiguration?.blueprints ?? []);
  const splitter = overrideConfiguration?.document?.splitter?.state === 'ENABLED' && !opts.sync;
  const resolvedCustom =
    blueprints.length > 0 || project
      ? await resolveCustomOutput(cp, { blueprints: requestBlueprints, project, splitter })
      : undefined;
  // custom output carries the sensitive-data configuration that covers it (the workflow passes the plan as it is)
  const sensitive = overrideConfiguration?.document?.sensitiveDataConfiguration;
  const customOutput =
    resolvedCustom && sensitive && (sensitive.detectionScope ?? ['STANDARD', 'CUSTOM']).includes('CUSTOM')
      ? { ...resolvedCustom, sensitiveData: sensitive }
      : resolvedCustom;
  return {
    standardOutputConfiguration: project?.standardOutputConfiguration ?? defaultStandardOutputConfiguration,
    overrideConfiguration,
    blueprints,
    ...(customOutput ? { customOutput } : {}),
    ...(projectArn ? { projectArn, projectStage: stage } : {}),
  };
}
