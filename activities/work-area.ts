import type { ActivityDeps } from './deps.ts';

/**
 * A pipeline's work area: scratch objects under the asset's output prefix (page JSONs, audio chunks) that a
 * successful run removes itself. This activity removes them when a run fails or is cancelled, so nothing is
 * left behind in the user's output location. Registered on the queue of the pipeline that needs it.
 */
export function createWorkAreaActivities({ storage }: Pick<ActivityDeps, 'storage'>) {
  return {
    /**
     * Deletes everything under the prefix, hidden names included (a listing skips them, so a temp file that a
     * crashed write left would stay); a missing prefix is not an error.
     */
    async removeWorkArea(input: { workUri: string }): Promise<void> {
      await storage.delete(input.workUri.replace(/\/+$/, ''));
    },
  };
}
export type WorkAreaActivities = ReturnType<typeof createWorkAreaActivities>;
