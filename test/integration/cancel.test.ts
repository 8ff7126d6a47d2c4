import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  type GetDataAutomationStatusCommandOutput,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jobWorkflowId } from '../../api/job-id.ts';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import type { ActivityDeps } from '../../activities/deps.ts';
import { TaskQueue, type TaskQueueName } from '../../schemas/modality.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const WINDOW = 3;
let stack: Stack;
let sdk: BedrockDataAutomationRuntimeClient;

beforeAll(async () => {
  stack = await createStack({
    address: inject('temporalAddress'),
    workflowsPath: noopWorkflowsPath,
    activities: slowMediaActivities,
    api: true,
    env: { QUARRY_BATCH_WINDOW: String(WINDOW) },
  });
  sdk = new BedrockDataAutomationRuntimeClient({
    endpoint: stack.api!.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sdk?.destroy();
  await stack?.close();
});

/**
 * The no-op pipeline, but each asset "works" for 90 s (so the job is surely mid-flight when cancelled),
 * and, like the real media activities, the work stops when the activity is cancelled.
 */
function slowMediaActivities(deps: ActivityDeps): Partial<Record<TaskQueueName, object>> {
  const all = noopPipelineActivities()(deps);
  const slow = {
    async processNoop(_input: PipelineInput): Promise<string> {
      const { cancellationSignal } = Context.current();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 90_000);
        cancellationSignal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
      throw new Error('interrupted');
    },
  };
  return { ...all, [TaskQueue.document]: slow, [TaskQueue.image]: slow, [TaskQueue.audio]: slow };
}

/** Visibility is eventually consistent: a count query, retried until it equals what is expected. */
async function countEventually(query: string, expected: number): Promise<number> {
  let n = -1;
  for (let i = 0; i < 50 && n !== expected; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 200));
    n = (await stack.client.workflow.count(query)).count;
  }
  return n;
}

/** How many of the job's running asset workflows are in this phase (their `assetPhase` query). */
async function assetsInPhase(jobWorkflowIdValue: string, phase: string): Promise<number> {
  let n = 0;
  const running = stack.client.workflow.list({
    query: `WorkflowId STARTS_WITH '${jobWorkflowIdValue}/asset-' AND WorkflowType = 'assetWorkflow' AND ExecutionStatus = 'Running'`,
  });
  for await (const w of running) {
    const p = await stack.client.workflow
      .getHandle(w.workflowId)
      .query<string>('assetPhase')
      .catch(() => undefined);
    if (p === phase) n++;
  }
  return n;
}

async function poll(
  invocationArn: string,
  done: (s: GetDataAutomationStatusCommandOutput) => boolean,
): Promise<GetDataAutomationStatusCommandOutput> {
  for (let i = 0; i < 300; i++) {
    const s = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${invocationArn} did not reach the expected state`);
}

describe('cancelling a running batch job', () => {
  it.each([
    // the job is waiting for a free place in its window when cancelled
    { FILES: 12, dir: 'in-12' },
    // every asset has started: the job is only waiting for the last ones to finish
    { FILES: 2, dir: 'in-2' },
  ])(
    '$FILES files: stops in-flight assets, marks them in job_metadata.json, reports ClientError/Cancelled',
    async ({ FILES, dir }) => {
      const RUNNING = Math.min(FILES, WINDOW);
      await writeFiles(
        path.join(stack.root, dir),
        Object.fromEntries(
          Array.from({ length: FILES }, (_, i) => [
            `f${String(i).padStart(2, '0')}.${['pdf', 'png', 'wav'][i % 3]}`,
            [magic.pdf, magic.png, magic.wav][i % 3](),
          ]),
        ),
      );
      const { invocationArn } = await sdk.send(
        new InvokeDataAutomationAsyncCommand({
          inputConfiguration: { s3Uri: `${stack.rootUri}/${dir}` },
          outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
          dataAutomationProfileArn: PROFILE,
        }),
      );
      const jobId = invocationArn!.split('/').pop()!;
      const workflowId = jobWorkflowId(jobId);
      const handle = stack.client.workflow.getHandle(workflowId);

      // wait until the window is full of assets that are inside their (slow) pipeline
      for (let i = 0; ; i++) {
        const processing = await assetsInPhase(workflowId, 'processing');
        if (processing === RUNNING) break;
        if (i > 150) throw new Error(`expected ${RUNNING} assets in their pipeline, saw ${processing}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      const cancelledAt = Date.now();
      await handle.cancel();
      const status = await poll(invocationArn!, (s) => s.status !== 'Created' && s.status !== 'InProgress');
      expect(status.status).toBe('ClientError');
      expect(status.errorType).toBe('Cancelled');
      expect(status.errorMessage).toBe('the job was cancelled');
      // the in-flight assets were stopped, not waited for (each would have taken 90 s; the bound is loose for a busy 2-core box)
      expect(Date.now() - cancelledAt).toBeLessThan(45_000);

      // job_metadata.json lists every asset: the in-flight ones and the never-started ones are Cancelled
      const metaUri = status.outputConfiguration!.s3Uri!;
      expect(metaUri).toBe(`${stack.rootUri}/out/${jobId}/job_metadata.json`);
      const meta = JSON.parse(await fs.readFile(fileURLToPath(metaUri), 'utf8'));
      expect(meta.job_status).toBe('CLIENT_ERROR');
      expect(meta.output_metadata).toHaveLength(FILES);
      const statuses = meta.output_metadata.map((a: { asset_processing_status: string; error_type?: string }) => [
        a.asset_processing_status,
        a.error_type,
      ]);
      expect(statuses).toEqual(Array.from({ length: FILES }, () => ['ClientError', 'Cancelled']));
      // the assets that were in flight have their input path (they had started); the rest were never started
      const started = meta.output_metadata.filter(
        (a: { asset_input_path: { uri: string } }) => a.asset_input_path.uri !== '',
      );
      expect(started.length).toBe(RUNNING);
      for (const a of started) expect(a.semantic_modality).toMatch(/^(DOCUMENT|IMAGE|AUDIO)$/);

      // nothing is left running: every pipeline was cancelled, no asset workflow outlived the job,
      // and no asset beyond the window was ever started
      expect(await countEventually(`WorkflowId STARTS_WITH '${workflowId}' AND ExecutionStatus = 'Running'`, 0)).toBe(
        0,
      );
      expect(
        await countEventually(
          `WorkflowId STARTS_WITH '${workflowId}/asset-' AND WorkflowType = 'assetWorkflow'`,
          RUNNING,
        ),
      ).toBe(RUNNING);
      // each stopped asset wrote its Cancelled record and completed (its pipeline runs in its own history)
      expect(
        await countEventually(
          `WorkflowId STARTS_WITH '${workflowId}/asset-' AND ExecutionStatus = 'Completed'`,
          RUNNING,
        ),
      ).toBe(RUNNING);
      // and the stopped assets gave their concurrency slots back
      for (const m of ['DOCUMENT', 'IMAGE', 'AUDIO']) {
        const slots = await stack.client.workflow.getHandle(`quarry-slots-${m}`).query<{ holders: string[] }>('slots');
        expect(slots.holders).toEqual([]);
      }
    },
  );
});
