/**
 * A route table: HTTP method + path pattern → handler. Patterns are literal segments and `{label}`s (one
 * URL-decoded segment each, so an ARN with its `/` encoded fits one label); trailing slashes do not matter.
 */
import { BdaError } from '../schemas/errors.ts';

export interface Route<H> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: string;
  handler: H;
}

const segments = (p: string) => p.split('/').filter(Boolean);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BdaError('ValidationException', `the path segment '${segment}' is not valid URL encoding`);
  }
}

/** The first route for this method and path, with its labels' values; null when none matches. */
export function matchRoute<H>(
  routes: readonly Route<H>[],
  method: string,
  pathname: string,
): { handler: H; params: Record<string, string> } | null {
  const parts = segments(pathname);
  for (const r of routes) {
    const pattern = segments(r.pattern);
    if (r.method !== method || pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((p, i) => {
      const label = /^\{(\w+)\}$/.exec(p)?.[1];
      if (label) params[label] = decode(parts[i]);
      return label !== undefined || p === parts[i];
    });
    if (matches) return { handler: r.handler, params };
  }
  return null;
}
