import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  type ChildWorkflowHandle,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobActivities } from '../activities/job/job-activities.ts';
import type { NotifyActivities } from '../activities/notify/notify-activities.ts';
import { buildJobEvent } from '../schemas/job-event.ts';
import { type JobStatus, nonRetryableErrorTypes } from '../schemas/job-status.ts';
import type { AssetOutcome, JobInput, JobProgress, JobResult } from '../schemas/job.ts';
import { TaskQueue } from '../schemas/modality.ts';
import { QuarryModality, QuarryStatus } from '../schemas/search-attributes.ts';
import { type AssetInput, assetWorkflow } from './asset.ts';
import { HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { classifyFailure } from './failure-info.ts';
import { assetStartedSignal } from './signals.ts';
import { jobMetadataUri, jobOutputUri as jobOutputUriOf, manifestUri } from '../schemas/output-location.ts';

export const jobProgressQuery = defineQuery<JobProgress>('progress');

const job = proxyActivities<JobActivities>({
  taskQueue: TaskQueue.orchestration,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
});
const notify = proxyActivities<NotifyActivities>({
  taskQueue: TaskQueue.orchestration,
  startToCloseTimeout: '30 seconds',
  // delivered durably: a receiver that is down for hours still gets the event
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 40 },
});

/** Carried across continue-as-new: where the batch is, and counts only (never the asset list). */
export interface JobState {
  manifestUri: string;
  total: number;
  offset: number;
  finished: number;
  failed: number;
  clientErrors: number;
  started: boolean;
  firstError?: { type: string; message: string; assetIndex: number };
}

const PAGE = 500;

/**
 * One invocation: list the input (a file or a prefix), run one asset child per file through a bounded
 * sliding window, continue-as-new between pages of a large batch, then write `job_metadata.json`, set
 * the final BDA status and send the notification.
 */
export async function jobWorkflow(input: JobInput, carried?: JobState): Promise<JobResult> {
  const jobOutputUri = jobOutputUriOf(input.outputUri, input.jobId);
  let status: JobStatus = carried?.started ? 'InProgress' : 'Created';
  const state: JobState = carried ?? {
    manifestUri: manifestUri(jobOutputUri),
    total: -1,
    offset: 0,
    finished: 0,
    failed: 0,
    clientErrors: 0,
    started: false,
  };
  const running = new Map<number, string>();
  let error: { type: string; message: string } | undefined;

  const setStatus = (s: JobStatus) => {
    if (s === status) return;
    status = s;
    upsertSearchAttributes([{ key: QuarryStatus, value: s }]);
  };
  setHandler(jobProgressQuery, () => ({
    status,
    totalAssets: state.total < 0 ? null : state.total,
    finishedAssets: state.finished,
    failedAssets: state.failed,
    runningAssets: [...running].map(([assetIndex, uri]) => ({ assetIndex, uri, phase: 'running' })),
    errorType: error?.type,
    errorMessage: error?.message,
  }));
  setHandler(assetStartedSignal, () => {
    state.started = true;
    if (status === 'Created') setStatus('InProgress');
  });

  const record = (o: AssetOutcome) => {
    state.finished++;
    if (o.status !== 'Success') {
      state.failed++;
      if (o.status === 'ClientError') state.clientErrors++;
      state.firstError ??= { type: o.errorType ?? o.status, message: o.errorMessage ?? '', assetIndex: o.assetIndex };
    }
  };

  let cancelled = false;
  const inFlight = new Set<Promise<void>>();
  try {
    if (state.total < 0) {
      const { count } = await job.listAssets({ inputUri: input.inputUri, manifestUri: state.manifestUri });
      state.total = count;
    }
    const { inputUri: _omit, ...jobForAssets } = input;
    while (state.offset < state.total) {
      const page = await job.readManifestPage({ manifestUri: state.manifestUri, offset: state.offset, limit: PAGE });
      for (const entry of page) {
        await condition(() => inFlight.size < input.batchWindow);
        const assetInput: AssetInput = {
          job: jobForAssets,
          jobOutputUri,
          assetIndex: entry.index,
          assetUri: entry.uri,
          announceStart: !state.started,
        };
        const handle: ChildWorkflowHandle<typeof assetWorkflow> = await startChild(assetWorkflow, {
          args: [assetInput],
          workflowId: `${workflowInfo().workflowId}/asset-${entry.index}`,
          taskQueue: TaskQueue.orchestration,
        });
        running.set(entry.index, entry.uri);
        const p: Promise<void> = handle.result().then((o) => {
          record(o);
          running.delete(entry.index);
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
      await Promise.all(inFlight);
      // cancelled while only waiting for children: they stopped (and reported Cancelled); so does the job
      if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('the job was cancelled');
      state.offset += page.length;
      if (state.offset < state.total && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 8000)) {
        await continueAsNew<typeof jobWorkflow>(input, state);
      }
    }
    if (state.failed === 0) setStatus('Success');
    else if (state.failed < state.total) {
      setStatus('Success');
      error = {
        type: 'PartialFailure',
        message: `${state.failed} of ${state.total} assets failed; first: asset ${state.firstError?.assetIndex} ${state.firstError?.type}: ${state.firstError?.message}`,
      };
    } else {
      setStatus(state.clientErrors > 0 ? 'ClientError' : 'ServiceError');
      error = state.total === 1 && state.firstError
        ? { type: state.firstError.type, message: state.firstError.message }
        : { type: state.firstError?.type ?? 'Failed', message: `all ${state.total} assets failed; first: ${state.firstError?.message}` };
    }
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err; // not a failure: the next page runs in a fresh run
    if (isCancellation(err)) {
      cancelled = true;
      // the running assets were asked to cancel with the job: wait until each has stopped and written its record
      await Promise.allSettled([...inFlight]);
      setStatus('ClientError');
      error = { type: 'Cancelled', message: 'the job was cancelled' };
    } else {
      const f = classifyFailure(err);
      setStatus(f.status);
      error = { type: f.errorType, message: f.errorMessage };
    }
  }

  return await CancellationScope.nonCancellable(async () => {
    const meta =
      state.total > 0
        ? await job.writeJobMetadata({ jobId: input.jobId, jobOutputUri, totalAssets: state.total, status })
        : { uri: jobMetadataUri(jobOutputUri), modality: null };
    if (meta.modality) upsertSearchAttributes([{ key: QuarryModality, value: meta.modality }]);
    if (input.notify && input.webhookUrls.length > 0) {
      const event = buildJobEvent({
        jobId: input.jobId,
        status: status as 'Success' | 'ClientError' | 'ServiceError',
        modality: meta.modality,
        inputUri: input.inputUri,
        outputUri: jobOutputUri,
        invocationArn: input.invocationArn,
        submittedAt: input.submittedAt,
        completedAt: new Date().toISOString(),
        errorType: error?.type,
        errorMessage: error?.message,
      });
      await notify.sendJobEvent({ event, urls: input.webhookUrls });
    }
    const result: JobResult = {
      status,
      errorType: error?.type,
      errorMessage: error?.message,
      jobMetadataUri: meta.uri,
      totalAssets: Math.max(state.total, 0),
      failedAssets: state.failed,
      semanticModality: meta.modality === 'MIXED' ? null : meta.modality,
    };
    if (cancelled) throw ApplicationFailure.create({ type: 'Cancelled', message: 'job cancelled', details: [result] });
    return result;
  });
}
