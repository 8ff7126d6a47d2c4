import {
  type ActivityOptions,
  ActivityCancellationType,
  CancellationScope,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { DocumentActivities } from '../activities/document/index.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { budgets, HEARTBEAT_TIMEOUT } from './activity-budgets.ts';

const nonRetryableErrorTypes = ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'];

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
  const prepare = proxyActivities<DocumentActivities>(options(budgets.prepareDocument(input.asset.bytes), 3));
  const plan = await prepare.prepareDocument(input);
  const output = proxyActivities<DocumentActivities>(options(budgets.documentOutput(plan.pageCount), 3));
  const assetsUri =
    !input.sync && input.standardOutputConfiguration.document?.outputFormat?.additionalFileFormat.state === 'ENABLED'
      ? `${input.assetOutputUri.replace(/\/+$/, '')}/standard_output/0/assets`
      : undefined;
  let ocrPages = 0;
  const queue = [...plan.groups];
  const lane = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const group = pageGroups(g[1] - g[0] + 1, cleansOnFailure);
      const r = await group.extractPageGroup({ plan, first: g[0], last: g[1], assetsUri });
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
