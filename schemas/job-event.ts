import { z } from 'zod';
import { Modality } from './modality.ts';

/**
 * The notification Quarry sends when a job ends: the same JSON Amazon EventBridge delivers for BDA
 * (`source: "aws.bedrock"`, reference bda-and-peers.md §1.14), so consumers written for BDA work
 * unchanged. Pure and deterministic (no I/O, no randomness): the job workflow builds it.
 * Quarry's additions are extra keys in `detail` (`error_type`, `input_uri`, `output_uri`); BDA's own
 * keys are never renamed.
 */

export const JobEventDetailType = {
  Success: 'Bedrock Data Automation Job Succeeded',
  ClientError: 'Bedrock Data Automation Job Failed With Client Error',
  ServiceError: 'Bedrock Data Automation Job Failed With Service Error',
} as const;

const jobStatusWire = { Success: 'SUCCESS', ClientError: 'CLIENT_ERROR', ServiceError: 'SERVICE_ERROR' } as const;
const modalityWire = { DOCUMENT: 'Document', IMAGE: 'Image', AUDIO: 'Audio', VIDEO: 'Video', MIXED: 'Mixed' } as const;

const S3Object = z.object({ s3_bucket: z.string(), name: z.string() });

export const JobEvent = z.object({
  version: z.literal('0'),
  id: z.string().min(1),
  'detail-type': z.enum([JobEventDetailType.Success, JobEventDetailType.ClientError, JobEventDetailType.ServiceError]),
  source: z.literal('aws.bedrock'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.object({
    job_id: z.string(),
    job_status: z.enum(['SUCCESS', 'CLIENT_ERROR', 'SERVICE_ERROR']),
    semantic_modality: z.string().optional(),
    input_s3_object: S3Object,
    output_s3_location: S3Object,
    job_duration_in_seconds: z.number().int().nonnegative(),
    error_message: z.string().optional(),
    error_type: z.string().optional(),
    input_uri: z.string(),
    output_uri: z.string(),
  }),
});
export type JobEvent = z.infer<typeof JobEvent>;

const timestamp = z
  .union([z.string(), z.number(), z.date()])
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), 'not a valid timestamp');

export const JobEventInput = z.object({
  jobId: z.string().min(1),
  status: z.enum(['Success', 'ClientError', 'ServiceError']),
  modality: z.union([Modality, z.literal('MIXED')]).nullish(),
  inputUri: z.string().min(1),
  outputUri: z.string().min(1),
  /** `arn:aws:bedrock:{region}:{account}:data-automation-invocation/{jobId}`; region/account are read from it when not given */
  invocationArn: z.string().optional(),
  region: z.string().optional(),
  accountId: z.string().optional(),
  submittedAt: timestamp,
  completedAt: timestamp,
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type JobEventInput = z.input<typeof JobEventInput>;

export function buildJobEvent(input: JobEventInput): JobEvent {
  const i = JobEventInput.parse(input);
  const arn = /^arn:aws:bedrock:([^:]*):([^:]*):data-automation-invocation\//.exec(i.invocationArn ?? '');
  const region = i.region ?? (arn?.[1] || 'us-east-1');
  const account = i.accountId ?? (arn?.[2] || '000000000000');
  const invocationArn = i.invocationArn ?? `arn:aws:bedrock:${region}:${account}:data-automation-invocation/${i.jobId}`;
  const failed = i.status !== 'Success';
  return {
    version: '0',
    id: eventId(`${i.jobId}\0${i.status}`),
    'detail-type': JobEventDetailType[i.status],
    source: 'aws.bedrock',
    account,
    time: i.completedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [invocationArn],
    detail: {
      job_id: i.jobId,
      job_status: jobStatusWire[i.status],
      ...(i.modality ? { semantic_modality: modalityWire[i.modality] } : {}),
      input_s3_object: s3Object(i.inputUri),
      output_s3_location: s3Object(i.outputUri),
      job_duration_in_seconds: Math.max(0, Math.round((i.completedAt.getTime() - i.submittedAt.getTime()) / 1000)),
      ...(failed ? { error_message: i.errorMessage ?? 'the job failed' } : {}),
      ...(failed && i.errorType ? { error_type: i.errorType } : {}),
      input_uri: i.inputUri,
      output_uri: i.outputUri,
    },
  };
}

/** `s3://bucket/key` → { s3_bucket, name: key }; a `file://` URI → { s3_bucket: '', name: its path }. */
function s3Object(uri: string): { s3_bucket: string; name: string } {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
  if (s3) return { s3_bucket: s3[1], name: s3[2] };
  if (/^file:\/\//i.test(uri)) {
    try {
      return { s3_bucket: '', name: decodeURIComponent(new URL(uri).pathname) };
    } catch {
      // fall through: keep the URI as given
    }
  }
  return { s3_bucket: '', name: uri };
}

/**
 * A stable UUID-shaped id from the job id and status, so every delivery (and every retry) of one
 * job's event carries the same `x-quarry-event-id` and receivers can de-duplicate. Hand-written
 * (FNV-1a over four seeds) because this runs in workflow code, where node:crypto is not available.
 */
function eventId(key: string): string {
  const words = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b].map((seed) => {
    let h = seed >>> 0;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h ^= h >>> 12;
    return h >>> 0;
  });
  const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
