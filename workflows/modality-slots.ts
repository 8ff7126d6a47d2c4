import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobActivities } from '../activities/job/job-activities.ts';
import type { Modality } from '../schemas/modality.ts';
import { HEARTBEAT_TIMEOUT } from './activity-budgets.ts';

export const acquireSlotSignal = defineSignal<[{ holder: string; limit?: number }]>('acquire');
export const releaseSlotSignal = defineSignal<[{ holder: string }]>('release');
export const slotGrantedSignal = defineSignal<[]>('slotGranted');
export const slotsQuery = defineQuery<{ limit: number; holders: string[]; waiting: string[] }>('slots');

const { finishedHolders } = proxyActivities<JobActivities>({
  startToCloseTimeout: '1 minute',
  // grants wait while this runs: a dead worker's call is retried one heartbeat timeout later
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { maximumAttempts: 3 },
});

export interface SlotsState {
  modality: Modality;
  limit: number;
  holders: string[];
  waiting: string[];
}

/**
 * The concurrency limit of one modality (BDA: 50 documents / 20 images / 20 audio / 20 video at once).
 * Asset workflows ask for a slot by signal; the keeper grants in arrival order and frees a slot on release,
 * or when it finds the holder no longer running. A durable semaphore: it survives worker and server restarts.
 */
export async function modalitySlots(state: SlotsState): Promise<void> {
  let limit = state.limit;
  const holders = new Set(state.holders);
  const waiting = [...state.waiting];
  setHandler(acquireSlotSignal, ({ holder, limit: l }) => {
    if (l && l > 0) limit = l;
    if (holders.has(holder)) {
      waiting.push(holder); // re-asked (e.g. its grant signal was lost): grant again
      holders.delete(holder);
    } else if (!waiting.includes(holder)) waiting.push(holder);
  });
  setHandler(releaseSlotSignal, ({ holder }) => {
    holders.delete(holder);
    const i = waiting.indexOf(holder);
    if (i >= 0) waiting.splice(i, 1);
  });
  setHandler(slotsQuery, () => ({ limit, holders: [...holders], waiting: [...waiting] }));

  for (;;) {
    while (waiting.length > 0 && holders.size < limit) {
      const holder = waiting.shift()!;
      holders.add(holder);
      try {
        await getExternalWorkflowHandle(holder).signal(slotGrantedSignal);
      } catch {
        holders.delete(holder); // the asking workflow is gone
      }
    }
    const woke = await condition(() => waiting.length > 0 && holders.size < limit, '1 minute');
    if (!woke && holders.size > 0) {
      for (const id of await finishedHolders([...holders])) holders.delete(id);
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5000) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof modalitySlots>({ modality: state.modality, limit, holders: [...holders], waiting });
    }
  }
}
