/**
 * BDA's blueprint operations over a tenant's store: CreateBlueprint, GetBlueprint, UpdateBlueprint,
 * DeleteBlueprint, ListBlueprints, CreateBlueprintVersion, CopyBlueprintStage. Each takes a validated request
 * and returns BDA's response shape; rule violations are BdaErrors. The API and the CLI both call these.
 */
import { BlueprintSchemaError, parseBlueprint } from '../blueprints/dialect.ts';
import type {
  BlueprintType,
  CopyBlueprintStageRequest,
  CreateBlueprintRequest,
  DeleteBlueprintRequest,
  GetBlueprintRequest,
  ListBlueprintsRequest,
  Stage,
  StoredBlueprint,
  UpdateBlueprintRequest,
} from '../schemas/control-plane.ts';
import { BdaError, notFoundError as notFound } from '../schemas/errors.ts';
import { newBlueprintArn } from './arns.ts';
import { catalogSummaries } from './catalog.ts';
import type { ControlPlane } from './context.ts';
import { iso, now } from './timestamps.ts';
import { checkName, sameCreate } from './names.ts';
import { page } from './pagination.ts';
import { resolveProject } from './resolve.ts';
import { blueprintSnapshot, currentStage, DEFAULT_STAGE, nextVersion, STAGES, versionSource } from './stages.ts';


/** BDA's Blueprint shape (the response of Create/Get/Update/CreateBlueprintVersion). */
export interface BlueprintView {
  blueprintArn: string;
  blueprintName: string;
  type: BlueprintType;
  schema: string;
  creationTime: string;
  lastModifiedTime: string;
  blueprintVersion?: string;
  blueprintStage?: Stage;
}

/** A blueprint at a version or stage (default: the current stage). */
function blueprintView(b: StoredBlueprint, at: { version?: string; stage?: Stage }): BlueprintView {
  const found = blueprintSnapshot(b, at);
  if (!found)
    throw notFound(
      at.version ? `Version ${at.version} of blueprint` : `Stage ${at.stage ?? currentStage(b.stages)} of blueprint`,
      b.blueprintArn,
    );
  return {
    blueprintArn: b.blueprintArn,
    blueprintName: b.blueprintName,
    type: b.type,
    schema: found.snapshot.schema,
    creationTime: iso(b.creationTime),
    lastModifiedTime: iso(found.snapshot.lastModifiedTime),
    ...(found.version ? { blueprintVersion: found.version } : { blueprintStage: found.stage }),
  };
}

/** A schema must parse as BDA's dialect within the limits of its modality. */
export function validateSchema(schema: string, type: BlueprintType): void {
  try {
    parseBlueprint(schema, { modality: type });
  } catch (e) {
    if (e instanceof BlueprintSchemaError) throw e;
    throw new BdaError('ValidationException', `Invalid blueprint schema: ${(e as Error).message}`);
  }
}

async function existing(cp: ControlPlane, arn: string): Promise<StoredBlueprint> {
  const b = await cp.store.getBlueprint(cp.tenant, arn);
  if (!b) throw notFound('Blueprint', arn);
  return b;
}

/** A change of the tenant's blueprints: its reads and its write with no other change in between (store.ts). */
const changing = <T>(cp: ControlPlane, fn: () => Promise<T>) => cp.store.change(cp.tenant, 'blueprints', fn);

export async function createBlueprint(cp: ControlPlane, r: CreateBlueprintRequest) {
  checkName('blueprint', r.blueprintName);
  validateSchema(r.schema, r.type);
  return changing(cp, async () => {
    const holder = (await cp.store.listBlueprints(cp.tenant)).find((b) => b.blueprintName === r.blueprintName);
    const same = sameCreate('blueprint', r.blueprintName, holder, r.clientToken);
    if (same) return { blueprint: blueprintView(same, {}) };
    const t = now();
    const stage = r.blueprintStage ?? DEFAULT_STAGE;
    const b: StoredBlueprint = {
      blueprintArn: newBlueprintArn(cp),
      blueprintName: r.blueprintName,
      type: r.type,
      creationTime: t,
      ...(r.clientToken ? { clientToken: r.clientToken } : {}),
      stages: { [stage]: { schema: r.schema, lastModifiedTime: t } },
      versions: {},
      ...(r.tags ? { tags: r.tags } : {}),
    };
    await cp.store.putBlueprint(cp.tenant, b);
    return { blueprint: blueprintView(b, { stage }) };
  });
}

