/**
 * BDA's data-automation project operations over a tenant's store: CreateDataAutomationProject, Get…, Update…,
 * Delete…, ListDataAutomationProjects. A project holds a configuration per stage (standard output, custom output
 * = blueprints + fallback, overrides); every blueprint it names must exist for the tenant when it is saved.
 */
import type {
  CreateProjectRequest,
  CustomOutputConfiguration,
  GetProjectRequest,
  ListProjectsRequest,
  ProjectConfig,
  StoredProject,
  UpdateProjectRequest,
} from '../schemas/control-plane.ts';
import { BdaError, notFoundError as notFound } from '../schemas/errors.ts';
import { newProjectArn } from './arns.ts';
import type { ControlPlane } from './context.ts';
import { iso, now } from './timestamps.ts';
import { checkName, sameCreate } from './names.ts';
import { page } from './pagination.ts';
import { resolveBlueprint } from './resolve.ts';
import { currentStage, DEFAULT_STAGE, STAGES } from './stages.ts';


/** Every blueprint a custom output configuration names resolves for this tenant (ValidationException naming the item). */
async function checkBlueprints(cp: ControlPlane, c: CustomOutputConfiguration | undefined) {
  const lists = [
    ['customOutputConfiguration.blueprints', c?.blueprints ?? []],
    ['customOutputConfiguration.document.fallbackBlueprints', c?.document?.fallbackBlueprints ?? []],
  ] as const;
  for (const [field, items] of lists) {
    for (const [i, item] of items.entries()) {
      if (!(await resolveBlueprint(cp, item)))
        throw new BdaError('ValidationException', `${field}[${i}]: blueprint ${item.blueprintArn} was not found`, [
          { name: `${field}.${i}.blueprintArn`, message: 'not found' },
        ]);
    }
  }
}

function stageConfig(r: UpdateProjectRequest): ProjectConfig {
  return {
    ...(r.projectDescription ? { projectDescription: r.projectDescription } : {}),
    standardOutputConfiguration: r.standardOutputConfiguration,
    ...(r.customOutputConfiguration ? { customOutputConfiguration: r.customOutputConfiguration } : {}),
    ...(r.overrideConfiguration ? { overrideConfiguration: r.overrideConfiguration } : {}),
    lastModifiedTime: now(),
  };
}

async function existing(cp: ControlPlane, arn: string): Promise<StoredProject> {
  const p = await cp.store.getProject(cp.tenant, arn);
  if (!p) throw notFound('Project', arn);
  return p;
}

/** A change of the tenant's projects: its reads and its write with no other change in between (store.ts). */
const changing = <T>(cp: ControlPlane, fn: () => Promise<T>) => cp.store.change(cp.tenant, 'projects', fn);

export async function createProject(cp: ControlPlane, r: CreateProjectRequest) {
  checkName('project', r.projectName);
  const stage = r.projectStage ?? DEFAULT_STAGE;
  return changing(cp, async () => {
    const holder = (await cp.store.listProjects(cp.tenant)).find((p) => p.projectName === r.projectName);
    const same = sameCreate('project', r.projectName, holder, r.clientToken);
    if (same) return { projectArn: same.projectArn, projectStage: stage, status: 'COMPLETED' as const };
    await checkBlueprints(cp, r.customOutputConfiguration);
    const config = stageConfig(r);
    const p: StoredProject = {
      projectArn: newProjectArn(cp),
      projectName: r.projectName,
      projectType: r.projectType ?? 'ASYNC',
      creationTime: config.lastModifiedTime,
      ...(r.clientToken ? { clientToken: r.clientToken } : {}),
      stages: { [stage]: config },
      ...(r.tags ? { tags: r.tags } : {}),
    };
    await cp.store.putProject(cp.tenant, p);
    return { projectArn: p.projectArn, projectStage: stage, status: 'COMPLETED' as const };
  });
}

/** BDA's DataAutomationProject shape at a stage (default: LIVE, else DEVELOPMENT). */
export async function getProject(cp: ControlPlane, arn: string, r: GetProjectRequest = {}) {
  const p = await existing(cp, arn);
  const s = r.projectStage ?? currentStage(p.stages);
  const c = p.stages[s];
  if (!c) throw notFound(`Stage ${s} of project`, p.projectArn);
  return {
    project: {
      projectArn: p.projectArn,
      projectName: p.projectName,
      projectStage: s,
      projectType: p.projectType,
      ...(c.projectDescription ? { projectDescription: c.projectDescription } : {}),
      creationTime: iso(p.creationTime),
      lastModifiedTime: iso(c.lastModifiedTime),
      standardOutputConfiguration: c.standardOutputConfiguration,
      ...(c.customOutputConfiguration ? { customOutputConfiguration: c.customOutputConfiguration } : {}),
      ...(c.overrideConfiguration ? { overrideConfiguration: c.overrideConfiguration } : {}),
      status: 'COMPLETED' as const,
    },
  };
}

/** Replaces one stage's configuration (default LIVE). */
export async function updateProject(cp: ControlPlane, arn: string, r: UpdateProjectRequest) {
  return changing(cp, async () => {
    const p = await existing(cp, arn);
    await checkBlueprints(cp, r.customOutputConfiguration);
    const stage = r.projectStage ?? DEFAULT_STAGE;
    p.stages[stage] = stageConfig(r);
    await cp.store.putProject(cp.tenant, p);
    return { projectArn: p.projectArn, projectStage: stage, status: 'COMPLETED' as const };
  });
}

export async function deleteProject(cp: ControlPlane, arn: string) {
  return changing(cp, async () => {
    await existing(cp, arn);
    await cp.store.deleteProject(cp.tenant, arn);
    return { projectArn: arn, status: 'COMPLETED' as const };
  });
}

/** One summary per project stage, filtered by stage and by a blueprint the stage uses. */
export async function listProjects(cp: ControlPlane, r: ListProjectsRequest = {}) {
  const filter = r.projectStageFilter ?? 'ALL';
  const items = [];
  for (const p of await cp.store.listProjects(cp.tenant)) {
    for (const s of STAGES) {
      const c = p.stages[s];
      if (!c || (filter !== 'ALL' && filter !== s)) continue;
      const uses = (c.customOutputConfiguration?.blueprints ?? []).some(
        (x) => x.blueprintArn === r.blueprintFilter?.blueprintArn,
      );
      if (r.blueprintFilter && !uses) continue;
      items.push({
        projectArn: p.projectArn,
        projectName: p.projectName,
        projectStage: s,
        projectType: p.projectType,
        creationTime: iso(p.creationTime),
      });
    }
  }
  const { slice, nextToken } = page(items, r.maxResults, r.nextToken);
  return { projects: slice, ...(nextToken ? { nextToken } : {}) };
}
