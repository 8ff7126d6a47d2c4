/**
 * Resolving what a job names into what it runs: a project ARN (+ stage) into its configuration, a blueprint
 * reference (catalog public ARN, or the tenant's blueprint at a version or stage) into its schema, and the two
 * together into the custom output a job carries from submit to its last asset (ResolvedCustomOutput).
 */
import type { BlueprintItem, ProjectConfig, Stage } from '../schemas/control-plane.ts';
import { BdaError } from '../schemas/errors.ts';
import type { BlueprintRef, ResolvedBlueprint, ResolvedCustomOutput } from '../schemas/pipeline.ts';
import { catalogBlueprint, isCatalogRef } from './catalog.ts';
import type { ControlPlane } from './context.ts';
import { blueprintSnapshot, currentStage } from './stages.ts';

export type ResolvedProject = Omit<ProjectConfig, 'lastModifiedTime' | 'projectDescription'>;

/** A project's configuration at a stage (without one: LIVE, else DEVELOPMENT), or null when there is none. */
export async function resolveProject(
  cp: ControlPlane,
  projectArn: string,
  stage?: Stage,
): Promise<ResolvedProject | null> {
  const p = await cp.store.getProject(cp.tenant, projectArn);
  const c = p?.stages[stage ?? currentStage(p.stages)];
  if (!c) return null;
  return {
    standardOutputConfiguration: c.standardOutputConfiguration,
    ...(c.customOutputConfiguration ? { customOutputConfiguration: c.customOutputConfiguration } : {}),
    ...(c.overrideConfiguration ? { overrideConfiguration: c.overrideConfiguration } : {}),
  };
}

/** Both spellings of a blueprint reference: a project's item (blueprintVersion/Stage) and a request's (version/stage). */
export type AnyBlueprintRef = BlueprintItem | BlueprintRef;
const versionOf = (r: AnyBlueprintRef) =>
  ('blueprintVersion' in r ? r.blueprintVersion : undefined) ?? ('version' in r ? r.version : undefined);
const stageOf = (r: AnyBlueprintRef) =>
  ('blueprintStage' in r ? r.blueprintStage : undefined) ?? ('stage' in r ? r.stage : undefined);

/** A blueprint's schema for a reference, or null when it does not exist (for this tenant). */
export async function resolveBlueprint(cp: ControlPlane, ref: AnyBlueprintRef): Promise<ResolvedBlueprint | null> {
  if (isCatalogRef(ref.blueprintArn)) return catalogBlueprint(cp.region, ref.blueprintArn);
  const b = await cp.store.getBlueprint(cp.tenant, ref.blueprintArn);
  const at = b && blueprintSnapshot(b, { version: versionOf(ref), stage: stageOf(ref) });
  if (!b || !at) return null;
  return {
    blueprintArn: b.blueprintArn,
    blueprintName: b.blueprintName,
    ...(at.version ? { blueprintVersion: at.version } : {}),
    ...(at.stage ? { blueprintStage: at.stage } : {}),
    type: b.type,
    schema: at.snapshot.schema,
  };
}

/** The project items as request-style references (what a job records it was asked to run). */
export const asBlueprintRefs = (items: BlueprintItem[]): BlueprintRef[] =>
  items.map((b) => ({
    blueprintArn: b.blueprintArn,
    ...(b.blueprintVersion ? { version: b.blueprintVersion } : {}),
    ...(b.blueprintStage ? { stage: b.blueprintStage } : {}),
  }));

/**
 * What a job's custom output runs with: the blueprints the request named, else the project's; the project's
 * fallback blueprint; the splitter as decided by the caller. A reference that does not resolve is a
 * ResourceNotFoundException naming `field` (e.g. `blueprints[1].blueprintArn`).
 */
export async function resolveCustomOutput(
  cp: ControlPlane,
  job: { blueprints: AnyBlueprintRef[]; project?: ResolvedProject; splitter: boolean },
): Promise<ResolvedCustomOutput> {
  const fromRequest = job.blueprints.length > 0;
  const refs = fromRequest ? job.blueprints : (job.project?.customOutputConfiguration?.blueprints ?? []);
  const field = fromRequest ? 'blueprints' : 'customOutputConfiguration.blueprints';
  const fallbacks = job.project?.customOutputConfiguration?.document?.fallbackBlueprints ?? [];
  const load = async (ref: AnyBlueprintRef, name: string) => {
    const r = await resolveBlueprint(cp, ref);
    if (!r)
      throw new BdaError('ResourceNotFoundException', `${name}: blueprint ${ref.blueprintArn} was not found`, [
        { name, message: 'not found' },
      ]);
    return r;
  };
  return {
    blueprints: await Promise.all(refs.map((r, i) => load(r, `${field}[${i}].blueprintArn`))),
    fallbackBlueprints: await Promise.all(
      fallbacks.map((r, i) => load(r, `customOutputConfiguration.document.fallbackBlueprints[${i}].blueprintArn`)),
    ),
    splitter: job.splitter,
  };
}
