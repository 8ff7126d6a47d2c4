/**
 * Fuzz properties (fast-check) for what parses untrusted input: the blueprint schema parser and Quarry's HTTP
 * API (BDA's runtime targets, the control-plane paths, Quarry's own routes). Shared by the short runs in
 * `npm test` (test/unit/fuzz-blueprint-parser.test.ts, test/integration/fuzz-api.test.ts) and the long ones in
 * `npm run soak` (scripts/soak.ts), which differ only in their budget.
 */
import fc from 'fast-check';
import { CATALOG } from '../../blueprints/catalog.ts';
import { BlueprintSchemaError, parseBlueprint } from '../../blueprints/dialect.ts';

export interface Budget {
  /** stop after this many cases … */
  numRuns: number;
  /** … or after this long (ms), whichever comes first */
  timeLimitMs?: number;
  seed?: number;
}

const params = (b: Budget) => ({
  numRuns: b.numRuns,
  ...(b.timeLimitMs ? { interruptAfterTimeLimit: b.timeLimitMs, markInterruptAsFailure: false } : {}),
  ...(b.seed !== undefined ? { seed: b.seed } : {}),
});

/** A JSON value with a random subtree replaced, a key removed or a value wrapped: a near-miss of a valid input. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...p, i]);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(base, []);
  const hostileValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('', '__proto__', 'constructor', '../../etc/passwd', '\u0000', 'x'.repeat(100_000), -1, 1e308, NaN),
    fc.constant({ __proto__: { polluted: true } }),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  );
  return fc.tuple(fc.constantFrom(...paths), fc.constantFrom('replace', 'delete', 'wrap'), hostileValue).map(([p, how, value]) => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    if (p.length === 0) return how === 'wrap' ? [copy] : value;
    let parent: Record<string | number, unknown> = copy;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const key = p[p.length - 1];
    if (how === 'delete') delete parent[key];
    else if (how === 'wrap') parent[key] = { value: parent[key] };
    else parent[key] = value;
    return copy;
  });
}

const catalogSchemas = CATALOG.map((e) => e.schema as unknown);

/**
 * The blueprint parser on arbitrary text, arbitrary JSON and near-misses of the catalog's schemas: it returns a
 * blueprint or throws a BlueprintSchemaError (BDA's ValidationException with a pointer and a reason), never another
 * error, and never pollutes Object.prototype.
 */
export function checkBlueprintParser(b: Budget): fc.RunDetails<[unknown]> {
  const input = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.json({ maxDepth: 6 }),
    fc.jsonValue({ maxDepth: 6 }),
    fc.constantFrom(...catalogSchemas).chain(mutated),
    fc.constantFrom(...catalogSchemas).chain(mutated).chain(mutated),
  );
  return fc.check(
    fc.property(input, (schema) => {
      try {
        parseBlueprint(schema as string | Record<string, unknown>, { modality: 'DOCUMENT' });
      } catch (e) {
        if (!(e instanceof BlueprintSchemaError)) throw new Error(`not a BlueprintSchemaError: ${String(e)}`);
        if (!e.message || !e.reason) throw new Error('a BlueprintSchemaError without a reason');
      }
      if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
    }),
    params(b),
  ) as fc.RunDetails<[unknown]>;
}

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const TARGETS = ['InvokeDataAutomationAsync', 'GetDataAutomationStatus', 'InvokeDataAutomation'];

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** Requests a hostile client could send: near-misses of valid BDA bodies, arbitrary JSON and bytes, odd paths. */
export function hostileRequests(rootUri: string): fc.Arbitrary<FuzzRequest> {
  const invoke = {
    inputConfiguration: { s3Uri: `${rootUri}/no-such-input.pdf` },
    outputConfiguration: { s3Uri: `${rootUri}/fuzz-out` },
    dataAutomationProfileArn: PROFILE,
  };
  const status = {
    invocationArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-invocation/00000000-0000-0000-0000-000000000000',
  };
  const blueprint = { blueprintName: 'fuzz', type: 'DOCUMENT', schema: JSON.stringify(CATALOG[0].schema) };
  const project = { projectName: 'fuzz', standardOutputConfiguration: {}, customOutputConfiguration: { blueprints: [] } };
  const bodies = fc.oneof(
    mutated(invoke).map((v) => JSON.stringify(v) ?? ''),
    mutated(status).map((v) => JSON.stringify(v) ?? ''),
    mutated(blueprint).map((v) => JSON.stringify(v) ?? ''),
    mutated(project).map((v) => JSON.stringify(v) ?? ''),
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 500 }),
    fc.uint8Array({ maxLength: 500 }),
    fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":'.repeat(2000), `[${'['.repeat(5000)}`),
  );
  const segment = fc.oneof(
    fc.constantFrom('blueprints', 'data-automation-projects', 'jobs', 'outputs', 'health', 'metrics', 'versions', 'copy-stage'),
    fc.constantFrom('..', '.', '%2e%2e', '%00', '%', '%zz', '%c0%af', 'x'.repeat(5000), encodeURIComponent('arn:aws:bedrock:us-east-1:000000000000:blueprint/x')),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
  );
  const path = fc.oneof(
    { arbitrary: fc.constant('/'), weight: 4 },
    { arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`), weight: 3 },
    fc.constantFrom('/outputs?uri=file:///etc/passwd', '/outputs?uri=http://169.254.169.254/', '/jobs?maxResults=-1', '/jobs?nextToken=%00'),
  );
  const target = fc.oneof(
    fc.constantFrom(...TARGETS).map((t) => `AmazonBedrockKeystoneRuntimeService.${t}`),
    fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  );
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path,
    headers: fc.record(
      {
        'content-type': fc.constantFrom('application/x-amz-json-1.1', 'application/json', 'text/plain', 'multipart/form-data'),
        'x-amz-target': target,
      },
      { requiredKeys: [] },
    ),
    body: bodies,
  });
}

export interface ApiFuzzOutcome {
  details: fc.RunDetails<[FuzzRequest]>;
  statuses: Map<number, number>;
}

/**
 * Quarry's HTTP API under hostile requests: every answer is a 2xx or a 4xx whose JSON body names the error and
 * says what was wrong — never a 5xx (an unexpected exception), a dropped connection or a hang.
 */
export async function checkApi(url: string, rootUri: string, b: Budget, headers: Record<string, string> = {}): Promise<ApiFuzzOutcome> {
  const statuses = new Map<number, number>();
  const details = (await fc.check(
    fc.asyncProperty(hostileRequests(rootUri), async (r) => {
      const res = await fetch(`${url}${r.path}`, {
        method: r.method,
        headers: { ...r.headers, ...headers },
        body: r.method === 'GET' || r.method === 'OPTIONS' ? undefined : r.body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`${r.method} ${r.path.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`);
      if (res.status >= 400) {
        const json = JSON.parse(text) as { message?: string; Message?: string; __type?: string };
        const message = json.message ?? json.Message;
        if (!message) throw new Error(`${res.status} without a message: ${text.slice(0, 300)}`);
      }
    }),
    params(b),
  )) as fc.RunDetails<[FuzzRequest]>;
  return { details, statuses };
}
