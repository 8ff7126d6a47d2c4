/**
 * A worker in its own process (so a test can kill -9 or SIGTERM it): the real orchestration workflows and
 * activities with no-op media activities that take QUARRY_NOOP_MS, log every start to QUARRY_START_LOG and every
 * output write to QUARRY_WRITE_LOG. Configured from the environment like `quarry worker`, and stops like it; it
 * serves the orchestration and document queues, or those QUARRY_TEST_QUEUES names (the orchestration benchmark's
 * two-worker run: every modality queue).
 */
import { appendFileSync } from 'node:fs';
import { openStorage } from '../../engines/storage/open-storage.ts';
import { createDataConverter } from '../../codecs/data-converter.ts';
import { loadConfig } from '../../schemas/config.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import { connectClient, connectWorker } from '../../worker/connect.ts';
import { parseQueues } from '../../worker/main.ts';
import { startWorkers } from '../../worker/start.ts';
import { serveUntilStopped } from '../../worker/stop-on-signal.ts';
import { noopPipelineActivities, noopWorkflowsPath } from './orchestration-activities.ts';

const config = loadConfig();
const { client } = await connectClient(config);
const connection = await connectWorker(config);
const storage = openStorage(config);
const log = process.env.QUARRY_WRITE_LOG;
const startLog = process.env.QUARRY_START_LOG;
const base = noopPipelineActivities({ delayMs: Number(process.env.QUARRY_NOOP_MS ?? 0) })({ config, storage, client });
const doc = base[TaskQueue.document] as { processNoop(i: { assetIndex: number }): Promise<string> };
const logged = {
  async processNoop(i: { assetIndex: number }) {
    if (startLog) appendFileSync(startLog, `${i.assetIndex}\n`);
    const uri = await doc.processNoop(i as never);
    if (log) appendFileSync(log, `${i.assetIndex}\n`);
    return uri;
  },
};
const running = await startWorkers({
  connection,
  namespace: config.temporal.namespace,
  queues: process.env.QUARRY_TEST_QUEUES
    ? parseQueues(process.env.QUARRY_TEST_QUEUES)
    : [TaskQueue.orchestration, TaskQueue.document],
  activities: { ...base, [TaskQueue.document]: logged },
  worker: config.worker,
  workflowsPath: noopWorkflowsPath,
  dataConverter: createDataConverter(config),
});
process.stdout.write('worker-ready\n');
await serveUntilStopped(running, config.worker.shutdownGraceSeconds);
process.exit(0);
