/**
 * What the runtime API needs from a project (`dataAutomationConfiguration.dataAutomationProjectArn`): its
 * standard/custom output and override configuration at a stage, plus its blueprints as job blueprint refs.
 */
import type { QuarryConfig } from '../schemas/config.ts';
import type { Stage } from '../schemas/control-plane.ts';
import type { BlueprintRef } from '../schemas/pipeline.ts';
import { type ResolvedProject, resolveProject as resolveStoredProject } from './resolve.ts';

export async function resolveProject(
  config: Pick<QuarryConfig, 'home'>,
  projectArn: string,
  stage?: Stage,
): Promise<(ResolvedProject & { blueprints: BlueprintRef[] }) | null> {
  const p = await resolveStoredProject(config, projectArn, stage);
  if (!p) return null;
  const blueprints = (p.customOutputConfiguration?.blueprints ?? []).map((b) => ({
    blueprintArn: b.blueprintArn,
    ...(b.blueprintVersion ? { version: b.blueprintVersion } : {}),
    ...(b.blueprintStage ? { stage: b.blueprintStage } : {}),
  }));
  return { ...p, blueprints };
}
