import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TemporalFailure } from '@temporalio/workflow';
import { clientErrorTypes } from '../schemas/job-status.ts';

/** What a failed step means to the caller: BDA ClientError (bad input) or ServiceError (ours). */
export function classifyFailure(err: unknown): { status: 'ClientError' | 'ServiceError'; errorType: string; errorMessage: string } {
  let e: unknown = err;
  while (e instanceof ChildWorkflowFailure || e instanceof ActivityFailure) {
    if (!e.cause) break;
    e = e.cause;
  }
  if (e instanceof ApplicationFailure && e.type && clientErrorTypes.includes(e.type)) {
    return { status: 'ClientError', errorType: e.type, errorMessage: e.message };
  }
  const message = e instanceof TemporalFailure || e instanceof Error ? e.message : String(e);
  return { status: 'ServiceError', errorType: e instanceof ApplicationFailure && e.type ? e.type : 'InternalError', errorMessage: message };
}
