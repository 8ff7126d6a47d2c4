import type { IncomingMessage } from 'node:http';
import { BdaError } from '../schemas/errors.ts';

/**
 * The request's URL, read as a path on this server: `//host/x` (which `new URL(path, base)` takes for another
 * host, and throws on when that host is not valid) is the path `//host/x` here, and a target that is no URL at
 * all is a ValidationException rather than an internal error.
 */
export function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(`http://quarry${target.startsWith('/') ? '' : '/'}${target}`);
  } catch {
    throw new BdaError('ValidationException', `the request target is not a valid path: ${JSON.stringify(target.slice(0, 200))}`);
  }
}
