/** The Temporal activity context when running inside an activity (heartbeats, cancellation); undefined in plain calls. */
import { Context } from '@temporalio/activity';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function heartbeat(details: unknown) {
  activityContext()?.heartbeat(details);
}
