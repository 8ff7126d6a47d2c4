/**
 * A worker in its own process (so a test can kill -9 it): the real orchestration workflows and
 * activities with no-op media activities that take QUARRY_NOOP_MS and log every output write to
 * QUARRY_WRITE_LOG. Configured from the environment like `quarry worker`.
 */
import { appendFileSync } from 'node:fs';
import { openStorage } from '../../engines/storage/open-storage.ts';
import { createDataConverter } from '../../codecs/data-converter.ts';
import { loadConfig } from '../../schemas/config.ts';
import { TaskQueue, type TaskQueueName } from '../../schemas/modality.ts';
import { connectClient, connectWorker } from '../../worker/connect.ts';
import { startWorkers } from '../../worker/start.ts';
import { noopPipelineActivities, noopWorkflowsPath } from './orchestration-activities.ts';

const config = loadConfig();
const { client } = await connectClient(config);
const connection = await connectWorker(config);
const storage = openStorage(config);
const log = process.env.QUARRY_WRITE_LOG;
const base = noopPipelineActivities({ delayMs: Number(process.env.QUARRY_NOOP_MS ?? 0) })({ config, storage, client });
const doc = base[TaskQueue.document] as { processNoop(i: { assetIndex: number }): Promise<string> };
const logged = {
  async processNoop(i: { assetIndex: number }) {
    const uri = await doc.processNoop(i as never);
    if (log) appendFileSync(log, `${i.assetIndex}\n`);
    return uri;
  },
};
const running = await startWorkers({
  connection,
  namespace: config.temporal.namespace,
  queues: [TaskQueue.orchestration, TaskQueue.document] as TaskQueueName[],
  activities: { ...base, [TaskQueue.document]: logged },
  worker: config.worker,
  workflowsPath: noopWorkflowsPath,
  dataConverter: createDataConverter(config),
  shutdownGraceSeconds: 1,
});
process.stdout.write('worker-ready\n');
await running.done;
