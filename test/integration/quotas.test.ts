import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const stacks: Stack[] = [];
afterAll(async () => {
  for (const s of stacks) await s.close();
});

async function invoke(stack: Stack, body: Record<string, unknown>) {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync' },
    body: JSON.stringify({ dataAutomationProfileArn: PROFILE, outputConfiguration: { s3Uri: `${stack.rootUri}/out` }, ...body }),
  });
  return { status: res.status, body: (await res.json()) as { invocationArn?: string; __type?: string; message?: string } };
}
async function status(stack: Stack, invocationArn: string) {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.GetDataAutomationStatus' },
    body: JSON.stringify({ invocationArn }),
  });
  return (await res.json()) as { status: string };
}
async function waitAll(stack: Stack, arns: string[]) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const s = await Promise.all(arns.map((a) => status(stack, a)));
    if (s.every((x) => x.status === 'Success')) return;
    if (s.some((x) => x.status.endsWith('Error'))) throw new Error(JSON.stringify(s));
    if (Date.now() > deadline) throw new Error(`not finished: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('per-tenant invoke rate (BDA: 10 TPS)', () => {
  it('200 invokes in 2 s: at most ~10/s accepted, the rest 429; every accepted job finishes once', async () => {
    const stack = await createStack({ address: inject('temporalAddress'), workflowsPath: noopWorkflowsPath, activities: noopPipelineActivities(), api: true });
    stacks.push(stack);
    await writeFiles(path.join(stack.root, 'in'), { 'a.png': magic.png() });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 10)); // spread over 2 s
        return invoke(stack, { inputConfiguration: { s3Uri: `${stack.rootUri}/in/a.png` }, clientToken: `burst-${i}` });
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const accepted = results.filter((r) => r.status === 200);
    const throttled = results.filter((r) => r.status === 429);
    expect(accepted.length + throttled.length).toBe(200);
    // bucket: 10 at once + 10/s refill over the elapsed time
    expect(accepted.length).toBeLessThanOrEqual(10 + Math.ceil(10 * elapsedS) + 1);
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    expect(throttled[0].body.__type).toBe('ThrottlingException');
    const arns = accepted.map((r) => r.body.invocationArn!);
    await waitAll(stack, arns);
    const count = await stack.client.workflow.count(`WorkflowType = 'jobWorkflow'`);
    expect(count.count).toBe(accepted.length);
    // a token that was accepted, repeated: same ARN, no new job
    const firstToken = results.findIndex((r) => r.status === 200);
    await new Promise((r) => setTimeout(r, 1100));
    const again = await invoke(stack, { inputConfiguration: { s3Uri: `${stack.rootUri}/in/a.png` }, clientToken: `burst-${firstToken}` });
    expect(again.body.invocationArn).toBe(arns[0]);
    expect((await stack.client.workflow.count(`WorkflowType = 'jobWorkflow'`)).count).toBe(accepted.length);
  });
});

describe('concurrent jobs per modality and the waiting cap', () => {
  it('jobs beyond the modality limit wait in Created, start when a slot frees; too many waiting → 402', async () => {
    const stack = await createStack({
      address: inject('temporalAddress'),
      workflowsPath: noopWorkflowsPath,
      // long enough that a slow machine still sees job 1 running while jobs 2 and 3 arrive
      activities: noopPipelineActivities({ delayMs: 5000 }),
      api: true,
      env: { QUARRY_MAX_CONCURRENT_DOCUMENT: '1', QUARRY_MAX_WAITING_JOBS: '1' },
    });
    stacks.push(stack);
    await writeFiles(path.join(stack.root, 'in'), { 'a.pdf': magic.pdf(), 'b.pdf': magic.pdf(), 'c.pdf': magic.pdf() });
    const first = await invoke(stack, { inputConfiguration: { s3Uri: `${stack.rootUri}/in/a.pdf` } });
    for (let i = 0; i < 100 && (await status(stack, first.body.invocationArn!)).status !== 'InProgress'; i++) await new Promise((r) => setTimeout(r, 100));
    const second = await invoke(stack, { inputConfiguration: { s3Uri: `${stack.rootUri}/in/b.pdf` } });
    expect(second.status).toBe(200);
    await new Promise((r) => setTimeout(r, 700));
    expect((await status(stack, first.body.invocationArn!)).status).toBe('InProgress');
    expect((await status(stack, second.body.invocationArn!)).status).toBe('Created');
    const third = await invoke(stack, { inputConfiguration: { s3Uri: `${stack.rootUri}/in/c.pdf` } });
    expect(third.status).toBe(402);
    expect(third.body.__type).toBe('ServiceQuotaExceededException');
    await waitAll(stack, [first.body.invocationArn!, second.body.invocationArn!]);
  });
});
