/**
 * The web console's part of the API, under `/console`: the built front-end, the key cookie, the upload inbox, and
 * read access to a job's results, inputs and page images. Everything else the console does goes through the
 * same BDA runtime, control-plane and `/jobs` endpoints any client uses, behind the same keys.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Tenants } from '../control-plane/tenants.ts';
import type { StorageRouter } from '../engines/storage/open-storage.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';
import { authenticate, CONSOLE_KEY_COOKIE } from './auth.ts';
import { sendJobObject, sendPageImage } from './console-job-files.ts';
import { receiveUpload } from './console-inbox.ts';
import { sendConsoleFile, sendKeyForm } from './console-static.ts';
import { sendJson, sendRestJsonError } from './rest-json.ts';
import { requestUrl } from './request-url.ts';

export interface ConsoleContext {
  config: QuarryConfig;
  client: Client;
  storage: StorageRouter;
  /** the configured keys and their tenants (api/auth.ts) */
  tenants: Tenants;
}

export const isConsolePath = (pathname: string) => pathname === '/console' || pathname.startsWith('/console/');

export async function handleConsole(req: IncomingMessage, res: ServerResponse, ctx: ConsoleContext): Promise<void> {
  const url = requestUrl(req);
  const method = req.method ?? 'GET';
  if (url.pathname === '/console') return redirect(res, '/console/');
  const api = url.pathname.startsWith('/console/api/');
  try {
    const key = url.searchParams.get('key');
    if (!api && key !== null) {
      if (!ctx.tenants.keyWithSecret(key)) return sendKeyForm(res, 'That API key is not valid.');
      url.searchParams.delete('key');
      res.setHeader(
        'set-cookie',
        `${CONSOLE_KEY_COOKIE}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict`,
      );
      return redirect(res, `${url.pathname}${url.search}`);
    }
    let tenant: string;
    try {
      // the console's requests are never SigV4-signed: its key is a secret in a header or the cookie (no body to sign)
      tenant = await authenticate(req, Buffer.alloc(0), ctx.tenants, ctx.config);
    } catch (e) {
      if (!api && e instanceof BdaError)
        return sendKeyForm(res, 'The console needs an API key (a key of QUARRY_API_KEYS or QUARRY_TENANTS_FILE).');
      throw e;
    }
    if (!api) {
      if (method !== 'GET' && method !== 'HEAD')
        throw new BdaError('ValidationException', `${method} is not served here`);
      return await sendConsoleFile(res, url.pathname.slice('/console/'.length));
    }
    const route = url.pathname.slice('/console/api'.length);
    const full = { ...ctx, tenant };
    if (method === 'GET' && route === '/info')
      return sendJson(res, 200, {
        tenant,
        uploadLimitBytes: ctx.config.api.consoleUploadMb * 1024 * 1024,
        region: ctx.config.region,
        // where the console's jobs write, unless the person names another location
        outputUri: pathToFileURL(path.join(ctx.config.home, 'console-out')).href,
      });
    if (method === 'POST' && route === '/uploads')
      return sendJson(res, 201, await receiveUpload(req, url.searchParams.get('name') ?? 'upload', full));
    const object = /^\/jobs\/([\w-]+)\/object$/.exec(route);
    if (method === 'GET' && object) {
      const uri = url.searchParams.get('uri');
      if (!uri) throw new BdaError('ValidationException', 'uri: the object to read is required');
      await sendJobObject(req, res, full, object[1], uri);
      return;
    }
    const page = /^\/jobs\/([\w-]+)\/assets\/(\d+)\/pages\/(\d+)$/.exec(route);
    if (method === 'GET' && page) return await sendPageImage(res, full, page[1], Number(page[2]), Number(page[3]));
    throw new BdaError('ResourceNotFoundException', `no console operation ${method} ${url.pathname}`);
  } catch (e) {
    if (!res.headersSent) sendRestJsonError(res, e);
    else res.destroy();
  }
}

function redirect(res: ServerResponse, to: string) {
  res.writeHead(302, { location: to, 'content-length': 0 });
  res.end();
}
