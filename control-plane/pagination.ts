/** BDA's list pagination: `maxResults` items per page (default 100) and an opaque `nextToken` for the rest. */
import { BdaError } from '../schemas/errors.ts';

export function page<T>(items: T[], maxResults = 100, nextToken?: string): { slice: T[]; nextToken?: string } {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new BdaError('ValidationException', 'invalid nextToken');
  const end = start + maxResults;
  return {
    slice: items.slice(start, end),
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}
