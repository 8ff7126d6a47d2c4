/** The Temporal activity context when running inside an activity (cancellation, attempt); undefined in plain calls. */
import { Context } from '@temporalio/activity';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
