/**
 * What `GET /metrics` answers, in Prometheus' text format: Quarry's own registry (engines/telemetry/metrics.ts),
 * each task queue's backlog and pollers as the Temporal server reports them at scrape time, and the Temporal
 * runtime's own metrics when this process's runtime serves them (QUARRY_RUNTIME_METRICS_ADDRESS).
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { renderMetrics } from '../engines/telemetry/metrics.ts';
import { runtimeMetrics } from '../engines/telemetry/runtime-metrics.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { TaskQueue } from '../schemas/modality.ts';

const { TaskQueueType } = proto.temporal.api.enums.v1;
const TYPES = [
  ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
  ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
] as const;

/** Backlog and pollers of every Quarry task queue, as gauges; a queue the server cannot describe is left out. */
export async function taskQueueGauges(client: Client, namespace: string): Promise<string> {
  const backlog: string[] = [];
  const pollers: string[] = [];
  await Promise.all(
    Object.values(TaskQueue).flatMap((name) =>
      TYPES.map(async ([type, taskQueueType]) => {
        try {
          const r = await client.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name },
            taskQueueType,
            reportStats: true,
          });
          const labels = `task_queue="${name}",type="${type}"`;
          backlog.push(`quarry_task_queue_backlog{${labels}} ${Number(r.stats?.approximateBacklogCount ?? 0)}`);
          pollers.push(`quarry_task_queue_pollers{${labels}} ${r.pollers?.length ?? 0}`);
        } catch {
          // a server without task-queue stats: no gauge rather than a wrong one
        }
      }),
    ),
  );
  return [
    "# HELP quarry_task_queue_backlog Tasks waiting on a Quarry task queue (the server's approximate backlog count)",
    '# TYPE quarry_task_queue_backlog gauge',
    ...backlog.sort(),
    '# HELP quarry_task_queue_pollers Workers polling a Quarry task queue',
    '# TYPE quarry_task_queue_pollers gauge',
    ...pollers.sort(),
    '',
  ].join('\n');
}

export async function metricsText(client: Client | undefined, config: QuarryConfig): Promise<string> {
  const [queues, runtime] = await Promise.all([
    client ? taskQueueGauges(client, config.temporal.namespace) : '',
    runtimeMetrics(config.observability.runtimeMetricsAddress),
  ]);
  return renderMetrics([queues, runtime]);
}
