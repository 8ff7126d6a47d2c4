import type { IncomingMessage } from 'node:http';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';

const loopback = (addr: string | undefined) => !!addr && (addr === '::1' || addr.startsWith('127.') || addr === '::ffff:127.0.0.1');

/** The cookie the console keeps its key in (set by `GET /console/?key=…`, HttpOnly, SameSite=Strict). */
export const CONSOLE_KEY_COOKIE = 'quarry_key';

function cookieKey(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== CONSOLE_KEY_COOKIE) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The tenant a request acts for. Keys come from QUARRY_API_KEYS (`key:tenant,…`) and are read from
 * `x-api-key`, `Authorization: Bearer <key>`, or — for AWS SDK clients — the access key id in the SigV4
 * `Authorization` header (the signature itself is not verified: run behind TLS), or the console's cookie. In
 * dev mode, requests from loopback need no key.
 */
export function authenticate(req: IncomingMessage, config: QuarryConfig): string {
  const h = req.headers;
  const auth = typeof h.authorization === 'string' ? h.authorization : '';
  const key =
    (typeof h['x-api-key'] === 'string' ? h['x-api-key'] : undefined) ??
    /^Bearer\s+(\S+)/i.exec(auth)?.[1] ??
    /Credential=([^/,\s]+)\//.exec(auth)?.[1] ??
    cookieKey(h.cookie);
  if (key && config.api.keys[key]) return config.api.keys[key];
  if (config.api.dev && loopback(req.socket.remoteAddress)) return 'default';
  throw new BdaError(
    'AccessDeniedException',
    key ? 'the API key is not valid' : 'an API key is required (x-api-key header, Bearer token, or SigV4 access key id)',
  );
}
