/**
 * Jobs submitted before blueprints were resolved at submit carry only references (`blueprints`, `projectArn`).
 * Their custom output resolves them when it runs, as such jobs always did — from tenant 'default', which holds
 * every record written before the store was keyed by tenant. The worker hands this to custom output; delete it
 * once no such job runs.
 */
import { clientError } from '../engines/client-error.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';
import type { ApplyBlueprintsInput, ResolvedCustomOutput } from '../schemas/pipeline.ts';
import { controlPlaneFor } from './context.ts';
import { resolveCustomOutput, resolveProject } from './resolve.ts';
import { DEFAULT_TENANT } from './store.ts';

/** Old-shaped input (no `customOutput`): the references resolved now, with the project's splitter as before. */
export async function resolveOldJobBlueprints(
  config: QuarryConfig,
  input: ApplyBlueprintsInput,
): Promise<ResolvedCustomOutput> {
  const cp = controlPlaneFor(config, DEFAULT_TENANT);
  const project = (input.projectArn && (await resolveProject(cp, input.projectArn, input.projectStage))) || undefined;
  if (input.projectArn && !project)
    throw clientError(
      'ResourceNotFound',
      `data automation project ${input.projectArn} (${input.projectStage ?? 'LIVE'}) was not found`,
    );
  const splitter = input.splitter || project?.overrideConfiguration?.document?.splitter?.state === 'ENABLED';
  try {
    return await resolveCustomOutput(cp, { blueprints: input.blueprints, project, splitter });
  } catch (e) {
    if (e instanceof BdaError && e.type === 'ResourceNotFoundException')
      throw clientError('ResourceNotFound', e.message);
    throw e;
  }
}
