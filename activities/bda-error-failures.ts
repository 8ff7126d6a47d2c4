/**
 * A BdaError thrown inside an activity (storage refusing a path outside the roots, a symlink escape or a named
 * pipe; a resource that is gone) reached Temporal as a failure of type `BdaError` — retryable, so its job was
 * retried forever and stayed `Created`. This activity interceptor turns each into an ApplicationFailure typed for
 * the workflows: bad input as a non-retryable client error (InvalidInput, ResourceNotFound, LimitExceeded), the
 * rest (throttling, an unavailable service) retryable under their BDA type.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { clientError } from '../engines/client-error.ts';
import { BdaError, type BdaErrorType } from '../schemas/errors.ts';
import type { ClientErrorType } from '../schemas/job-status.ts';

const asClientError: Partial<Record<BdaErrorType, ClientErrorType>> = {
  ValidationException: 'InvalidInput',
  AccessDeniedException: 'InvalidInput',
  ResourceNotFoundException: 'ResourceNotFound',
  ServiceQuotaExceededException: 'LimitExceeded',
};

export function failureOf(err: BdaError): ApplicationFailure {
  const client = asClientError[err.type];
  return client ? clientError(client, err.message) : ApplicationFailure.retryable(err.message, err.type);
}

export function bdaErrorsAsFailures(): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (err) {
          throw err instanceof BdaError ? failureOf(err) : err;
        }
      },
    },
  };
}
