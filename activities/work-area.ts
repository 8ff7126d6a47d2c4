import type { ActivityDeps } from './deps.ts';

/**
 * A pipeline's work area: scratch objects under the asset's output prefix (page JSONs, audio chunks) that a
 * successful run removes itself. This activity removes them when a run fails or is cancelled, so nothing is
 * left behind in the user's output location. Registered on the queue of the pipeline that needs it.
 */
export function createWorkAreaActivities({ storage }: Pick<ActivityDeps, 'storage'>) {
  return {
    /** Deletes every object under the prefix; best effort (a missing object is not an error). */
    async removeWorkArea(input: { workUri: string }): Promise<void> {
      const prefix = input.workUri.endsWith('/') ? input.workUri : `${input.workUri}/`;
      for await (const o of storage.list(prefix)) await storage.delete(o.uri).catch(() => undefined);
    },
  };
}
export type WorkAreaActivities = ReturnType<typeof createWorkAreaActivities>;
