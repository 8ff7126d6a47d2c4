/**
 * Which blueprints, fallback and splitter a shaping activity runs: those the API resolved when the job was
 * submitted (`customOutput`: inline, or a claim check verified by its sha256). Custom output never reads the
 * project or the control-plane store for them, so a project changed mid-job does not change the job.
 *
 * Jobs submitted before that carry only references (`blueprints`, `projectArn`) and no `customOutput`. For those,
 * and only those, `resolveAsBefore` resolves the references now, as such jobs always did — from tenant 'default',
 * which holds every record written before the store was keyed by tenant. Delete it once no such job runs.
 */
import { createHash } from 'node:crypto';
import { controlPlaneFor } from '../../control-plane/context.ts';
import { resolveCustomOutput, resolveProject } from '../../control-plane/resolve.ts';
import { DEFAULT_TENANT } from '../../control-plane/store.ts';
import { clientError } from '../../engines/client-error.ts';
import { BdaError } from '../../schemas/errors.ts';
import { type ApplyBlueprintsInput, ResolvedCustomOutput, type StoredCustomOutput } from '../../schemas/pipeline.ts';
import type { ActivityDeps } from '../deps.ts';

export async function blueprintsForJob(
  deps: Pick<ActivityDeps, 'config' | 'storage'>,
  input: ApplyBlueprintsInput,
): Promise<ResolvedCustomOutput> {
  const plan = input.customOutput;
  if (!plan) return resolveAsBefore(deps.config, input);
  return 'uri' in plan ? readClaimCheck(deps.storage, plan) : plan;
}

async function readClaimCheck(storage: ActivityDeps['storage'], c: StoredCustomOutput): Promise<ResolvedCustomOutput> {
  const bytes = await storage.readBytes(c.uri);
  if (createHash('sha256').update(bytes).digest('hex') !== c.sha256)
    throw clientError(
      'InvalidInput',
      `the job's resolved blueprints at ${c.uri} changed after submit (sha256 mismatch)`,
    );
  return ResolvedCustomOutput.parse(JSON.parse(bytes.toString('utf8')));
}

/** Old-shaped input (no `customOutput`): the references resolved now, with the project's splitter as before. */
async function resolveAsBefore(
  config: ActivityDeps['config'],
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
