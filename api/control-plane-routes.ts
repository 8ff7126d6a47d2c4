/**
 * BDA's control plane on restJson1 (reference §1.3): each operation's method and path, its request schema (body
 * members, plus query members such as DeleteBlueprint's `blueprintVersion`), its success status, and the
 * control-plane call it maps to. HTTP only: the rules live in control-plane/. An unchanged
 * `@aws-sdk/client-bedrock-data-automation` client pointed at Quarry talks to this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  copyBlueprintStage,
  createBlueprint,
  createBlueprintVersion,
  deleteBlueprint,
  getBlueprint,
  listBlueprints,
  updateBlueprint,
} from '../control-plane/blueprints.ts';
import { type ControlPlane, controlPlaneFor } from '../control-plane/context.ts';
import { createProject, deleteProject, getProject, listProjects, updateProject } from '../control-plane/projects.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import {
  CopyBlueprintStageRequest,
  CreateBlueprintRequest,
  CreateBlueprintVersionRequest,
  CreateProjectRequest,
  DeleteBlueprintRequest,
  GetBlueprintRequest,
  GetProjectRequest,
  ListBlueprintsRequest,
  ListProjectsRequest,
  UpdateBlueprintRequest,
  UpdateProjectRequest,
} from '../schemas/control-plane.ts';
import { BdaError } from '../schemas/errors.ts';
import { matchRoute, type Route } from './route-table.ts';
import { parseRequest, readJsonObject, sendJson, sendRestJsonError } from './rest-json.ts';
import { requestUrl } from './request-url.ts';

interface Operation {
  status: number;
  request: z.ZodType;
  call(cp: ControlPlane, request: never, params: Record<string, string>): Promise<unknown>;
}
/** An operation: method, path, success status, request schema, and the control-plane call it is. */
const route = <S extends z.ZodType>(
  method: Route<Operation>['method'],
  pattern: string,
  status: number,
  request: S,
  call: (cp: ControlPlane, r: z.infer<S>, path: { arn: string }) => Promise<unknown>,
): Route<Operation> => ({ method, pattern, handler: { status, request, call } });

const NoMembers = z.object({});
const BP = '/blueprints/{arn}';
const PROJECT = '/data-automation-projects/{arn}';

const routes: Route<Operation>[] = [
  route('PUT', '/blueprints', 201, CreateBlueprintRequest, createBlueprint),
  route('POST', '/blueprints', 200, ListBlueprintsRequest, listBlueprints),
  route('POST', BP, 200, GetBlueprintRequest, (cp, r, p) => getBlueprint(cp, p.arn, r)),
  route('PUT', BP, 200, UpdateBlueprintRequest, (cp, r, p) => updateBlueprint(cp, p.arn, r)),
  route('DELETE', BP, 200, DeleteBlueprintRequest, (cp, r, p) => deleteBlueprint(cp, p.arn, r)),
  route('POST', `${BP}/versions`, 201, CreateBlueprintVersionRequest, (cp, _, p) => createBlueprintVersion(cp, p.arn)),
  route('PUT', `${BP}/copy-stage`, 200, CopyBlueprintStageRequest, (cp, r, p) => copyBlueprintStage(cp, p.arn, r)),
  route('PUT', '/data-automation-projects', 201, CreateProjectRequest, createProject),
  route('POST', '/data-automation-projects', 200, ListProjectsRequest, listProjects),
  route('POST', PROJECT, 200, GetProjectRequest, (cp, r, p) => getProject(cp, p.arn, r)),
  route('PUT', PROJECT, 200, UpdateProjectRequest, (cp, r, p) => updateProject(cp, p.arn, r)),
  route('DELETE', PROJECT, 200, NoMembers, (cp, _, p) => deleteProject(cp, p.arn)),
];

const OWN_PATHS = new Set(['blueprints', 'data-automation-projects']);

/** Serves a control-plane request for the authenticated tenant; false when the path is not a control-plane path. */
export async function handleControlPlane(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { config: QuarryConfig; tenant: string; body: Buffer },
): Promise<boolean> {
  const url = requestUrl(req);
  if (!OWN_PATHS.has(url.pathname.split('/').filter(Boolean)[0] ?? '')) return false;
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    const found = matchRoute(routes, method, url.pathname);
    if (!found) throw new BdaError('ValidationException', `no control-plane operation for ${method} ${url.pathname}`);
    const { status, request, call } = found.handler;
    const members = { ...Object.fromEntries(url.searchParams), ...readJsonObject(ctx.body) };
    const cp = controlPlaneFor(ctx.config, ctx.tenant);
    const out = await call(cp, parseRequest(request, members) as never, found.params);
    sendJson(res, status, out);
  } catch (e) {
    sendRestJsonError(res, e);
  }
  return true;
}
