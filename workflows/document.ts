import {
  type ActivityOptions,
  ActivityCancellationType,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { DocumentActivities } from '../activities/document/document-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { standardOutputAssetsUri } from '../schemas/output-location.ts';
import { inWindow, stoppingAllOnFailure } from './fan-out.ts';

const nonRetryableErrorTypes = ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'];

const prepare = proxyActivities<DocumentActivities>({
  taskQueue: TaskQueue.document,
  startToCloseTimeout: '15 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes },
});
const pagesOptions = {
  taskQueue: TaskQueue.document,
  startToCloseTimeout: '1 hour',
  // a page takes seconds; a silent group is a dead worker: retry it, resuming at the heartbeat's next page
  heartbeatTimeout: '3 minutes',
  retry: { maximumAttempts: 4, nonRetryableErrorTypes },
} satisfies ActivityOptions;
const pages = proxyActivities<DocumentActivities>(pagesOptions);
/** The same, but a cancelled group is waited for until it has stopped, so the cleanup after it is final. */
const pagesUntilStopped = proxyActivities<DocumentActivities>({
  ...pagesOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const output = proxyActivities<DocumentActivities>({
  taskQueue: TaskQueue.document,
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '5 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes },
});

/**
 * DOCUMENT: probe + limits (+ DOCX → PDF) → page groups in parallel (a sliding window of groups in flight;
 * each group heartbeats per page) → one streamed result.json. Only URIs and small numbers cross the workflow.
 */
export async function documentPipeline(input: PipelineInput): Promise<PipelineResult> {
  // runs started before this patch replay without the cleanup on failure and with fire-and-forget cancels
  const cleansOnFailure = patched('document-clean-work-on-failure');
  const groups = cleansOnFailure ? pagesUntilStopped : pages;
  const plan = await prepare.prepareDocument(input);
  const assetsUri =
    !input.sync && input.standardOutputConfiguration.document?.outputFormat?.additionalFileFormat.state === 'ENABLED'
      ? standardOutputAssetsUri(input.assetOutputUri)
      : undefined;
  let ocrPages = 0;
  const extract = (track: (p: Promise<unknown>) => void) =>
    inWindow(plan.groups, plan.groupsInFlight, async (g) => {
      const r = groups.extractPageGroup({ plan, first: g[0], last: g[1], assetsUri });
      track(r);
      ocrPages += (await r).ocrPages;
    });
  const out = cleansOnFailure
    ? // one group failing stops the others and waits until they have stopped; then no work area is left behind
      await stoppingAllOnFailure(
        async (track) => {
          await extract(track);
          return output.writeDocumentOutput({ input, plan });
        },
        () => prepare.cleanDocumentWork({ workUri: plan.workUri }),
      )
    : await extract(() => undefined).then(() => output.writeDocumentOutput({ input, plan }));
  await prepare.cleanDocumentWork({ workUri: plan.workUri });
  return {
    semanticModality: 'DOCUMENT',
    segments: [{ segmentIndex: 0, standardOutputUri: out.uri }],
    stats: { ...out.stats, ocr_pages: ocrPages },
  };
}
