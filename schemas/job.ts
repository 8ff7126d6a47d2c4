import { z } from 'zod';
import { JobStatus } from './job-status.ts';
import { Modality } from './modality.ts';
import { OverrideConfiguration, StandardOutputConfiguration } from './output-configuration.ts';
import { BlueprintRef, CustomOutputPlan, CustomOutputStatus } from './pipeline.ts';

/** Everything a job workflow needs, resolved by the API at submission (config, project, blueprints). */
export const JobInput = z.object({
  jobId: z.string(),
  invocationArn: z.string(),
  tenant: z.string(),
  /** one file, or a prefix (every file under it: a batch) */
  inputUri: z.string(),
  /** the caller's output location; results go to `<outputUri>/<jobId>/` */
  outputUri: z.string(),
  standardOutputConfiguration: StandardOutputConfiguration,
  overrideConfiguration: OverrideConfiguration.optional(),
  /** the blueprints the request (or else its project) named: the record of what was asked */
  blueprints: z.array(BlueprintRef).default([]),
  /**
   * what those resolved to at submit, with the project's fallback and splitter: custom output runs with this and
   * never reads the project again. Absent in jobs submitted before it existed (their activity resolves the refs).
   */
  customOutput: CustomOutputPlan.optional(),
  projectArn: z.string().optional(),
  projectStage: z.enum(['DEVELOPMENT', 'LIVE']).optional(),
  notify: z.boolean().default(false),
  submittedAt: z.string(),
  sync: z.boolean().default(false),
  /** how many assets of a batch run at once (sliding window) */
  batchWindow: z.number().int().positive().default(20),
  /** webhook URLs for the EventBridge-shaped job event (when notify) */
  webhookUrls: z.array(z.string()).default([]),
});
export type JobInput = z.infer<typeof JobInput>;

export const AssetOutcome = z.object({
  assetIndex: z.number().int(),
  assetUri: z.string(),
  status: z.enum(['Success', 'ServiceError', 'ClientError']),
  modality: Modality.nullable(),
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
  segments: z
    .array(
      z.object({
        standardOutputUri: z.string(),
        customOutputUri: z.string().optional(),
        customOutputStatus: CustomOutputStatus.optional(),
      }),
    )
    .default([]),
  stats: z.record(z.string(), z.number()).default({}),
});
export type AssetOutcome = z.infer<typeof AssetOutcome>;

/** What the progress query returns (small, whatever the batch size). */
export const JobProgress = z.object({
  status: JobStatus,
  totalAssets: z.number().int().nullable(),
  finishedAssets: z.number().int(),
  failedAssets: z.number().int(),
  runningAssets: z.array(z.object({ assetIndex: z.number().int(), uri: z.string(), phase: z.string() })),
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobResult = z.object({
  status: JobStatus,
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
  jobMetadataUri: z.string(),
  totalAssets: z.number().int(),
  failedAssets: z.number().int(),
  semanticModality: Modality.nullable(),
});
export type JobResult = z.infer<typeof JobResult>;
