import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobActivities } from '../activities/job/job-activities.ts';
import type { AssetOutcome, JobInput } from '../schemas/job.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';
import { type Modality, TaskQueue } from '../schemas/modality.ts';
import { assetOutputUri as assetOutputUriOf } from '../schemas/output-location.ts';
import type {
  ApplyBlueprintsInput,
  PipelineInput,
  PipelineResult,
  ProbedAsset,
  SegmentResult,
} from '../schemas/pipeline.ts';
import { HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { classifyFailure } from './failure-info.ts';
import { releaseSlotSignal, slotGrantedSignal } from './modality-slots.ts';
import { pipelineFunction, pipelineWorkflowType } from './pipelines.ts';
import { assetStartedSignal } from './signals.ts';

const job = proxyActivities<JobActivities>({
  taskQueue: TaskQueue.orchestration,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
});
type ShapeActivities = { applyBlueprints(i: ApplyBlueprintsInput): Promise<SegmentResult[]> };
const shapeOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { maximumAttempts: 5, nonRetryableErrorTypes },
} as const;
/** histories recorded before custom output moved to the generative queue (they replay on the document queue) */
const shapeOnDocumentQueue = proxyActivities<ShapeActivities>({ taskQueue: TaskQueue.document, ...shapeOptions });
/** custom output reads with the generative model: on `quarry-generative`, its slots and its server-side rate limit */
const shapeOnGenerativeQueue = proxyActivities<ShapeActivities>({ taskQueue: TaskQueue.generative, ...shapeOptions });

export interface AssetInput {
  job: Omit<JobInput, 'inputUri'>;
  jobOutputUri: string;
  assetIndex: number;
  assetUri: string;
  /** tell the job when processing starts (Created → InProgress); false once the job is known to be InProgress. Absent in old runs = true */
  announceStart?: boolean;
}

export type AssetPhase = 'probing' | 'waiting-for-slot' | 'processing' | 'shaping' | 'done';
export const assetPhaseQuery = defineQuery<AssetPhase>('assetPhase');

/**
 * One input file: probe → modality (or BDA's routing override) → wait for a concurrency slot → the
 * modality's pipeline → blueprint shaping → the asset's record. Never fails: it reports the outcome.
 */
export async function assetWorkflow(input: AssetInput): Promise<AssetOutcome> {
  const { job: j, assetIndex, assetUri } = input;
  const assetOutputUri = assetOutputUriOf(input.jobOutputUri, assetIndex);
  let phase: AssetPhase = 'probing';
  setHandler(assetPhaseQuery, () => phase);
  let modality: Modality | null = null;
  let granted = false;
  let holding = false;
  setHandler(slotGrantedSignal, () => {
    granted = true;
  });

  let outcome: AssetOutcome;
  try {
    const asset: ProbedAsset = await job.probeAsset({
      uri: assetUri,
      routing: j.overrideConfiguration?.modalityRouting,
    });
    modality = asset.modality!;
    const key = modality.toLowerCase() as 'document' | 'image' | 'audio' | 'video';
    if (j.overrideConfiguration?.[key]?.modalityProcessing?.state === 'DISABLED') {
      throw ApplicationFailure.nonRetryable(
        `processing of ${modality} files is disabled by the override configuration (overrideConfiguration.${key}.modalityProcessing)`,
        'UnsupportedMediaType',
      );
    }

    phase = 'waiting-for-slot';
    await job.requestSlot({ modality, holder: workflowInfo().workflowId });
    holding = true;
    await condition(() => granted);
    const parent = workflowInfo().parent;
    if (parent && input.announceStart !== false) {
      await getExternalWorkflowHandle(parent.workflowId)
        .signal(assetStartedSignal, { assetIndex })
        .catch(() => undefined);
    }

    phase = 'processing';
    const pipelineInput: PipelineInput = {
      jobId: j.jobId,
      assetIndex,
      assetUri,
      assetOutputUri,
      asset,
      modality,
      standardOutputConfiguration: j.standardOutputConfiguration,
      overrideConfiguration: j.overrideConfiguration,
      blueprints: j.blueprints,
      projectArn: j.projectArn,
      projectStage: j.projectStage,
      sync: j.sync,
    };
    // runs started before this patch ran the pipeline as a child workflow (`<asset id>/<modality>`)
    const result = patched('pipeline-in-asset-workflow')
      ? await pipelineFunction(modality)(pipelineInput)
      : await executeChild<(i: PipelineInput) => Promise<PipelineResult>>(pipelineWorkflowType[modality], {
          args: [pipelineInput],
          workflowId: `${workflowInfo().workflowId}/${modality.toLowerCase()}`,
          taskQueue: TaskQueue.orchestration,
        });
    let segments: SegmentResult[] = result.segments;
    if (j.blueprints.length > 0 || j.projectArn) {
      phase = 'shaping';
      const shape = patched('custom-output-on-generative-queue') ? shapeOnGenerativeQueue : shapeOnDocumentQueue;
      segments = await shape.applyBlueprints({
        jobId: j.jobId,
        assetIndex,
        assetOutputUri,
        modality,
        segments,
        // resolved at submit; absent for jobs submitted before, whose activity resolves the refs below itself.
        // Same command either way: only the activity's arguments carry the new field (docs/versioning.md)
        customOutput: j.customOutput,
        blueprints: j.blueprints,
        projectArn: j.projectArn,
        projectStage: j.projectStage,
        splitter: j.overrideConfiguration?.document?.splitter?.state === 'ENABLED' && !j.sync,
      });
    }
    outcome = {
      assetIndex,
      assetUri,
      status: 'Success',
      modality,
      segments: segments.map(({ standardOutputUri, customOutputUri, customOutputStatus }) => ({
        standardOutputUri,
        customOutputUri,
        customOutputStatus,
      })),
      stats: result.stats,
    };
  } catch (err) {
    if (isCancellation(err)) {
      outcome = {
        assetIndex,
        assetUri,
        status: 'ClientError',
        modality,
        errorType: 'Cancelled',
        errorMessage: 'the job was cancelled',
        segments: [],
        stats: {},
      };
    } else {
      const f = classifyFailure(err);
      outcome = {
        assetIndex,
        assetUri,
        status: f.status,
        modality,
        errorType: f.errorType,
        errorMessage: f.errorMessage,
        segments: [],
        stats: {},
      };
    }
  } finally {
    if (holding && modality) {
      const m = modality;
      await CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(`quarry-slots-${m}`)
          .signal(releaseSlotSignal, { holder: workflowInfo().workflowId })
          .catch(() => undefined),
      );
    }
  }
  phase = 'done';
  const final = outcome;
  await CancellationScope.nonCancellable(() =>
    job.writeAssetRecord({ jobOutputUri: input.jobOutputUri, outcome: final }),
  );
  return final;
}
