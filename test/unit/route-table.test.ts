import { describe, expect, it } from 'vitest';
import { matchRoute, type Route } from '../../api/route-table.ts';

const routes: Route<string>[] = [
  { method: 'PUT', pattern: '/blueprints', handler: 'create' },
  { method: 'POST', pattern: '/blueprints/{arn}', handler: 'get' },
  { method: 'POST', pattern: '/blueprints/{arn}/versions', handler: 'version' },
];

describe('matchRoute', () => {
  it('matches method and path, decodes labels (an ARN with its slash encoded is one label), ignores trailing slashes', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:blueprint/abc';
    expect(matchRoute(routes, 'PUT', '/blueprints/')).toEqual({ handler: 'create', params: {} });
    expect(matchRoute(routes, 'POST', `/blueprints/${encodeURIComponent(arn)}/`)).toEqual({
      handler: 'get',
      params: { arn },
    });
    expect(matchRoute(routes, 'POST', `/blueprints/${encodeURIComponent(arn)}/versions/`)?.handler).toBe('version');
  });

  it('is null for another method or shape, and refuses broken URL encoding', () => {
    expect(matchRoute(routes, 'GET', '/blueprints')).toBeNull();
    expect(matchRoute(routes, 'POST', '/blueprints/a/b')).toBeNull();
    expect(() => matchRoute(routes, 'POST', '/blueprints/%E0%A4%A')).toThrow(/not valid URL encoding/);
  });
});
