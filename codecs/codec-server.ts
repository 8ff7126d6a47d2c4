import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import { startupConfig } from '../schemas/config.ts';
import { createDataConverter } from './data-converter.ts';
import type { KeySettings } from './encryption-keys.ts';
import { JsonPayloads, payloadFromJson, payloadToJson } from './payload-json.ts';

export interface CodecServerOptions {
  port?: number;
  host?: string;
  /** Browser origins allowed to call us (the Temporal Web UI); `*` allows any. */
  corsOrigins?: string[];
  /** the codecs; `config`'s (`createDataConverter(config)`) when not given */
  codecs?: PayloadCodec[];
  config?: KeySettings;
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
const MAX_BODY_BYTES = 16 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Temporal's remote codec protocol: POST `…/encode` and `…/decode` with `{ payloads: [...] }` in
 * protobuf JSON, answered in kind. Only the last path segment is looked at, so it can be mounted under
 * any prefix (e.g. `/default/decode`). The Web UI calls it from the browser, hence CORS
 * (`x-namespace, content-type`). Start the UI with `temporal server start-dev --ui-codec-endpoint <url>`.
 * Listens on 127.0.0.1 by default: whoever reaches it can decrypt payloads.
 */
export async function startCodecServer(options: CodecServerOptions = {}): Promise<CodecServer> {
  const codecs = options.codecs ?? (options.config && createDataConverter(options.config).payloadCodecs);
  if (!codecs) throw new Error('startCodecServer needs codecs or a config to make them from');
  const origins = options.corsOrigins ?? DEFAULT_ORIGINS;

  const server = http.createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin && (origins.includes('*') || origins.includes(origin))) {
      res.setHeader('access-control-allow-origin', origins.includes('*') ? '*' : origin);
      if (!origins.includes('*')) res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'x-namespace, content-type');
      res.setHeader('access-control-max-age', '600');
      res.setHeader('vary', 'origin');
    }
    try {
      const action = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '').split('/').pop();
      if (action !== 'encode' && action !== 'decode') throw new HttpError(404, 'use POST /encode or POST /decode');
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      if (req.method !== 'POST') throw new HttpError(405, `use POST /${action}`);
      const body = await readBody(req);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'body is not JSON: expected {"payloads":[{"metadata":{...},"data":"base64"}]}');
      }
      const parsed = JsonPayloads.safeParse(json);
      if (!parsed.success)
        throw new HttpError(
          400,
          `expected {"payloads":[{"metadata":{...},"data":"base64"}]}: ${parsed.error.issues[0]?.message}`,
        );
      let payloads = parsed.data.payloads.map(payloadFromJson);
      try {
        if (action === 'encode') for (const c of codecs) payloads = await c.encode(payloads);
        else for (const c of [...codecs].reverse()) payloads = await c.decode(payloads);
      } catch (e) {
        throw new HttpError(422, (e as Error).message);
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ payloads: payloads.map(payloadToJson) }));
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: message }));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8888, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// `tsx codecs/codec-server.ts` runs it standalone (QUARRY_CODEC_HOST / QUARRY_CODEC_PORT / QUARRY_CODEC_CORS_ORIGINS).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const start = async () => {
    const config = startupConfig();
    const { host, port, corsOrigins } = config.codec;
    return startCodecServer({ host, port, corsOrigins: corsOrigins.length ? corsOrigins : undefined, config });
  };
  start().then(
    (s) => console.log(`Quarry codec server on ${s.url} (temporal server start-dev --ui-codec-endpoint ${s.url})`),
    (e) => {
      console.error(`codec server: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
