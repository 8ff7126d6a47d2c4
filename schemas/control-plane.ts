import { z } from 'zod';
import { OverrideConfiguration, StandardOutputConfiguration } from './output-configuration.ts';

/** BDA control-plane (restJson1) request bodies and stored records (reference §1.3). */
export const Stage = z.enum(['DEVELOPMENT', 'LIVE']);
export type Stage = z.infer<typeof Stage>;
export const BlueprintType = z.enum(['DOCUMENT', 'IMAGE', 'AUDIO', 'VIDEO']);
export type BlueprintType = z.infer<typeof BlueprintType>;
/** BDA's rule for blueprint and project names. */
export const ResourceName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9-_]+$/, 'must match ^[a-zA-Z0-9-_]+$');
const Tags = z.array(z.object({ key: z.string(), value: z.string() })).optional();

export const BlueprintItem = z.object({
  blueprintArn: z.string().min(1),
  blueprintVersion: z
    .string()
    .regex(/^[0-9]*$/)
    .optional(),
  blueprintStage: Stage.optional(),
});
export type BlueprintItem = z.infer<typeof BlueprintItem>;

export const CustomOutputConfiguration = z.object({
  blueprints: z.array(BlueprintItem).max(40).optional(),
  document: z.object({ fallbackBlueprints: z.array(BlueprintItem).max(1).optional() }).optional(),
});
export type CustomOutputConfiguration = z.infer<typeof CustomOutputConfiguration>;

export const CreateBlueprintRequest = z.object({
  blueprintName: ResourceName,
  type: BlueprintType,
  blueprintStage: Stage.optional(),
  schema: z.string().min(1),
  clientToken: z.string().optional(),
  encryptionConfiguration: z.unknown().optional(),
  tags: Tags,
});
export type CreateBlueprintRequest = z.infer<typeof CreateBlueprintRequest>;
export const GetBlueprintRequest = z.object({
  blueprintVersion: z.string().optional(),
  blueprintStage: Stage.optional(),
});
export type GetBlueprintRequest = z.infer<typeof GetBlueprintRequest>;
export const UpdateBlueprintRequest = z.object({
  schema: z.string().min(1),
  blueprintStage: Stage.optional(),
  encryptionConfiguration: z.unknown().optional(),
});
export type UpdateBlueprintRequest = z.infer<typeof UpdateBlueprintRequest>;
/** DeleteBlueprint: `blueprintVersion` is a query parameter; without it the whole blueprint goes. */
export const DeleteBlueprintRequest = z.object({ blueprintVersion: z.string().optional() });
export type DeleteBlueprintRequest = z.infer<typeof DeleteBlueprintRequest>;
export const CreateBlueprintVersionRequest = z.object({ clientToken: z.string().optional() });
export const ListBlueprintsRequest = z.object({
  blueprintArn: z.string().optional(),
  resourceOwner: z.enum(['SERVICE', 'ACCOUNT']).optional(),
  blueprintStageFilter: z.enum(['DEVELOPMENT', 'LIVE', 'ALL']).optional(),
  maxResults: z.number().int().min(1).max(1000).optional(),
  nextToken: z.string().optional(),
  projectFilter: z.object({ projectArn: z.string(), projectStage: Stage.optional() }).optional(),
});
export type ListBlueprintsRequest = z.infer<typeof ListBlueprintsRequest>;
export const CopyBlueprintStageRequest = z.object({
  sourceStage: Stage,
  targetStage: Stage,
  clientToken: z.string().optional(),
});
export type CopyBlueprintStageRequest = z.infer<typeof CopyBlueprintStageRequest>;

export const CreateProjectRequest = z.object({
  projectName: ResourceName,
  projectDescription: z.string().max(300).optional(),
  projectStage: Stage.optional(),
  projectType: z.enum(['ASYNC', 'SYNC']).optional(),
  standardOutputConfiguration: StandardOutputConfiguration,
  customOutputConfiguration: CustomOutputConfiguration.optional(),
  overrideConfiguration: OverrideConfiguration.optional(),
  dataAutomationLibraryConfiguration: z.unknown().optional(),
  clientToken: z.string().optional(),
  encryptionConfiguration: z.unknown().optional(),
  tags: Tags,
});
export type CreateProjectRequest = z.infer<typeof CreateProjectRequest>;
export const GetProjectRequest = z.object({ projectStage: Stage.optional() });
export type GetProjectRequest = z.infer<typeof GetProjectRequest>;
export const UpdateProjectRequest = CreateProjectRequest.omit({
  projectName: true,
  projectType: true,
  clientToken: true,
  tags: true,
});
export type UpdateProjectRequest = z.infer<typeof UpdateProjectRequest>;
export const ListProjectsRequest = z.object({
  maxResults: z.number().int().min(1).max(1000).optional(),
  nextToken: z.string().optional(),
  projectStageFilter: z.enum(['DEVELOPMENT', 'LIVE', 'ALL']).optional(),
  blueprintFilter: BlueprintItem.optional(),
  resourceOwner: z.enum(['SERVICE', 'ACCOUNT']).optional(),
});
export type ListProjectsRequest = z.infer<typeof ListProjectsRequest>;

/** One stage (or version) of a stored blueprint. */
export const BlueprintSnapshot = z.object({ schema: z.string(), lastModifiedTime: z.string() });
export type BlueprintSnapshot = z.infer<typeof BlueprintSnapshot>;
export const StoredBlueprint = z.object({
  blueprintArn: z.string(),
  blueprintName: z.string(),
  type: BlueprintType,
  creationTime: z.string(),
  clientToken: z.string().optional(),
  stages: z.object({ DEVELOPMENT: BlueprintSnapshot.optional(), LIVE: BlueprintSnapshot.optional() }),
  /** immutable snapshots by version number */
  versions: z.record(z.string(), BlueprintSnapshot),
  tags: Tags,
});
export type StoredBlueprint = z.infer<typeof StoredBlueprint>;

export const ProjectConfig = z.object({
  projectDescription: z.string().optional(),
  standardOutputConfiguration: StandardOutputConfiguration,
  customOutputConfiguration: CustomOutputConfiguration.optional(),
  overrideConfiguration: OverrideConfiguration.optional(),
  lastModifiedTime: z.string(),
});
export type ProjectConfig = z.infer<typeof ProjectConfig>;
export const StoredProject = z.object({
  projectArn: z.string(),
  projectName: z.string(),
  projectType: z.enum(['ASYNC', 'SYNC']),
  creationTime: z.string(),
  clientToken: z.string().optional(),
  stages: z.object({ DEVELOPMENT: ProjectConfig.optional(), LIVE: ProjectConfig.optional() }),
  tags: Tags,
});
export type StoredProject = z.infer<typeof StoredProject>;
