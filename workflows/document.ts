import {
  type ActivityOptions,
  ActivityCancellationType,
  CancellationScope,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { DocumentActivities } from '../activities/document/document-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { standardOutputAssetsUri } from '../schemas/output-location.ts';

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
  const queue = [...plan.groups];
  const lane = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const r = await groups.extractPageGroup({ plan, first: g[0], last: g[1], assetsUri });
      ocrPages += r.ocrPages;
    }
  };
  let out: Awaited<ReturnType<DocumentActivities['writeDocumentOutput']>>;
  const lanes = () => Array.from({ length: Math.min(plan.groupsInFlight, plan.groups.length) }, lane);
  try {
    if (cleansOnFailure) {
      // one group failing stops the others, and waits until they have stopped, before the cleanup below
      const scope = new CancellationScope();
      await scope.run(async () => {
        const running = lanes();
        try {
          await Promise.all(running);
        } catch (err) {
          scope.cancel();
          await Promise.allSettled(running);
          throw err;
        }
      });
    } else await Promise.all(lanes());
    out = await output.writeDocumentOutput({ input, plan });
  } catch (err) {
    // a failed or cancelled document leaves no work area (page JSONs, converted DOCX) in the output location
    if (cleansOnFailure) {
      await CancellationScope.nonCancellable(() =>
        prepare.cleanDocumentWork({ workUri: plan.workUri }).catch(() => undefined),
      );
    }
    throw err;
  }
  await prepare.cleanDocumentWork({ workUri: plan.workUri });
  return {
    semanticModality: 'DOCUMENT',
    segments: [{ segmentIndex: 0, standardOutputUri: out.uri }],
    stats: { ...out.stats, ocr_pages: ocrPages },
  };
}
