import os from 'node:os';
import type { QuarryConfig } from '../schemas/config.ts';
import { TaskQueue, type TaskQueueName } from '../schemas/modality.ts';

/**
 * Worker slots per task queue, sized to the machine (override with QUARRY_SLOTS_<QUEUE>=N). OCR and
 * document work take a core each; whisper uses two threads per call, so audio gets half the cores;
 * orchestration activities are light I/O.
 */
export function activitySlots(queue: TaskQueueName, worker: QuarryConfig['worker']): number {
  const cores = os.availableParallelism();
  const defaults: Record<TaskQueueName, number> = {
    [TaskQueue.orchestration]: 50,
    [TaskQueue.document]: cores,
    [TaskQueue.image]: cores,
    [TaskQueue.audio]: Math.max(1, Math.floor(cores / 2)),
    [TaskQueue.video]: Math.max(1, Math.floor(cores / 2)),
    [TaskQueue.generative]: 4,
    // the embedding model takes QUARRY_KB_EMBEDDING_THREADS cores per call
    [TaskQueue.knowledge]: 1,
  };
  const key = queue.replace(/^quarry-/, '') as keyof typeof TaskQueue;
  return worker.slots[key] ?? defaults[queue];
}

/** Server-side rate limit (activities/second across all workers) for queues that call external providers. */
export function queueRateLimit(queue: TaskQueueName, worker: QuarryConfig['worker']): number | undefined {
  if (queue !== TaskQueue.generative) return undefined;
  return worker.providerRps;
}
