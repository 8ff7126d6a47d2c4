import { z } from 'zod';
import { OverrideConfiguration } from './output-configuration.ts';

/** BDA runtime request shapes (awsJson1_1), as in the Smithy model (reference §1.2). */
const PARTITION = 'arn:aws(|-cn|-iso|-iso-[a-z]|-us-gov)';
export const invocationArnPattern = new RegExp(`^${PARTITION}:bedrock:[a-zA-Z0-9-]*:[0-9]{12}:data-automation-invocation/([a-zA-Z0-9-_]+)$`);
export const projectArnPattern = new RegExp(`^${PARTITION}:bedrock:[a-zA-Z0-9-]*:(aws|[0-9]{12}):data-automation-project/[a-zA-Z0-9-_]+$`);
export const profileArnPattern = new RegExp(`^${PARTITION}:bedrock:[a-zA-Z0-9-]*:(aws|[0-9]{12}):data-automation-profile/[a-zA-Z0-9-_.]+$`);
export const blueprintArnPattern = new RegExp(
  `^${PARTITION}:bedrock:[a-zA-Z0-9-]*:(aws|[0-9]{12}):blueprint/(bedrock-data-insights-public-[a-zA-Z0-9-_]{1,30}|bedrock-data-automation-public-[a-zA-Z0-9-_]{1,30}|[a-zA-Z0-9-]{12,36})$`,
);

const Uri = z.string().min(1).max(1024);
const Stage = z.enum(['LIVE', 'DEVELOPMENT']);

export const DataAutomationConfiguration = z.object({
  dataAutomationProjectArn: z.string().max(128).regex(projectArnPattern, 'must be a data-automation-project ARN'),
  stage: Stage.optional(),
});
export const BlueprintItem = z.object({
  blueprintArn: z.string().max(128).regex(blueprintArnPattern, 'must be a blueprint ARN'),
  version: z.string().regex(/^[0-9]*$/).max(128).optional(),
  stage: Stage.optional(),
});
const EncryptionConfiguration = z.object({
  kmsKeyId: z.string().min(1).max(2048),
  kmsEncryptionContext: z.record(z.string(), z.string()).optional(),
});
const Tags = z.array(z.object({ key: z.string().min(1).max(128), value: z.string().max(256) })).max(200);

export const InvokeDataAutomationAsyncRequest = z.object({
  clientToken: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}$/, 'must be letters, digits and single hyphens')
    .optional(),
  inputConfiguration: z.object({
    s3Uri: Uri,
    assetProcessingConfiguration: z.unknown().optional(),
  }),
  outputConfiguration: z.object({ s3Uri: Uri }),
  dataAutomationConfiguration: DataAutomationConfiguration.optional(),
  encryptionConfiguration: EncryptionConfiguration.optional(),
  notificationConfiguration: z
    .object({ eventBridgeConfiguration: z.object({ eventBridgeEnabled: z.boolean() }) })
    .optional(),
  blueprints: z.array(BlueprintItem).min(1).max(40).optional(),
  dataAutomationProfileArn: z.string().max(128).regex(profileArnPattern, 'must be a data-automation-profile ARN'),
  tags: Tags.optional(),
  /** Quarry extension (BDA has it only on projects): per-request override configuration */
  overrideConfiguration: OverrideConfiguration.optional(),
});
export type InvokeDataAutomationAsyncRequest = z.infer<typeof InvokeDataAutomationAsyncRequest>;

export const GetDataAutomationStatusRequest = z.object({
  invocationArn: z.string().max(128).regex(invocationArnPattern, 'must be a data-automation-invocation ARN'),
});

export const InvokeDataAutomationRequest = z.object({
  inputConfiguration: z
    .object({ bytes: z.string().optional(), s3Uri: Uri.optional() })
    .refine((v) => (v.bytes === undefined) !== (v.s3Uri === undefined), 'exactly one of bytes or s3Uri is required'),
  outputConfiguration: z.object({ s3Uri: Uri }).optional(),
  dataAutomationConfiguration: DataAutomationConfiguration.optional(),
  blueprints: z.array(BlueprintItem).min(1).max(40).optional(),
  dataAutomationProfileArn: z.string().max(128).regex(profileArnPattern, 'must be a data-automation-profile ARN'),
  encryptionConfiguration: EncryptionConfiguration.optional(),
  overrideConfiguration: OverrideConfiguration.optional(),
});
export type InvokeDataAutomationRequest = z.infer<typeof InvokeDataAutomationRequest>;

/** "inputConfiguration.s3Uri: Invalid input" style messages that name the field. */
export function describeZodError(error: z.ZodError): { message: string; fields: { name: string; message: string }[] } {
  const fields = error.issues.map((i) => {
    const name = i.path.map(String).join('.') || '(body)';
    let message = i.message;
    if (i.code === 'invalid_type' && /received undefined/.test(i.message)) message = 'is required';
    if (i.code === 'unrecognized_keys') message = `unknown field(s) ${(i as { keys: string[] }).keys.join(', ')}`;
    return { name, message };
  });
  return { message: fields.map((f) => `${f.name}: ${f.message}`).join('; '), fields };
}
