/**
 * `npm run soak [-- --minutes=10]`: the long fuzz runs (fast-check) that `npm test` runs briefly — the blueprint
 * parser for half the time, the whole HTTP API (runtime, control plane, Quarry's routes, on a real Temporal dev
 * server) for the other half. Prints how many cases ran, what the API answered, and the first failure with its
 * seed and shrunk counterexample; exits 1 on a failure.
 */
import fc from 'fast-check';
import { handleControlPlane } from '../api/control-plane-routes.ts';
import { startApi } from '../api/server.ts';
import { checkApi, checkBlueprintParser } from '../test/fuzz/properties.ts';
import { createStack } from '../test/helpers/stack.ts';
import { startDevServer } from '../test/helpers/temporal-server.ts';
import { installRuntime } from '../worker/temporal-runtime.ts';

const arg = process.argv.find((a) => a.startsWith('--minutes='))?.slice('--minutes='.length);
const minutes = Number(arg ?? 10);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number (got ${arg})`);
const half = (minutes * 60_000) / 2;

installRuntime('ERROR');
let failed = false;
const t0 = Date.now();
const parser = checkBlueprintParser({ numRuns: Number.MAX_SAFE_INTEGER, timeLimitMs: half });
console.log(`blueprint parser: ${parser.numRuns.toLocaleString('en-US')} schemas in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${parser.failed ? 'FAILED' : 'no failure'}`);
if (parser.failed) {
  failed = true;
  console.log(fc.defaultReportMessage(parser));
}

const env = await startDevServer();
const stack = await createStack({ address: env.address, workers: false });
const api = await startApi(
  { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
  { host: '127.0.0.1', port: 0 },
);
try {
  const t1 = Date.now();
  const { details, statuses } = await checkApi(api.url, stack.rootUri, { numRuns: Number.MAX_SAFE_INTEGER, timeLimitMs: half });
  const answered = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n.toLocaleString('en-US')}`).join(', ');
  console.log(`HTTP API: ${details.numRuns.toLocaleString('en-US')} requests in ${((Date.now() - t1) / 1000).toFixed(0)} s (${answered}), ${details.failed ? 'FAILED' : 'no failure'}`);
  if (details.failed) {
    failed = true;
    console.log(fc.defaultReportMessage(details));
  }
  const health = await fetch(`${api.url}/health`);
  console.log(`still serving afterwards: GET /health → ${health.status}`);
  if (health.status !== 200) failed = true;
} finally {
  await api.close();
  await stack.close();
  await env.teardown();
}
process.exit(failed ? 1 : 0);
