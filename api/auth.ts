import type { IncomingMessage } from 'node:http';
import type { Tenants } from '../control-plane/tenants.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';
import { checkSigningDate, isSigV4, parseSigV4Header, verifySigV4 } from './sigv4.ts';

const loopback = (addr: string | undefined) =>
  !!addr && (addr === '::1' || addr.startsWith('127.') || addr === '::ffff:127.0.0.1');

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
 * The tenant a request acts for. An AWS SDK client's SigV4 signature is verified against the secret of the key it
 * names (api/sigv4.ts); other clients send a key's secret as `x-api-key`, `Authorization: Bearer <secret>` or (the console) its cookie. Keys
 * come from QUARRY_API_KEYS and QUARRY_TENANTS_FILE. When no key is configured, dev mode lets loopback requests in
 * as tenant 'default' (what `quarry dev/run/demo` rely on); once a key is configured every request needs one.
 */
export async function authenticate(
  req: IncomingMessage,
  body: Buffer,
  tenants: Tenants,
  config: QuarryConfig,
): Promise<string> {
  const h = req.headers;
  const authorization = typeof h.authorization === 'string' ? h.authorization : '';
  const open = !tenants.hasKeys && config.api.dev && loopback(req.socket.remoteAddress);
  if (isSigV4(authorization)) {
    const auth = parseSigV4Header(authorization);
    const key = tenants.key(auth.accessKeyId);
    if (!key) {
      if (open) return 'default';
      throw new BdaError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const date = checkSigningDate(
      typeof h['x-amz-date'] === 'string' ? h['x-amz-date'] : undefined,
      new Date(),
      config.api.signatureSkewSeconds,
    );
    await verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', headers: h, body }, auth, key.secret, date);
    return key.tenant;
  }
  const token =
    (typeof h['x-api-key'] === 'string' ? h['x-api-key'] : undefined) ??
    /^Bearer\s+(\S+)/i.exec(authorization)?.[1] ??
    cookieKey(h.cookie);
  if (token) {
    const key = tenants.keyWithSecret(token);
    if (key) return key.tenant;
    if (open) return 'default';
    throw new BdaError('AccessDeniedException', 'the API key is not valid');
  }
  if (open) return 'default';
  throw new BdaError(
    'AccessDeniedException',
    'an API key is required (a SigV4-signed request, an x-api-key header or a Bearer token)',
  );
}
