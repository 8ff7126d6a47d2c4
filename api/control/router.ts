/**
 * BDA's control plane on restJson1 (reference §1.3): blueprints (create, get, update, delete, list, versions,
 * copy stage) and data-automation projects (create, get, update, delete, list). An unchanged
 * `@aws-sdk/client-bedrock-data-automation` client pointed at Quarry talks to this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CATALOG, publicBlueprintArn } from '../../blueprints/catalog.ts';
import { BlueprintSchemaError, parseBlueprint } from '../../blueprints/dialect.ts';
import type { QuarryConfig } from '../../schemas/config.ts';
import {
  CopyBlueprintStageRequest,
  CreateBlueprintRequest,
  CreateProjectRequest,
  GetBlueprintRequest,
  ListBlueprintsRequest,
  ListProjectsRequest,
  type Stage,
  type StoredBlueprint,
  type StoredProject,
  UpdateBlueprintRequest,
  UpdateProjectRequest,
} from '../../schemas/control-plane.ts';
import { BdaError } from '../../schemas/errors.ts';
import { resolveBlueprint } from '../../control-plane/resolve.ts';
import { ControlPlaneStore } from '../../control-plane/store.ts';

export interface ControlPlaneContext {
  config: QuarryConfig;
  storage?: unknown;
  tenant?: string;
}

/** the model gives these timestamps `timestampFormat: date-time`: RFC-3339 strings on the wire */
const epoch = (iso: string) => new Date(iso).toISOString();
const now = () => new Date().toISOString();

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
function sendError(res: ServerResponse, e: BdaError) {
  const text = JSON.stringify({ message: e.message, ...(e.fieldList ? { fieldList: e.fieldList } : {}) });
  res.writeHead(e.httpStatus, {
    'Content-Type': 'application/json',
    'X-Amzn-ErrorType': e.type,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 2_000_000) throw new BdaError('ValidationException', 'request body is larger than 2 MB');
    chunks.push(c as Buffer);
  }
  return parseBody(Buffer.concat(chunks));
}

