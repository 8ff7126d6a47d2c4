/**
 * The built-in catalog as the control plane serves it: BDA's public blueprints (`resourceOwner: SERVICE`),
 * referenced by public ARN in any region (`arn:aws:bedrock:<region>:aws:blueprint/<name>`), or by catalog or
 * short name (`invoice`) where Quarry's own tools allow it.
 */
import { CATALOG, findCatalogBlueprint, isPublicBlueprintArn, publicBlueprintArn } from '../blueprints/catalog.ts';
import type { ResolvedBlueprint } from '../schemas/pipeline.ts';

/** A reference the catalog answers (rather than the tenant's store). */
export const isCatalogRef = (ref: string) => isPublicBlueprintArn(ref) || !ref.startsWith('arn:');

/** A catalog blueprint with its schema, or null when the catalog has none by that reference. */
export function catalogBlueprint(region: string, ref: string): ResolvedBlueprint | null {
  const e = findCatalogBlueprint(ref);
  if (!e) return null;
  return {
    blueprintArn: isPublicBlueprintArn(ref) ? ref : publicBlueprintArn(region, e.name),
    blueprintName: e.name,
    type: e.modality,
    schema: JSON.stringify(e.schema),
  };
}

/** ListBlueprints with `resourceOwner: SERVICE`: every catalog blueprint, LIVE. */
export function catalogSummaries(region: string) {
  return CATALOG.map((e) => ({
    blueprintArn: publicBlueprintArn(region, e.name),
    blueprintName: e.name,
    blueprintStage: 'LIVE' as const,
    creationTime: new Date(0).toISOString(),
  }));
}
