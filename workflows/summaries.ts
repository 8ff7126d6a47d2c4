/**
 * The model's summaries, phrased on the generative queue (its slots, its rate limit, the worker that holds the
 * model) after a pipeline has written its standard output with extractive ones. A generative queue that keeps
 * failing leaves the extractive summaries in place, not a failed asset; a cancel still stops the asset.
 */
import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { SummaryActivities } from '../activities/summary/summary-activities.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';
import { TaskQueue } from '../schemas/modality.ts';
import { HEARTBEAT_TIMEOUT } from './activity-budgets.ts';

const summaries = proxyActivities<SummaryActivities>({
  taskQueue: TaskQueue.generative,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { maximumAttempts: 3, nonRetryableErrorTypes },
});

async function leavingExtractive(p: Promise<unknown>): Promise<void> {
  await p.catch((e) => {
    if (isCancellation(e)) throw e;
  });
}

export const phraseDocumentSummary = (args: { standardOutputUri: string; summarySourceUri: string }) =>
  leavingExtractive(summaries.phraseDocumentSummary(args));

export const phraseAudioSummaries = (args: { standardOutputUri: string }) =>
  leavingExtractive(summaries.phraseAudioSummaries(args));

export const phraseImageSummary = (args: { standardOutputUri: string }) =>
  leavingExtractive(summaries.phraseImageSummary(args));

export const phraseVideoSummary = (args: { standardOutputUri: string }) =>
  leavingExtractive(summaries.phraseVideoSummary(args));
