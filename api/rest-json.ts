/**
 * The restJson1 wire (BDA's control plane): a JSON request body validated by a zod schema, a JSON response,
 * and errors as BDA sends them — the type in `X-Amzn-ErrorType`, `{ message, fieldList }` in the body.
 */
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { BdaError } from '../schemas/errors.ts';

const MAX_BODY = 2_000_000;

/** The request body (already read: its signature covers it) as a JSON object (empty body = `{}`). */
export function readJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length > MAX_BODY) throw new BdaError('ValidationException', 'request body is larger than 2 MB');
  const text = raw.toString('utf8').trim();
  if (!text) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BdaError('ValidationException', 'request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BdaError('ValidationException', 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The request as its schema types it, or a ValidationException listing every field that is wrong. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fieldList = r.error.issues.map((i) => ({ name: i.path.join('.') || '/', message: i.message }));
  throw new BdaError(
    'ValidationException',
    `Invalid request: ${fieldList.map((f) => `${f.name}: ${f.message}`).join('; ')}`,
    fieldList,
  );
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendRestJsonError(res: ServerResponse, err: unknown): void {
  if (!(err instanceof BdaError)) console.error('[api] control-plane internal error', err);
  const e = err instanceof BdaError ? err : new BdaError('InternalServerException', (err as Error).message);
  const text = JSON.stringify({ message: e.message, ...(e.fieldList ? { fieldList: e.fieldList } : {}) });
  res.writeHead(e.httpStatus, {
    'Content-Type': 'application/json',
    'X-Amzn-ErrorType': e.type,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
