/**
 * Which blueprints, fallback and splitter a shaping activity runs: those the API resolved when the job was
 * submitted (`customOutput`: inline, or a claim check verified by its sha256). Custom output never reads the
 * project or the control-plane store for them, so a project changed mid-job does not change the job.
 *
 * Jobs submitted before that carry only references (`blueprints`, `projectArn`) and no `customOutput`. For those,
 * and only those, the control plane resolves them now (`resolveOldJob`, given by the worker:
 * control-plane/resolve-old-job.ts), as such jobs always did.
 */
import { createHash } from 'node:crypto';
import { clientError } from '../../engines/client-error.ts';
import { type ApplyBlueprintsInput, ResolvedCustomOutput, type StoredCustomOutput } from '../../schemas/pipeline.ts';
import type { ActivityDeps } from '../deps.ts';

/** Resolves the blueprints of a job submitted before they were resolved at submit. */
export type OldJobResolver = (input: ApplyBlueprintsInput) => Promise<ResolvedCustomOutput>;

export async function blueprintsForJob(
  deps: Pick<ActivityDeps, 'storage'>,
  input: ApplyBlueprintsInput,
  resolveOldJob: OldJobResolver,
): Promise<ResolvedCustomOutput> {
  const plan = input.customOutput;
  if (!plan) return resolveOldJob(input);
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