export async function getBlueprint(cp: ControlPlane, arn: string, r: GetBlueprintRequest = {}) {
  const b = await existing(cp, arn);
  return { blueprint: blueprintView(b, { version: r.blueprintVersion, stage: r.blueprintStage }) };
}

export async function updateBlueprint(cp: ControlPlane, arn: string, r: UpdateBlueprintRequest) {
  return changing(cp, async () => {
    const b = await existing(cp, arn);
    validateSchema(r.schema, b.type);
    const stage = r.blueprintStage ?? currentStage(b.stages);
    b.stages[stage] = { schema: r.schema, lastModifiedTime: now() };
    await cp.store.putBlueprint(cp.tenant, b);
    return { blueprint: blueprintView(b, { stage }) };
  });
}

/** The whole blueprint, or one version of it. */
export async function deleteBlueprint(cp: ControlPlane, arn: string, r: DeleteBlueprintRequest = {}) {
  return changing(cp, async () => {
    const b = await existing(cp, arn);
    if (r.blueprintVersion) {
      if (!b.versions[r.blueprintVersion]) throw notFound(`Version ${r.blueprintVersion} of blueprint`, arn);
      delete b.versions[r.blueprintVersion];
      await cp.store.putBlueprint(cp.tenant, b);
    } else await cp.store.deleteBlueprint(cp.tenant, arn);
    return {};
  });
}

/** An immutable snapshot of the DEVELOPMENT stage (else LIVE), numbered one past the last version. */
export async function createBlueprintVersion(cp: ControlPlane, arn: string) {
  return changing(cp, async () => {
    const b = await existing(cp, arn);
    const source = versionSource(b);
    const version = nextVersion(b);
    b.versions[version] = { schema: source.schema, lastModifiedTime: now() };
    await cp.store.putBlueprint(cp.tenant, b);
    return { blueprint: blueprintView(b, { version }) };
  });
}

export async function copyBlueprintStage(cp: ControlPlane, arn: string, r: CopyBlueprintStageRequest) {
  return changing(cp, async () => {
    const b = await existing(cp, arn);
    const src = b.stages[r.sourceStage];
    if (!src)
      throw new BdaError('ValidationException', `blueprint has no ${r.sourceStage} stage`, [
        { name: 'sourceStage', message: 'stage is empty' },
      ]);
    b.stages[r.targetStage] = { schema: src.schema, lastModifiedTime: now() };
    await cp.store.putBlueprint(cp.tenant, b);
    return {};
  });
}

/** One summary per blueprint stage (ACCOUNT), or the catalog (SERVICE); filtered by ARN, project and stage. */
export async function listBlueprints(cp: ControlPlane, r: ListBlueprintsRequest = {}) {
  type Summary = {
    blueprintArn: string;
    blueprintName: string;
    blueprintStage?: Stage;
    creationTime: string;
    lastModifiedTime?: string;
  };
  let items: Summary[] = [];
  if ((r.resourceOwner ?? 'ACCOUNT') === 'SERVICE') items = catalogSummaries(cp.region);
  else {
    let stored = await cp.store.listBlueprints(cp.tenant);
    if (r.blueprintArn) stored = stored.filter((b) => b.blueprintArn === r.blueprintArn);
    if (r.projectFilter) {
      const p = await resolveProject(cp, r.projectFilter.projectArn, r.projectFilter.projectStage);
      const arns = new Set((p?.customOutputConfiguration?.blueprints ?? []).map((x) => x.blueprintArn));
      stored = stored.filter((b) => arns.has(b.blueprintArn));
    }
    const filter = r.blueprintStageFilter ?? 'ALL';
    for (const b of stored) {
      for (const s of STAGES) {
        const snap = b.stages[s];
        if (!snap || (filter !== 'ALL' && filter !== s)) continue;
        items.push({
          blueprintArn: b.blueprintArn,
          blueprintName: b.blueprintName,
          blueprintStage: s,
          creationTime: iso(b.creationTime),
          lastModifiedTime: iso(snap.lastModifiedTime),
        });
      }
    }
  }
  const { slice, nextToken } = page(items, r.maxResults, r.nextToken);
  return { blueprints: slice, ...(nextToken ? { nextToken } : {}) };
}
