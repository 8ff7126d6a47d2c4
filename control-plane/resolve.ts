/**
 * Resolving what a job names into what it runs: a project ARN (+ stage) into its output configuration, and a
 * blueprint reference (catalog public ARN, or a user blueprint by ARN, version or stage) into its schema.
 */
import { findCatalogBlueprint, isPublicBlueprintArn, publicBlueprintArn } from '../blueprints/catalog.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import type { CustomOutputConfiguration, Stage } from '../schemas/control-plane.ts';
import type { OverrideConfiguration, StandardOutputConfiguration } from '../schemas/output-configuration.ts';
import { ControlPlaneStore } from './store.ts';

export interface ResolvedProject {
  standardOutputConfiguration: StandardOutputConfiguration;
  customOutputConfiguration?: CustomOutputConfiguration;
  overrideConfiguration?: OverrideConfiguration;
}

/** A project's configuration at a stage (default LIVE, then DEVELOPMENT), or null when there is none. */
export async function resolveProject(
  config: Pick<QuarryConfig, 'home'>,
  projectArn: string,
  stage?: Stage,
): Promise<ResolvedProject | null> {
  const p = await new ControlPlaneStore(config.home).getProject(projectArn);
  if (!p) return null;
  const c = stage ? p.stages[stage] : (p.stages.LIVE ?? p.stages.DEVELOPMENT);
  if (!c) return null;
  return {
    standardOutputConfiguration: c.standardOutputConfiguration,
    ...(c.customOutputConfiguration ? { customOutputConfiguration: c.customOutputConfiguration } : {}),
    ...(c.overrideConfiguration ? { overrideConfiguration: c.overrideConfiguration } : {}),
  };
}

export interface ResolvedBlueprint {
  arn: string;
  name: string;
  version?: string;
  type: 'DOCUMENT' | 'IMAGE' | 'AUDIO' | 'VIDEO';
  schema: string;
}

/** A blueprint's schema for a reference, or null when it does not exist. */
export async function resolveBlueprint(
  config: Pick<QuarryConfig, 'home' | 'region'>,
  ref: { blueprintArn: string; blueprintVersion?: string; version?: string; blueprintStage?: Stage; stage?: Stage },
): Promise<ResolvedBlueprint | null> {
  const arn = ref.blueprintArn;
  if (isPublicBlueprintArn(arn) || !arn.startsWith('arn:')) {
    const e = findCatalogBlueprint(arn);
    if (!e) return null;
    return {
      arn: isPublicBlueprintArn(arn) ? arn : publicBlueprintArn(config.region, e.name),
      name: e.name,
      type: e.modality,
      schema: JSON.stringify(e.schema),
    };
  }
  const b = await new ControlPlaneStore(config.home).getBlueprint(arn);
  if (!b) return null;
  const version = ref.blueprintVersion ?? ref.version;
  const stage = ref.blueprintStage ?? ref.stage;
  const snap = version ? b.versions[version] : stage ? b.stages[stage] : (b.stages.LIVE ?? b.stages.DEVELOPMENT);
  if (!snap) return null;
  return {
    arn: b.blueprintArn,
    name: b.blueprintName,
    ...(version ? { version } : {}),
    type: b.type,
    schema: snap.schema,
  };
}
