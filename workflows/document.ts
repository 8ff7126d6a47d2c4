import { type ActivityOptions, ActivityCancellationType, patched, proxyActivities } from '@temporalio/workflow';
import type { DocumentActivities } from '../activities/document/document-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { standardOutputAssetsUri } from '../schemas/output-location.ts';
import { inWindow, stoppingAllOnFailure } from './fan-out.ts';
import { budgets, HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { phraseDocumentSummary } from './summaries.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';

/** Every document activity beats while it runs: a dead worker's call is retried HEARTBEAT_TIMEOUT later. */
const options = (startToCloseTimeout: number, maximumAttempts: number) =>
  ({
    taskQueue: TaskQueue.document,
    startToCloseTimeout,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts, nonRetryableErrorTypes },
  }) satisfies ActivityOptions;

/**
 * A page group's activity, its time sized to its pages; a retried group resumes at the page its last heartbeat
 * named. `untilStopped`: a cancelled group is waited for until it has stopped, so the cleanup after it is final.
 */
const pageGroups = (pages: number, untilStopped: boolean) =>
  proxyActivities<DocumentActivities>({
    ...options(budgets.pageGroup(pages), 4),
    ...(untilStopped ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
  });

/**
 * DOCUMENT: probe + limits (+ DOCX → PDF) → page groups in parallel (a sliding window of groups in flight;
 * each group heartbeats per page) → one streamed result.json. Only URIs and small numbers cross the workflow.
 */
export async function documentPipeline(input: PipelineInput): Promise<PipelineResult> {
  // runs started before this patch replay without the cleanup on failure and with fire-and-forget cancels
  const cleansOnFailure = patched('document-clean-work-on-failure');
  // runs started before this patch had the document worker call the model for the summary itself
  const deferSummary = patched('document-summary-on-generative-queue');
  const prepare = proxyActivities<DocumentActivities>(options(budgets.prepareDocument(input.asset.bytes), 3));
  const plan = await prepare.prepareDocument(input);
  const output = proxyActivities<DocumentActivities>(options(budgets.documentOutput(plan.pageCount), 3));
  const assetsUri =
    !input.sync && input.standardOutputConfiguration.document?.outputFormat?.additionalFileFormat.state === 'ENABLED'
      ? standardOutputAssetsUri(input.assetOutputUri)
      : undefined;
  let ocrPages = 0;
  const extract = (track: (p: Promise<unknown>) => void) =>
    inWindow(plan.groups, plan.groupsInFlight, async (g) => {
      const group = pageGroups(g[1] - g[0] + 1, cleansOnFailure);
      const r = group.extractPageGroup({ plan, first: g[0], last: g[1], assetsUri });
      track(r);
      ocrPages += (await r).ocrPages;
    });
  const out = cleansOnFailure
    ? // one group failing stops the others and waits until they have stopped; then no work area is left behind
      await stoppingAllOnFailure(
        async (track) => {
          await extract(track);
          return output.writeDocumentOutput({ input, plan, ...(deferSummary ? { deferSummary } : {}) });
        },
        () => prepare.cleanDocumentWork({ workUri: plan.workUri }),
      )
    : await extract(() => undefined).then(() =>
        output.writeDocumentOutput({ input, plan, ...(deferSummary ? { deferSummary } : {}) }),
      );
  if (out.summarySourceUri)
    await phraseDocumentSummary({ standardOutputUri: out.uri, summarySourceUri: out.summarySourceUri });
  await prepare.cleanDocumentWork({ workUri: plan.workUri });
  return {
    semanticModality: 'DOCUMENT',
    segments: [{ segmentIndex: 0, standardOutputUri: out.uri }],
    stats: { ...out.stats, ocr_pages: ocrPages },
  };
}
