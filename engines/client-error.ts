import { ApplicationFailure } from '@temporalio/common';
import type { ClientErrorType } from '../schemas/job-status.ts';

/**
 * A non-retryable failure the job reports as BDA `ClientError` with this type and message.
 * Use it for bad input: corrupt files, limits exceeded, unsupported types.
 */
export function clientError(type: ClientErrorType, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}
