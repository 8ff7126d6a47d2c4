import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/deps.ts';
import { createDataConverter } from '../../codecs/data-converter.ts';
import { loadTenants } from '../../control-plane/tenants.ts';
import { openStorage, type StorageRouter } from '../../engines/storage/open-storage.ts';
import { startTracing } from '../../engines/telemetry/tracing.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { loadConfig, type QuarryConfig } from '../../schemas/config.ts';
import { TaskQueue, type TaskQueueName } from '../../schemas/modality.ts';
import { installRuntime } from '../../worker/temporal-runtime.ts';
import { type RunningWorkers, startWorkers } from '../../worker/start.ts';
import { createNamespace } from './temporal-server.ts';

export interface Stack {
  config: QuarryConfig;
  namespace: string;
  /** a temp folder that is the storage root; `rootUri` is its file:// URI */
  root: string;
  rootUri: string;
  client: Client;
  storage: StorageRouter;
  workers?: RunningWorkers;
  api?: RunningApi;
  deps: ActivityDeps;
  close(): Promise<void>;
}

export interface StackOptions {
  /** the Temporal frontend (from the vitest global setup: inject('temporalAddress')) */
  address: string;
  activities?: (deps: ActivityDeps) => Partial<Record<TaskQueueName, object>>;
  workflowsPath?: string;
  queues?: TaskQueueName[];
  api?: boolean;
  workers?: boolean;
  env?: Record<string, string>;
  dataConverter?: DataConverter;
  namespace?: string;
}

/**
 * A whole Quarry on a real Temporal server, isolated in its own namespace and temp storage root:
 * workers for every queue, and (optionally) the HTTP API on a free loopback port.
 */
export async function createStack(opts: StackOptions): Promise<Stack> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-test-'));
  const namespace = opts.namespace ?? `test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    QUARRY_HOME: path.join(root, '.quarry'),
    QUARRY_ALLOWED_ROOTS: root,
    TEMPORAL_ADDRESS: opts.address,
    TEMPORAL_NAMESPACE: namespace,
    QUARRY_DEV: '1',
    QUARRY_API_PORT: '0',
    QUARRY_LOG_LEVEL: 'ERROR',
    // the embedded model (the default when installed) is opted into by the tests that measure it
    QUARRY_GENERATIVE: 'off',
    ...opts.env,
  });
  installRuntime(config.worker.logLevel, config.observability.runtimeMetricsAddress);
  // QUARRY_TRACES in `env`: the API's client, the workflows and the activities trace, as in `quarry dev`
  const tracing = startTracing(config);
  const dataConverter = opts.dataConverter ?? createDataConverter(loadConfig({ QUARRY_HOME: config.home, QUARRY_DEV: '1' }));
  const native = await NativeConnection.connect({ address: opts.address });
  if (!opts.namespace) await createNamespace(native, namespace);
  const connection = await Connection.connect({ address: opts.address });
  const client = new Client({
    connection,
    namespace,
    dataConverter,
    ...(tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {}),
  });
  const storage = openStorage(config, loadTenants(config).everyGrant());
  const deps: ActivityDeps = { config, storage, client };
  let workers: RunningWorkers | undefined;
  if (opts.workers !== false) {
    workers = await startWorkers({
      connection: native,
      namespace,
      queues: opts.queues ?? (Object.values(TaskQueue) as TaskQueueName[]),
      worker: config.worker,
      activities: opts.activities?.(deps) ?? {},
      workflowsPath: opts.workflowsPath,
      dataConverter,
      shutdownGraceSeconds: 2,
      tracing,
    });
  }
  const api = opts.api ? await startApi({ config, client, storage }, { host: '127.0.0.1', port: 0 }) : undefined;
  return {
    config,
    namespace,
    root,
    rootUri: pathToFileURL(root).href,
    client,
    storage,
    workers,
    api,
    deps,
    async close() {
      await api?.close();
      await workers?.shutdown();
      await connection.close();
      await native.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
