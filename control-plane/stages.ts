/**
 * Stage and version rules. Every blueprint and project has a DEVELOPMENT and a LIVE stage; a blueprint also has
 * immutable versions (snapshots of a stage, numbered 1, 2, … up to 100).
 *
 * Created without a stage, a blueprint or project is LIVE: that is what a project item, an invoke request or a
 * project reference without a stage runs (BDA resolves those to LIVE), so a fresh blueprint is usable at once.
 * Read or updated without a stage, the LIVE stage is meant when it exists, else DEVELOPMENT.
 */
import type { BlueprintSnapshot, Stage, StoredBlueprint } from '../schemas/control-plane.ts';
import { BdaError } from '../schemas/errors.ts';

export const STAGES: readonly Stage[] = ['DEVELOPMENT', 'LIVE'];
export const DEFAULT_STAGE: Stage = 'LIVE';
export const MAX_BLUEPRINT_VERSIONS = 100;

/** The stage a read or update without one addresses. */
export function currentStage(stages: Partial<Record<Stage, unknown>>): Stage {
  return stages.LIVE ? 'LIVE' : 'DEVELOPMENT';
}

/** A blueprint's schema at a version, else at a stage, else at its current stage; null when that one is empty. */
export function blueprintSnapshot(
  b: StoredBlueprint,
  at: { version?: string; stage?: Stage },
): { snapshot: BlueprintSnapshot; version?: string; stage?: Stage } | null {
  if (at.version) {
    const snapshot = b.versions[at.version];
    return snapshot ? { snapshot, version: at.version } : null;
  }
  const stage = at.stage ?? currentStage(b.stages);
  const snapshot = b.stages[stage];
  return snapshot ? { snapshot, stage } : null;
}

/** What CreateBlueprintVersion snapshots: the DEVELOPMENT work when there is some, else LIVE. */
export function versionSource(b: StoredBlueprint): BlueprintSnapshot {
  const source = b.stages.DEVELOPMENT ?? b.stages.LIVE;
  if (!source) throw new BdaError('ValidationException', 'blueprint has no stage to version');
  return source;
}

/** The next version number (one past the highest), within BDA's 100 versions per blueprint. */
export function nextVersion(b: StoredBlueprint): string {
  const numbers = Object.keys(b.versions).map(Number);
  if (numbers.length >= MAX_BLUEPRINT_VERSIONS)
    throw new BdaError(
      'ServiceQuotaExceededException',
      `a blueprint can have at most ${MAX_BLUEPRINT_VERSIONS} versions`,
    );
  return String((numbers.length ? Math.max(...numbers) : 0) + 1);
}