function parseBody(buf: Buffer): unknown {
  const text = buf.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BdaError('ValidationException', 'request body is not valid JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fieldList = r.error.issues.map((i) => ({ name: i.path.join('.') || '/', message: i.message }));
  throw new BdaError(
    'ValidationException',
    `Invalid request: ${fieldList.map((f) => `${f.name}: ${f.message}`).join('; ')}`,
    fieldList,
  );
}

const notFound = (what: string, arn: string) =>
  new BdaError('ResourceNotFoundException', `${what} ${arn} was not found`);

function blueprintView(b: StoredBlueprint, opts: { version?: string; stage?: Stage }) {
  const stage: Stage | undefined = opts.version ? undefined : (opts.stage ?? (b.stages.LIVE ? 'LIVE' : 'DEVELOPMENT'));
  const snap = opts.version ? b.versions[opts.version] : b.stages[stage as Stage];
  if (!snap)
    throw notFound(
      opts.version ? `Version ${opts.version} of blueprint` : `Stage ${stage} of blueprint`,
      b.blueprintArn,
    );
  return {
    blueprintArn: b.blueprintArn,
    blueprintName: b.blueprintName,
    type: b.type,
    schema: snap.schema,
    creationTime: epoch(b.creationTime),
    lastModifiedTime: epoch(snap.lastModifiedTime),
    ...(opts.version ? { blueprintVersion: opts.version } : { blueprintStage: stage }),
  };
}

function projectView(p: StoredProject, stage?: Stage) {
  const s: Stage = stage ?? (p.stages.LIVE ? 'LIVE' : 'DEVELOPMENT');
  const c = p.stages[s];
  if (!c) throw notFound(`Stage ${s} of project`, p.projectArn);
  return {
    projectArn: p.projectArn,
    projectName: p.projectName,
    projectStage: s,
    projectType: p.projectType,
    ...(c.projectDescription ? { projectDescription: c.projectDescription } : {}),
    creationTime: epoch(p.creationTime),
    lastModifiedTime: epoch(c.lastModifiedTime),
    standardOutputConfiguration: c.standardOutputConfiguration,
    ...(c.customOutputConfiguration ? { customOutputConfiguration: c.customOutputConfiguration } : {}),
    ...(c.overrideConfiguration ? { overrideConfiguration: c.overrideConfiguration } : {}),
    status: 'COMPLETED',
  };
}

function page<T>(items: T[], maxResults = 100, nextToken?: string) {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new BdaError('ValidationException', 'invalid nextToken');
  const slice = items.slice(start, start + maxResults);
  const next =
    start + maxResults < items.length ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined;
  return { slice, next };
}

function validateSchema(schema: string, type: StoredBlueprint['type']) {
  try {
    parseBlueprint(schema, { modality: type });
  } catch (e) {
    if (e instanceof BlueprintSchemaError) throw e;
    throw new BdaError('ValidationException', `Invalid blueprint schema: ${(e as Error).message}`);
  }
}

async function checkBlueprintRefs(
  ctx: ControlPlaneContext,
  items: { blueprintArn: string; blueprintVersion?: string; blueprintStage?: Stage }[],
) {
  for (const [i, item] of items.entries()) {
    if (!(await resolveBlueprint(ctx.config, item))) {
      throw new BdaError(
        'ValidationException',
        `customOutputConfiguration.blueprints[${i}]: blueprint ${item.blueprintArn} was not found`,
        [{ name: `customOutputConfiguration.blueprints.${i}.blueprintArn`, message: 'not found' }],
      );
    }
  }
}

/**
 * Handles a control-plane request; returns false when the path is not a control-plane path.
 * Called as `(req, res, ctx)` (reads the body itself) or `(req, res, body, ctx)` when the server already read it.
 */
export async function handleControlPlane(
  req: IncomingMessage,
  res: ServerResponse,
  bodyOrCtx: Buffer | ControlPlaneContext,
  maybeCtx?: ControlPlaneContext,
): Promise<boolean> {
  const ctx = (Buffer.isBuffer(bodyOrCtx) ? maybeCtx : bodyOrCtx) as ControlPlaneContext;
  const given = Buffer.isBuffer(bodyOrCtx) ? bodyOrCtx : undefined;
  const body = (r: IncomingMessage) => (given ? Promise.resolve(parseBody(given)) : readBody(r));
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = (req.method ?? 'GET').toUpperCase();
  if (parts[0] !== 'blueprints' && parts[0] !== 'data-automation-projects') return false;
  const store = new ControlPlaneStore(ctx.config.home);
  const { region, accountId } = ctx.config;
  try {
    if (parts[0] === 'blueprints') {
      if (parts.length === 1 && method === 'PUT') {
        const r = parse(CreateBlueprintRequest, await body(req));
        validateSchema(r.schema, r.type);
        const existing = (await store.listBlueprints()).find((b) => b.blueprintName === r.blueprintName);
        if (existing) {
          if (r.clientToken && existing.clientToken === r.clientToken) {
            send(res, 201, { blueprint: blueprintView(existing, {}) });
            return true;
          }
          throw new BdaError('ConflictException', `a blueprint named ${r.blueprintName} already exists`);
        }
        const t = now();
        const stage = r.blueprintStage ?? 'LIVE';
        const b: StoredBlueprint = {
          blueprintArn: `arn:aws:bedrock:${region}:${accountId}:blueprint/${ControlPlaneStore.newId()}`,
          blueprintName: r.blueprintName,
          type: r.type,
          creationTime: t,
          ...(r.clientToken ? { clientToken: r.clientToken } : {}),
          stages: { [stage]: { schema: r.schema, lastModifiedTime: t } },
          versions: {},
          ...(r.tags ? { tags: r.tags } : {}),
        };
        await store.putBlueprint(b);
        send(res, 201, { blueprint: blueprintView(b, { stage }) });
        return true;
      }
      if (parts.length === 1 && method === 'POST') {
        const r = parse(ListBlueprintsRequest, await body(req));
        const owner = r.resourceOwner ?? 'ACCOUNT';
        type Summary = {
          blueprintArn: string;
          blueprintName: string;
          blueprintStage?: string;
          blueprintVersion?: string;
          creationTime: string;
          lastModifiedTime?: string;
        };
        let items: Summary[] = [];
        if (owner === 'SERVICE') {
          items = CATALOG.map((e) => ({
            blueprintArn: publicBlueprintArn(region, e.name),
            blueprintName: e.name,
            blueprintStage: 'LIVE',
            creationTime: new Date(0).toISOString(),
          }));
        } else {
          let stored = await store.listBlueprints();
          if (r.blueprintArn) stored = stored.filter((b) => b.blueprintArn === r.blueprintArn);
          if (r.projectFilter) {
            const p = await store.getProject(r.projectFilter.projectArn);
            const c =
              p &&
              (r.projectFilter.projectStage
                ? p.stages[r.projectFilter.projectStage]
                : (p.stages.LIVE ?? p.stages.DEVELOPMENT));
            const arns = new Set((c?.customOutputConfiguration?.blueprints ?? []).map((x) => x.blueprintArn));
            stored = stored.filter((b) => arns.has(b.blueprintArn));
          }
          const filter = r.blueprintStageFilter ?? 'ALL';
          for (const b of stored) {
            for (const s of ['DEVELOPMENT', 'LIVE'] as const) {
              const snap = b.stages[s];
              if (snap && (filter === 'ALL' || filter === s)) {
                items.push({
                  blueprintArn: b.blueprintArn,
                  blueprintName: b.blueprintName,
                  blueprintStage: s,
                  creationTime: epoch(b.creationTime),
                  lastModifiedTime: epoch(snap.lastModifiedTime),
                });
              }
            }
          }
        }
        const { slice, next } = page(items, r.maxResults, r.nextToken);
        send(res, 200, { blueprints: slice, ...(next ? { nextToken: next } : {}) });
        return true;
      }
      const arn = parts[1];
      const b = await store.getBlueprint(arn);
      if (parts.length === 2 && method === 'POST') {
        const r = parse(GetBlueprintRequest, await body(req));
        if (!b) throw notFound('Blueprint', arn);
        send(res, 200, { blueprint: blueprintView(b, { version: r.blueprintVersion, stage: r.blueprintStage }) });
        return true;
      }
      if (parts.length === 2 && method === 'PUT') {
        const r = parse(UpdateBlueprintRequest, await body(req));
        if (!b) throw notFound('Blueprint', arn);
        validateSchema(r.schema, b.type);
        const stage = r.blueprintStage ?? (b.stages.LIVE ? 'LIVE' : 'DEVELOPMENT');
        b.stages[stage] = { schema: r.schema, lastModifiedTime: now() };
        await store.putBlueprint(b);
        send(res, 200, { blueprint: blueprintView(b, { stage }) });
        return true;
      }
      if (parts.length === 2 && method === 'DELETE') {
        if (!b) throw notFound('Blueprint', arn);
        const version = url.searchParams.get('blueprintVersion');
        if (version) {
          if (!b.versions[version]) throw notFound(`Version ${version} of blueprint`, arn);
          delete b.versions[version];
          await store.putBlueprint(b);
        } else await store.deleteBlueprint(arn);
        send(res, 200, {});
        return true;
      }
      if (parts.length === 3 && parts[2] === 'versions' && method === 'POST') {
        await body(req);
        if (!b) throw notFound('Blueprint', arn);
        const source = b.stages.DEVELOPMENT ?? b.stages.LIVE;
        if (!source) throw new BdaError('ValidationException', 'blueprint has no stage to version');
        const numbers = Object.keys(b.versions).map(Number);
        if (numbers.length >= 100)
          throw new BdaError('ServiceQuotaExceededException', 'a blueprint can have at most 100 versions');
        const version = String((numbers.length ? Math.max(...numbers) : 0) + 1);
        b.versions[version] = { schema: source.schema, lastModifiedTime: now() };
        await store.putBlueprint(b);
        send(res, 201, { blueprint: blueprintView(b, { version }) });
        return true;
      }
      if (parts.length === 3 && parts[2] === 'copy-stage' && method === 'PUT') {
        const r = parse(CopyBlueprintStageRequest, await body(req));
        if (!b) throw notFound('Blueprint', arn);
        const src = b.stages[r.sourceStage];
        if (!src)
          throw new BdaError('ValidationException', `blueprint has no ${r.sourceStage} stage`, [
            { name: 'sourceStage', message: 'stage is empty' },
          ]);
        b.stages[r.targetStage] = { schema: src.schema, lastModifiedTime: now() };
        await store.putBlueprint(b);
        send(res, 200, {});
        return true;
      }
    } else {
      if (parts.length === 1 && method === 'PUT') {
        const r = parse(CreateProjectRequest, await body(req));
        const existing = (await store.listProjects()).find((p) => p.projectName === r.projectName);
        if (existing) {
          if (r.clientToken && existing.clientToken === r.clientToken) {
            send(res, 201, {
              projectArn: existing.projectArn,
              projectStage: r.projectStage ?? 'LIVE',
              status: 'COMPLETED',
            });
            return true;
          }
          throw new BdaError('ConflictException', `a project named ${r.projectName} already exists`);
        }
        await checkBlueprintRefs(ctx, [
          ...(r.customOutputConfiguration?.blueprints ?? []),
          ...(r.customOutputConfiguration?.document?.fallbackBlueprints ?? []),
        ]);
        const t = now();
        const stage = r.projectStage ?? 'LIVE';
        const p: StoredProject = {
          projectArn: `arn:aws:bedrock:${region}:${accountId}:data-automation-project/${ControlPlaneStore.newId()}`,
          projectName: r.projectName,
          projectType: r.projectType ?? 'ASYNC',
          creationTime: t,
          ...(r.clientToken ? { clientToken: r.clientToken } : {}),
          stages: {
            [stage]: {
              ...(r.projectDescription ? { projectDescription: r.projectDescription } : {}),
              standardOutputConfiguration: r.standardOutputConfiguration,
              ...(r.customOutputConfiguration ? { customOutputConfiguration: r.customOutputConfiguration } : {}),
              ...(r.overrideConfiguration ? { overrideConfiguration: r.overrideConfiguration } : {}),
              lastModifiedTime: t,
            },
          },
          ...(r.tags ? { tags: r.tags } : {}),
        };
        await store.putProject(p);
        send(res, 201, { projectArn: p.projectArn, projectStage: stage, status: 'COMPLETED' });
        return true;
      }
      if (parts.length === 1 && method === 'POST') {
        const r = parse(ListProjectsRequest, await body(req));
        const filter = r.projectStageFilter ?? 'ALL';
        const items: unknown[] = [];
        for (const p of await store.listProjects()) {
          for (const s of ['DEVELOPMENT', 'LIVE'] as const) {
            const c = p.stages[s];
            if (!c || (filter !== 'ALL' && filter !== s)) continue;
            if (
              r.blueprintFilter &&
              !(c.customOutputConfiguration?.blueprints ?? []).some(
                (x) => x.blueprintArn === r.blueprintFilter?.blueprintArn,
              )
            )
              continue;
            items.push({
              projectArn: p.projectArn,
              projectName: p.projectName,
              projectStage: s,
              projectType: p.projectType,
              creationTime: epoch(p.creationTime),
            });
          }
        }
        const { slice, next } = page(items, r.maxResults, r.nextToken);
        send(res, 200, { projects: slice, ...(next ? { nextToken: next } : {}) });
        return true;
      }
      const arn = parts[1];
      const p = await store.getProject(arn);
      if (parts.length === 2 && method === 'POST') {
        const r = parse(z.object({ projectStage: z.enum(['DEVELOPMENT', 'LIVE']).optional() }), await body(req));
        if (!p) throw notFound('Project', arn);
        send(res, 200, { project: projectView(p, r.projectStage) });
        return true;
      }
      if (parts.length === 2 && method === 'PUT') {
        const r = parse(UpdateProjectRequest, await body(req));
        if (!p) throw notFound('Project', arn);
        await checkBlueprintRefs(ctx, [
          ...(r.customOutputConfiguration?.blueprints ?? []),
          ...(r.customOutputConfiguration?.document?.fallbackBlueprints ?? []),
        ]);
        const stage = r.projectStage ?? 'LIVE';
        p.stages[stage] = {
          ...(r.projectDescription ? { projectDescription: r.projectDescription } : {}),
          standardOutputConfiguration: r.standardOutputConfiguration,
          ...(r.customOutputConfiguration ? { customOutputConfiguration: r.customOutputConfiguration } : {}),
          ...(r.overrideConfiguration ? { overrideConfiguration: r.overrideConfiguration } : {}),
          lastModifiedTime: now(),
        };
        await store.putProject(p);
        send(res, 200, { projectArn: p.projectArn, projectStage: stage, status: 'COMPLETED' });
        return true;
      }
      if (parts.length === 2 && method === 'DELETE') {
        if (!p) throw notFound('Project', arn);
        await store.deleteProject(arn);
        send(res, 200, { projectArn: arn, status: 'COMPLETED' });
        return true;
      }
    }
    throw new BdaError('ValidationException', `no control-plane operation for ${method} ${url.pathname}`);
  } catch (e) {
    if (e instanceof BdaError) sendError(res, e);
    else sendError(res, new BdaError('InternalServerException', (e as Error).message));
    return true;
  }
}
