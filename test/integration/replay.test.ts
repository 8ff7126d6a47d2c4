import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { installRuntime } from '../../worker/temporal-runtime.ts';
import { defaultWorkflowsPath } from '../../worker/start.ts';
import { noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import {
  type RecordedHistory,
  recordedHistories,
  recordedPipelineHistories,
  replayDataConverter,
} from '../histories/replay-converter.ts';

/**
 * Determinism guard: histories recorded from real runs (scripts/record-histories.ts, committed under
 * test/histories/) must replay against today's workflow code. A change to jobWorkflow / assetWorkflow /
 * modalitySlots that would break workflows already running in the field fails here; make such changes
 * with patched() (docs/versioning.md). No server needed: replay runs in-process.
 */
installRuntime('ERROR'); // the replay worker would otherwise log its bundling at INFO

const load = (name: RecordedHistory) =>
  JSON.parse(readFileSync(new URL(`../histories/${name}.json`, import.meta.url), 'utf8')) as {
    events: Record<string, unknown>[];
  };
const workflowIds = JSON.parse(
  readFileSync(new URL('../histories/workflow-ids.json', import.meta.url), 'utf8'),
) as Record<RecordedHistory, string>;
const options = () => ({ workflowsPath: noopWorkflowsPath, dataConverter: replayDataConverter() });

describe('replaying recorded workflow histories', () => {
  it('every recorded history replays against the current workflow code', async () => {
    const names = Object.keys(recordedHistories) as RecordedHistory[];
    const results = [];
    for await (const r of Worker.runReplayHistories(
      options(),
      names.map((name) => ({ workflowId: workflowIds[name], history: load(name) })),
    )) {
      results.push({ workflowId: r.workflowId, error: r.error ? String(r.error) : undefined });
    }
    expect(results).toEqual(names.map((name) => ({ workflowId: workflowIds[name], error: undefined })));
  });

  it('every recorded modality pipeline (real activities) replays against the current pipeline code', async () => {
    const names = Object.keys(recordedPipelineHistories) as RecordedHistory[];
    const results = [];
    for await (const r of Worker.runReplayHistories(
      { workflowsPath: defaultWorkflowsPath, dataConverter: replayDataConverter() },
      names.map((name) => ({ workflowId: workflowIds[name], history: load(name) })),
    )) {
      results.push({ workflowId: r.workflowId, error: r.error ? String(r.error) : undefined });
    }
    expect(results).toEqual(names.map((name) => ({ workflowId: workflowIds[name], error: undefined })));
  });

  it('a tampered history (the job scheduled a different first activity) is a DeterminismViolationError', async () => {
    const history = load('jobWorkflow');
    const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes) as {
      activityTaskScheduledEventAttributes: { activityType: { name: string } };
    };
    expect(scheduled.activityTaskScheduledEventAttributes.activityType.name).toBe('listAssets');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'listInputFiles';
    // untampered, the same history replays cleanly
    await Worker.runReplayHistory(options(), load('jobWorkflow'), workflowIds.jobWorkflow);
    const err = await Worker.runReplayHistory(options(), history, workflowIds.jobWorkflow).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeterminismViolationError);
    expect(String((err as Error).message)).toMatch(/Nondeterminism|TMPRL1100/);
  });

  it('the recorded payloads are encrypted: they only decode with the test key', async () => {
    const text = readFileSync(new URL('../histories/jobWorkflow.json', import.meta.url), 'utf8');
    // "binary/encrypted" in base64: every workflow input/result payload went through the codec
    expect(text).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(text).not.toMatch(/\.pdf|file:\/\//);
  });
});
