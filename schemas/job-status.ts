import { z } from 'zod';

/** BDA's job statuses (wire values). */
export const JobStatus = z.enum(['Created', 'InProgress', 'Success', 'ServiceError', 'ClientError']);
export type JobStatus = z.infer<typeof JobStatus>;

/** Failure types the pipeline raises as non-retryable ApplicationFailures; the API maps them to ClientError. */
export const ClientErrorType = z.enum([
  'InvalidInput',
  'UnsupportedMediaType',
  'LimitExceeded',
  'BlueprintSchemaError',
  'ResourceNotFound',
]);
export type ClientErrorType = z.infer<typeof ClientErrorType>;
export const clientErrorTypes: readonly string[] = ClientErrorType.options;
/** Every activity's retry policy: bad input is never worth another attempt. */
export const nonRetryableErrorTypes: string[] = [...ClientErrorType.options];
