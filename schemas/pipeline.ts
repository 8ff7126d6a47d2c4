import { z } from 'zod';
import { Stage } from './control-plane.ts';
import { Modality } from './modality.ts';
import { OverrideConfiguration, SensitiveDataConfiguration, StandardOutputConfiguration } from './output-configuration.ts';

/** A blueprint named by an invoke request or a project: what the request said, before resolution. */
export const BlueprintRef = z.object({
  blueprintArn: z.string(),
  version: z.string().optional(),
  stage: Stage.optional(),
});
export type BlueprintRef = z.infer<typeof BlueprintRef>;

/** A blueprint as a job runs it, resolved at submit (catalog or the tenant's control plane): its schema included. */
export const ResolvedBlueprint = z.object({
  blueprintArn: z.string(),
  blueprintName: z.string(),
  /** the immutable version the reference named */
  blueprintVersion: z.string().optional(),
  /** the stage the schema was read from (a user blueprint named without version) */
  blueprintStage: Stage.optional(),
  type: Modality,
  schema: z.string(),
});
export type ResolvedBlueprint = z.infer<typeof ResolvedBlueprint>;

/**
 * What a job's custom output runs with, resolved once at submit: the blueprints (the request's, else the
 * project's), the project's fallback blueprint and whether the splitter is on. A project or blueprint changed
 * after submit does not reach a job that is already running.
 */
export const ResolvedCustomOutput = z.object({
  blueprints: z.array(ResolvedBlueprint),
  fallbackBlueprints: z.array(ResolvedBlueprint).default([]),
  splitter: z.boolean(),
  /** a document's sensitive-data configuration when its scope has CUSTOM (absent in older jobs: none) */
  sensitiveData: SensitiveDataConfiguration.optional(),
});
export type ResolvedCustomOutput = z.infer<typeof ResolvedCustomOutput>;

/** A resolved custom output too big to carry in every asset's input: a claim check to its JSON in storage. */
export const StoredCustomOutput = z.object({ uri: z.string(), sha256: z.string(), bytes: z.number().int() });
export type StoredCustomOutput = z.infer<typeof StoredCustomOutput>;

/** How a job carries its resolved custom output: inline when small, else a claim check (api/carry-custom-output.ts). */
export const CustomOutputPlan = z.union([ResolvedCustomOutput, StoredCustomOutput]);
export type CustomOutputPlan = z.infer<typeof CustomOutputPlan>;

/** What the content sniffer found (magic bytes, never the extension). */
export const ProbedAsset = z.object({
  uri: z.string(),
  bytes: z.number().int().nonnegative(),
  /** e.g. PDF, PNG, JPEG, TIFF, DOCX, MP3, WAV, MP4, MOV, ... */
  fileType: z.string(),
  mediaType: z.string(),
  /** modality implied by the type before routing overrides; null when no pipeline handles it */
  modality: Modality.nullable(),
});
export type ProbedAsset = z.infer<typeof ProbedAsset>;

/**
 * The input every modality pipeline workflow receives. Claim check: URIs and small options only.
 * A pipeline reads `assetUri`, writes `<assetOutputUri>/standard_output/<segment>/result.json` and returns
 * the segment list.
 */
export const PipelineInput = z.object({
  jobId: z.string(),
  assetIndex: z.number().int().nonnegative(),
  assetUri: z.string(),
  assetOutputUri: z.string(),
  asset: ProbedAsset,
  modality: Modality,
  standardOutputConfiguration: StandardOutputConfiguration,
  overrideConfiguration: OverrideConfiguration.optional(),
  blueprints: z.array(BlueprintRef),
  projectArn: z.string().optional(),
  projectStage: z.enum(['DEVELOPMENT', 'LIVE']).optional(),
  /** Sync InvokeDataAutomation: no splitter, no additional files. */
  sync: z.boolean().default(false),
});
export type PipelineInput = z.infer<typeof PipelineInput>;

export const CustomOutputStatus = z.enum(['MATCH', 'NO_MATCH', 'FALLBACK']);
export type CustomOutputStatus = z.infer<typeof CustomOutputStatus>;

export const SegmentResult = z.object({
  segmentIndex: z.number().int().nonnegative(),
  standardOutputUri: z.string(),
  customOutputUri: z.string().optional(),
  customOutputStatus: CustomOutputStatus.optional(),
});
export type SegmentResult = z.infer<typeof SegmentResult>;

export const PipelineResult = z.object({
  semanticModality: Modality,
  segments: z.array(SegmentResult),
  /** small numbers for the summary table: pages, words, duration_millis, ... */
  stats: z.record(z.string(), z.number()).default({}),
});
export type PipelineResult = z.infer<typeof PipelineResult>;

/** The blueprint-shaping step after a pipeline (activities/custom-output): matches, splits, extracts custom output. */
export const ApplyBlueprintsInput = z.object({
  jobId: z.string(),
  assetIndex: z.number().int(),
  assetOutputUri: z.string(),
  modality: Modality,
  segments: z.array(SegmentResult),
  /** what custom output runs with, resolved at submit; absent in jobs submitted before that */
  customOutput: CustomOutputPlan.optional(),
  /** without `customOutput` (older jobs) the activity resolves these itself, as it always did */
  blueprints: z.array(BlueprintRef),
  projectArn: z.string().optional(),
  projectStage: z.enum(['DEVELOPMENT', 'LIVE']).optional(),
  splitter: z.boolean(),
});
export type ApplyBlueprintsInput = z.infer<typeof ApplyBlueprintsInput>;
