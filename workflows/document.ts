import { proxyActivities } from '@temporalio/workflow';
import type { DocumentActivities } from '../activities/document/index.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';

const nonRetryableErrorTypes = ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'];

const prepare = proxyActivities<DocumentActivities>({
  taskQueue: TaskQueue.document,
  startToCloseTimeout: '15 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes },
});
const pages = proxyActivities<DocumentActivities>({
  taskQueue: TaskQueue.document,
  startToCloseTimeout: '1 hour',
  // a page takes seconds; a silent group is a dead worker: retry it, resuming at the heartbeat's next page
  heartbeatTimeout: '3 minutes',
  retry: { maximumAttempts: 4, nonRetryableErrorTypes },
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
  const plan = await prepare.prepareDocument(input);
  const assetsUri =
    !input.sync && input.standardOutputConfiguration.document?.outputFormat?.additionalFileFormat.state === 'ENABLED'
      ? `${input.assetOutputUri.replace(/\/+$/, '')}/standard_output/0/assets`
      : undefined;
  let ocrPages = 0;
  const queue = [...plan.groups];
  const lane = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const r = await pages.extractPageGroup({ plan, first: g[0], last: g[1], assetsUri });
      ocrPages += r.ocrPages;
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.groupsInFlight, plan.groups.length) }, lane));
  const out = await output.writeDocumentOutput({ input, plan });
  await prepare.cleanDocumentWork({ workUri: plan.workUri });
  return {
    semanticModality: 'DOCUMENT',
    segments: [{ segmentIndex: 0, standardOutputUri: out.uri }],
    stats: { ...out.stats, ocr_pages: ocrPages },
  };
}
