import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { loadTenants, type Tenants } from '../control-plane/tenants.ts';
import type { StorageRouter } from '../engines/storage/open-storage.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';
import { metricsContentType } from '../engines/telemetry/metrics.ts';
import { authenticate } from './auth.ts';
import { inSpan } from '../engines/telemetry/tracing.ts';
import { handleConsole, isConsolePath } from './console-routes.ts';
import { jobDetail } from './job-detail.ts';
import { metricsText } from './metrics-text.ts';
import { listJobs } from './list-jobs.ts';
import { readOutput } from './read-output.ts';
import { TenantRateLimiter } from './rate-limit.ts';
import { getDataAutomationStatus, invokeDataAutomationAsync, type RuntimeContext } from './runtime.ts';
import { invokeDataAutomation } from './sync.ts';
import { requestUrl } from './request-url.ts';

const TARGET_PREFIX = 'AmazonBedrockKeystoneRuntimeService.';
const MAX_BODY = 72 * 1024 * 1024; // a 50 MB sync document, base64-encoded, plus the envelope

export interface ApiOptions {
  config: QuarryConfig;
  client: Client;
  storage: StorageRouter;
  /** keys and storage grants (default: read from the configuration, control-plane/tenants.ts) */
  tenants?: Tenants;
  /** restJson1 control plane (blueprints, projects); returns false when the path is not its own */
  controlPlane?: (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: { config: QuarryConfig; storage: StorageRouter; tenant: string; body: Buffer },
  ) => Promise<boolean>;
}

export interface RunningApi {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown) {
  const e =
    err instanceof BdaError
      ? err
      : new BdaError('InternalServerException', `internal error: ${err instanceof Error ? err.message : String(err)}`);
  if (!(err instanceof BdaError)) console.error('[api] internal error', err);
  sendJson(
    res,
    e.httpStatus,
    { __type: e.type, message: e.message, ...(e.fieldList ? { fieldList: e.fieldList } : {}) },
    { 'x-amzn-errortype': e.type },
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new BdaError('ValidationException', `request body over ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BdaError('ValidationException', 'the request body is not valid JSON');
  }
}

/**
 * Quarry's HTTP API: BDA's runtime (awsJson1_1 on `POST /` with `X-Amz-Target`), BDA's control plane
 * (restJson1 paths), Quarry's own `GET /jobs`, and the web console under `/console/`. An unchanged AWS SDK client
 * pointed here just works.
 */
export async function startApi(opts: ApiOptions, listen: { host: string; port: number }): Promise<RunningApi> {
  const limiter = new TenantRateLimiter({ tps: opts.config.quotas.invokeTps });
  const tenants = opts.tenants ?? loadTenants(opts.config);
  const server = http.createServer(async (req, res) => {
    try {
      // the web console authenticates its own way (a key form and cookie for pages, the same keys throughout)
      const url = requestUrl(req);
      if (isConsolePath(url.pathname)) return await handleConsole(req, res, { ...opts, tenants });
      // the whole body first: a SigV4 signature covers it
      const body = await readBody(req);
      const tenant = await authenticate(req, body, tenants, opts.config);
      const ownRoute = (req.method === 'POST' && url.pathname === '/') || url.pathname === '/jobs' || url.pathname.startsWith('/jobs/') || url.pathname === '/outputs' || url.pathname === '/health' || url.pathname === '/metrics';
      if (url.pathname === '/metrics' && req.method === 'GET' && opts.config.observability.metrics) {
        const text = await metricsText(opts.client, opts.config);
        res.writeHead(200, { 'content-type': metricsContentType, 'content-length': Buffer.byteLength(text) });
        return void res.end(text);
      }
      if (!ownRoute && opts.controlPlane && (await opts.controlPlane(req, res, { config: opts.config, storage: opts.storage, tenant, body }))) return;
      if (req.method === 'POST' && url.pathname === '/' && req.headers['x-amz-target']) {
        const target = String(req.headers['x-amz-target']);
        const ctx: RuntimeContext = { config: opts.config, client: opts.client, storage: opts.storage, tenants, limiter, tenant };
        const json = parseJson(body);
        if (typeof json !== 'object' || json === null || Array.isArray(json))
          throw new BdaError('ValidationException', 'the request body must be a JSON object');
        const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
        const out = await inSpan(`bda.${op || 'unknown'}`, { 'quarry.tenant': tenant }, async () => {
          if (op === 'InvokeDataAutomationAsync') return invokeDataAutomationAsync(ctx, json);
          if (op === 'GetDataAutomationStatus') return getDataAutomationStatus(ctx, json);
          if (op === 'InvokeDataAutomation') return invokeDataAutomation(ctx, json);
          throw new BdaError('ValidationException', `unknown operation '${target}' (X-Amz-Target)`);
        });
        return sendJson(res, 200, out);
      }
      if (url.pathname === '/jobs' && (req.method === 'GET' || req.method === 'POST')) {
        const params = req.method === 'GET' ? Object.fromEntries(url.searchParams) : parseJson(body);
        const out = await listJobs(opts.client, { tenant, region: opts.config.region, accountId: opts.config.accountId }, params);
        return sendJson(res, 200, out, { 'content-type': 'application/json' });
      }
      const detail = /^\/jobs\/([a-zA-Z0-9-_]+)$/.exec(url.pathname);
      if (detail && req.method === 'GET') {
        return sendJson(res, 200, await jobDetail(opts.client, detail[1], tenant), { 'content-type': 'application/json' });
      }
      if (url.pathname === '/outputs' && req.method === 'GET') {
        const { body: object, contentType } = await readOutput({ storage: opts.storage, tenants, tenant }, url.searchParams.get('uri'));
        res.writeHead(200, { 'content-type': contentType, 'content-length': object.length });
        return res.end(object);
      }
      if (url.pathname === '/health') return sendJson(res, 200, { ok: true }, { 'content-type': 'application/json' });
      throw new BdaError('ResourceNotFoundException', `no such operation: ${req.method} ${url.pathname}`);
    } catch (err) {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    }
  });
  server.requestTimeout = 15 * 60_000; // sync invoke waits for its job
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
