/**
 * One sync of a knowledge base: plan (new or changed files by sha256, deleted ones), run each new or changed
 * file through the asset pipeline (the job's own child workflow, a bounded window at a time), feed its
 * standard output into the sink, remove the chunks of deleted files, record the sync. A rerun with nothing
 * changed plans nothing; a file that failed is not recorded, so the next sync tries it again.
 */
import { type ChildWorkflowHandle, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { KnowledgeBaseActivities } from '../activities/knowledge-base/knowledge-base-activities.ts';
import type { KnowledgeBaseSyncInput, KnowledgeBaseSyncResult, SourceFile } from '../schemas/knowledge-base.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';
import { TaskQueue } from '../schemas/modality.ts';
import { joinUri } from '../schemas/output-location.ts';
import { HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { assetWorkflow } from './asset.ts';

const kb = proxyActivities<KnowledgeBaseActivities>({
  taskQueue: TaskQueue.knowledge,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes },
});

export async function knowledgeBaseSync(input: KnowledgeBaseSyncInput): Promise<KnowledgeBaseSyncResult> {
  const plan = await kb.planKnowledgeBaseSync({ kb: input.kb });
  const jobOutputUri = joinUri(input.job.outputUri, input.job.jobId);
  const result: KnowledgeBaseSyncResult = {
    kb: input.kb.name,
    new_or_changed: plan.changed.length,
    unchanged: plan.unchanged,
    deleted: plan.deleted.length,
    chunks_added: 0,
    chunks_removed: 0,
    chunks_kept: 0,
    failed: [],
  };

  const feed = async (source: SourceFile, assetIndex: number) => {
    const child: ChildWorkflowHandle<typeof assetWorkflow> = await startChild(assetWorkflow, {
      args: [{ job: input.job, jobOutputUri, assetIndex, assetUri: source.uri, announceStart: false }],
      workflowId: `${workflowInfo().workflowId}/asset-${assetIndex}`,
      taskQueue: TaskQueue.orchestration,
    });
    const outcome = await child.result();
    if (outcome.status !== 'Success') {
      result.failed.push({ uri: source.uri, error: `${outcome.errorType ?? outcome.status}: ${outcome.errorMessage ?? ''}` });
      return;
    }
    const r = await kb.feedKnowledgeBaseAsset({
      kb: input.kb,
      source,
      jobId: input.job.jobId,
      assetId: String(assetIndex),
      standardOutputUris: outcome.segments.map((s) => s.standardOutputUri),
      customOutputUris: outcome.segments.flatMap((s) => (s.customOutputUri ? [s.customOutputUri] : [])),
    });
    result.chunks_added += r.added;
    result.chunks_removed += r.removed;
    result.chunks_kept += r.kept;
  };

  // a sliding window over the changed files
  let next = 0;
  const lane = async () => {
    while (next < plan.changed.length) {
      const i = next++;
      await feed(plan.changed[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.window, plan.changed.length) }, lane));

  if (plan.deleted.length) result.chunks_removed += await kb.removeKnowledgeBaseSources({ kb: input.kb, uris: plan.deleted });
  await kb.recordKnowledgeBaseSync({ kb: input.kb, runId: workflowInfo().runId, failed: result.failed.length });
  return result;
}
