/**
 * `quarry worker [--queues a,b]`: a worker process for some or all task queues. Scale out by running
 * more of these (on more machines) against the same Temporal cluster and storage.
 */
import { loadTenants } from '../control-plane/tenants.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { createDataConverter } from '../codecs/data-converter.ts';
import { startTracing } from '../engines/telemetry/tracing.ts';
import { type QuarryConfig, startupConfig } from '../schemas/config.ts';
import { TaskQueue, type TaskQueueName } from '../schemas/modality.ts';
import { activitiesByQueue } from './activities.ts';
import { connectClient, connectWorker } from './connect.ts';
import { type RunningWorkers, startWorkers } from './start.ts';
import { serveWorkerMetrics } from './metrics-server.ts';
import { serveUntilStopped } from './stop-on-signal.ts';

export function parseQueues(spec: string | undefined): TaskQueueName[] {
  const all = Object.values(TaskQueue) as TaskQueueName[];
  if (!spec || spec === 'all') return all;
  return spec.split(',').map((s) => {
    const q = (s.trim().startsWith('quarry-') ? s.trim() : `quarry-${s.trim()}`) as TaskQueueName;
    if (!all.includes(q)) throw new Error(`unknown task queue '${s}'; known: ${all.map((a) => a.replace('quarry-', '')).join(', ')}`);
    return q;
  });
}

export async function runWorkers(queues: TaskQueueName[], config: QuarryConfig): Promise<RunningWorkers> {
  const { client } = await connectClient(config);
  const connection = await connectWorker(config);
  const deps = { config, storage: openStorage(config, loadTenants(config).everyGrant()), client };
  return startWorkers({
    connection,
    namespace: config.temporal.namespace,
    queues,
    worker: config.worker,
    activities: activitiesByQueue(deps),
    dataConverter: createDataConverter(config),
    tracing: startTracing(config, 'quarry-worker'),
    runtimeMetricsAddress: config.observability.runtimeMetricsAddress,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = startupConfig();
  const i = process.argv.indexOf('--queues');
  const queues = parseQueues(i > 0 ? process.argv[i + 1] : config.worker.queues);
  const running = await runWorkers(queues, config);
  console.log(`[worker] serving ${queues.join(', ')}`);
  if (config.observability.workerMetricsPort !== undefined) {
    const m = await serveWorkerMetrics(config.observability.workerMetricsPort, config.observability.runtimeMetricsAddress);
    console.log(`[worker] metrics on ${m.url}`);
  }
  await serveUntilStopped(running, config.worker.shutdownGraceSeconds, (s) => console.error(`[worker] ${s}`));
  process.exit(0); // the native runtime may keep the event loop alive after the workers stopped
}
