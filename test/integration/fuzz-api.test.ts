import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { checkApi } from '../fuzz/properties.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

let stack: Stack;
/** the whole API as `quarry api` serves it: runtime, control plane and Quarry's own routes */
let api: RunningApi;
beforeAll(async () => {
  stack = await createStack({ address: inject('temporalAddress'), workers: false });
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
});
afterAll(async () => {
  await api?.close();
  await stack?.close();
});

describe('the HTTP API under fuzzing (fast-check; the 10-minute run is npm run soak)', () => {
  it('answers 1,500 hostile requests with a 2xx or a 4xx that says what was wrong — never a 5xx — and keeps serving', async () => {
    const { details, statuses } = await checkApi(api.url, stack.rootUri, { numRuns: 1_500, timeLimitMs: 120_000 });
    expect(details.failed, details.failed ? fc.defaultReportMessage(details) : '').toBe(false);
    expect(details.numRuns).toBeGreaterThan(200);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(200);
  });

  it('refuses bodies nested thousands of levels deep with a ValidationException', async () => {
    const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    for (const [target, body] of [
      ['InvokeDataAutomationAsync', `{"inputConfiguration":${deep(50_000)}}`],
      ['GetDataAutomationStatus', `{"invocationArn":${`[`.repeat(50_000)}${']'.repeat(50_000)}}`],
    ]) {
      const res = await fetch(`${api.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}` },
        body,
      });
      expect(res.status, await res.clone().text()).toBe(400);
      expect(((await res.json()) as { __type: string }).__type).toBe('ValidationException');
    }
    const res = await fetch(`${api.url}/blueprints`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: `{"blueprintName":"deep","type":"DOCUMENT","schema":${JSON.stringify(deep(20_000))}}`,
    });
    expect(res.status, await res.clone().text()).toBe(400);
  });
});
