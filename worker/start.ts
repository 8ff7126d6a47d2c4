import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import {
  type ActivityInterceptorsFactory,
  bundleWorkflowCode,
  type NativeConnection,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createRequire } from 'node:module';
import { timeActivities } from '../activities/activity-metrics.ts';
import { keepBeating } from '../activities/heartbeat.ts';
import { bdaErrorsAsFailures } from '../activities/bda-error-failures.ts';
import type { Tracing } from '../engines/telemetry/tracing.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { TaskQueue, type TaskQueueName } from '../schemas/modality.ts';
import { installRuntime } from './temporal-runtime.ts';
import { activitySlots, queueRateLimit } from './queue-slots.ts';

/** Temporal's workflow interceptors that open workflow spans and carry the trace context into activities and children. */
const tracingWorkflowInterceptors = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

export const defaultWorkflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * How long a workflow task waits on this worker's sticky queue (its cache of running workflows) before any worker may
 * take it. A live worker's poller takes it in milliseconds; after a crash each workflow the dead worker had cached
 * waits this long once (the SDK's 10 s default put up to 10 s on every chain of a recovering batch).
 */
const STICKY_TIMEOUT = '3 seconds';

export interface StartWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  queues: TaskQueueName[];
  /** slots per queue, the generative queue's rate, the runtime's log level */
  worker: QuarryConfig['worker'];
  /** activities registered on each queue */
  activities: Partial<Record<TaskQueueName, object>>;
  dataConverter?: DataConverter;
  workflowsPath?: string;
  /** a prebuilt bundle (faster start, and what production runs) */
  workflowBundle?: WorkflowBundle;
  /** seconds in-flight activities get to finish on shutdown (default: QUARRY_SHUTDOWN_GRACE_SECONDS) */
  shutdownGraceSeconds?: number;
  /** this process's tracing (engines/telemetry/tracing.ts): workflow and activity spans when set */
  tracing?: Tracing;
  /** where the Temporal runtime serves its Prometheus metrics (QUARRY_RUNTIME_METRICS_ADDRESS) */
  runtimeMetricsAddress?: string;
}

export interface RunningWorkers {
  workers: Worker[];
  /** resolves when every worker has drained and stopped */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * One Worker per task queue in this process. Workflows (orchestration only: job, asset, pipelines, slots)
 * run on the orchestration queue; every other queue is activities-only with its own slots, so a long
 * audio file never starves a one-page receipt.
 */
export async function startWorkers(opts: StartWorkersOptions): Promise<RunningWorkers> {
  installRuntime(opts.worker.logLevel, opts.runtimeMetricsAddress);
  const { tracing } = opts;
  const workers: Worker[] = [];
  const graceMs = Math.round((opts.shutdownGraceSeconds ?? opts.worker.shutdownGraceSeconds) * 1000);
  let bundle = opts.workflowBundle;
  if (opts.queues.includes(TaskQueue.orchestration) && !bundle) {
    bundle = await bundleWorkflowCode({
      workflowsPath: opts.workflowsPath ?? defaultWorkflowsPath,
      // the workflow sandbox must convert failures like the client and activities do (encoded messages)
      failureConverterPath: opts.dataConverter?.failureConverterPath,
      ...(tracing ? { workflowInterceptorModules: [tracingWorkflowInterceptors] } : {}),
      logger: quietBundler,
    });
  }
  for (const queue of opts.queues) {
    const orchestration = queue === TaskQueue.orchestration;
    const activities = opts.activities[queue] ?? {};
    if (!orchestration && Object.keys(activities).length === 0) continue; // nothing to serve on this queue
    workers.push(
      await Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: queue,
        dataConverter: opts.dataConverter,
        ...(orchestration ? { workflowBundle: bundle, stickyQueueScheduleToStartTimeout: STICKY_TIMEOUT } : {}),
        activities,
        // every activity beats while it runs: a dead worker's activities are retried one heartbeat timeout later;
        // every attempt is timed (quarry_activity_seconds) and, with tracing on, a span
        interceptors: {
          activity: [keepBeating, timeActivities, bdaErrorsAsFailures, ...(tracing ? [activitySpans] : [])],
          ...(orchestration && tracing ? { workflowModules: [tracingWorkflowInterceptors] } : {}),
        },
        ...(orchestration && tracing
          ? { sinks: { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) } }
          : {}),
        maxConcurrentActivityTaskExecutions: activitySlots(queue, opts.worker),
        maxTaskQueueActivitiesPerSecond: queueRateLimit(queue, opts.worker),
        // on shutdown: stop polling, let running activities finish for the grace time, then cancel them (their
        // attempt fails and is retried elsewhere); an activity that ignores the cancellation is abandoned 10 s later
        shutdownGraceTime: graceMs,
        shutdownForceTime: graceMs + 10_000,
      }),
    );
  }
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  return {
    workers,
    done,
    /** stop polling and drain (see shutdownGraceTime); resolves when every worker has stopped */
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

const activitySpans: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

const quietBundler = {
  trace() {},
  debug() {},
  info() {},
  warn(m: string) {
    console.warn(m);
  },
  error(m: string) {
    console.error(m);
  },
  log() {},
};
