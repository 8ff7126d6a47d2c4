/**
 * Load from several tenants at once (#10 point 5): 1,000 submissions in a few seconds from three tenants, one
 * of them sending 800 as fast as it can. Each answer is an acceptance or BDA's 429/402; every accepted job
 * runs exactly once; the loud tenant's burst does not starve the quiet ones (each has its own token bucket).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const KEYS = { 'tenant-a': 'AKIDBURSTA', 'tenant-b': 'AKIDBURSTB', 'tenant-c': 'AKIDBURSTC' } as const;
type Tenant = keyof typeof KEYS;
let stack: Stack;

beforeAll(async () => {
  stack = await createStack({
    address: inject('temporalAddress'),
    workflowsPath: noopWorkflowsPath,
    activities: noopPipelineActivities(),
    api: true,
    env: { QUARRY_API_KEYS: Object.entries(KEYS).map(([t, k]) => `${k}:${t}`).join(',') },
  });
  await writeFiles(path.join(stack.root, 'in'), { 'a.png': magic.png() });
});
afterAll(async () => {
  await stack?.close();
});

interface Answer {
  tenant: Tenant;
  token: string;
  status: number;
  type?: string;
  invocationArn?: string;
}

async function call(tenant: Tenant, target: string, body: Record<string, unknown>) {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}`,
      'x-api-key': KEYS[tenant],
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { invocationArn?: string; __type?: string; status?: string; outputConfiguration?: { s3Uri: string } } };
}

async function submit(tenant: Tenant, token: string): Promise<Answer> {
  const r = await call(tenant, 'InvokeDataAutomationAsync', {
    inputConfiguration: { s3Uri: `${stack.rootUri}/in/a.png` },
    outputConfiguration: { s3Uri: `${stack.rootUri}/out/${tenant}` },
    dataAutomationProfileArn: PROFILE,
    clientToken: token,
  });
  return { tenant, token, status: r.status, type: r.body.__type, invocationArn: r.body.invocationArn };
}

/** `n` submissions, `concurrency` at a time, as fast as the API answers (or one every `gapMs`). */
async function sender(tenant: Tenant, n: number, opts: { concurrency: number; gapMs?: number }): Promise<Answer[]> {
  const out: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < n) {
        const i = next++;
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
        out.push(await submit(tenant, `${tenant}-${i}`));
      }
    }),
  );
  return out;
}

describe('a 1,000-submission burst from three tenants', () => {
  it('accepts or answers 429/402, runs each accepted job once, and the loud tenant does not starve the others', async () => {
    const started = Date.now();
    const [a, b, c] = await Promise.all([
      sender('tenant-a', 800, { concurrency: 40 }),
      sender('tenant-b', 100, { concurrency: 1, gapMs: 40 }),
      sender('tenant-c', 100, { concurrency: 1, gapMs: 40 }),
    ]);
    const elapsedS = (Date.now() - started) / 1000;
    const all = [...a, ...b, ...c];
    expect(all).toHaveLength(1_000);
    const unexpected = all.filter((x) => ![200, 429, 402].includes(x.status));
    expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([]);
    for (const x of all.filter((y) => y.status === 429)) expect(x.type).toBe('ThrottlingException');
    for (const x of all.filter((y) => y.status === 402)) expect(x.type).toBe('ServiceQuotaExceededException');

    const accepted = (xs: Answer[]) => xs.filter((x) => x.status === 200);
    const rate = stack.config.quotas.invokeTps;
    const ceiling = rate + Math.ceil(rate * elapsedS) + 1; // a full bucket, then its refill over the burst
    console.log(
      `burst: ${elapsedS.toFixed(1)} s; accepted A ${accepted(a).length}/800, B ${accepted(b).length}/100, C ${accepted(c).length}/100; 429 ${all.filter((x) => x.status === 429).length}, 402 ${all.filter((x) => x.status === 402).length}`,
    );
    for (const xs of [a, b, c]) expect(accepted(xs).length).toBeLessThanOrEqual(ceiling);
    // the quiet tenants got what their own bucket allows while A was throttled hard: at least half of it
    const quietShare = Math.min(100, rate + rate * ((100 * 40) / 1000));
    for (const xs of [b, c]) expect(accepted(xs).length).toBeGreaterThanOrEqual(Math.floor(quietShare / 2));

    // every accepted submission is one job, distinct, and finishes with its outputs written once
    const arns = all.filter((x) => x.status === 200).map((x) => x.invocationArn!);
    expect(new Set(arns).size).toBe(arns.length);
    const deadline = Date.now() + 240_000;
    const pending = new Map(all.filter((x) => x.status === 200).map((x) => [x.invocationArn!, x.tenant]));
    while (pending.size) {
      const round = [...pending].slice(0, 50);
      await Promise.all(
        round.map(async ([arn, tenant]) => {
          const s = await call(tenant, 'GetDataAutomationStatus', { invocationArn: arn });
          if (s.body.status === 'Success') {
            pending.delete(arn);
            const meta = JSON.parse(await fs.readFile(fileURLToPath(s.body.outputConfiguration!.s3Uri), 'utf8'));
            expect(meta.output_metadata).toHaveLength(1);
          } else expect(['Created', 'InProgress']).toContain(s.body.status);
        }),
      );
      if (Date.now() > deadline) throw new Error(`${pending.size} accepted jobs did not finish`);
      if (pending.size) await new Promise((r) => setTimeout(r, 500));
    }
    expect((await stack.client.workflow.count(`WorkflowType = 'jobWorkflow'`)).count).toBe(arns.length);
    // and a throttled client's retry of an accepted token is the same job, not a second one
    const first = accepted(b)[0];
    const again = await submit('tenant-b', first.token);
    if (again.status === 200) expect(again.invocationArn).toBe(first.invocationArn);
    expect((await stack.client.workflow.count(`WorkflowType = 'jobWorkflow'`)).count).toBe(arns.length);
  });
});
