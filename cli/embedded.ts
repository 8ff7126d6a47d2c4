import path from 'node:path';
import { loadTenants } from '../control-plane/tenants.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { type RunningApi, startApi } from '../api/server.ts';
import { type CodecServer, startCodecServer } from '../codecs/codec-server.ts';
import { createDataConverter } from '../codecs/data-converter.ts';
import { startTracing } from '../engines/telemetry/tracing.ts';
import { loadConfig, type QuarryConfig } from '../schemas/config.ts';
import { TaskQueue, type TaskQueueName } from '../schemas/modality.ts';
import { activitiesByQueue } from '../worker/activities.ts';
import { connectClient, connectWorker } from '../worker/connect.ts';
import { type RunningWorkers, startWorkers } from '../worker/start.ts';
import { type DevServer, startDevServer } from './dev-server.ts';
import { freePort } from './free-port.ts';

export interface EmbeddedStack {
  config: QuarryConfig;
  apiUrl: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * Everything on one machine: the Temporal dev server (SQLite under QUARRY_HOME), the codec server for
 * the Web UI, workers for every task queue, and the API. The same code as a scaled-out deployment,
 * with local defaults: storage is the current directory and QUARRY_HOME, and loopback needs no API key.
 */
export async function startEmbedded(opts: {
  fixedPorts: boolean;
  ui: boolean;
  /** the process environment: its variables win over the embedded defaults */
  env: NodeJS.ProcessEnv;
  log?: (s: string) => void;
}): Promise<EmbeddedStack> {
  const log = opts.log ?? (() => {});
  const base = loadConfig({
    QUARRY_LOG_LEVEL: 'ERROR', // embedded: the CLI's own output is what a person reads
    QUARRY_DEV: '1', // embedded: loopback needs no key, and a dev encryption key is created under QUARRY_HOME
    QUARRY_ALLOWED_ROOTS: process.cwd(),
    ...opts.env,
  });
  const temporalPort = opts.fixedPorts ? base.cli.temporalPort : await freePort();
  const apiPort = opts.fixedPorts ? base.api.port : await freePort();
  const codecPort = opts.fixedPorts ? base.codec.port : await freePort();
  const uiPort = opts.ui ? (opts.fixedPorts ? base.cli.uiPort : await freePort()) : undefined;
  // the Temporal runtime's metrics join the API's /metrics: on a free local port unless one is configured
  const runtimeMetricsAddress =
    base.observability.runtimeMetricsAddress ?? (base.observability.metrics ? `127.0.0.1:${await freePort()}` : undefined);
  const config: QuarryConfig = {
    ...base,
    temporal: { ...base.temporal, address: `127.0.0.1:${temporalPort}` },
    api: { ...base.api, port: apiPort },
    observability: { ...base.observability, runtimeMetricsAddress },
  };
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => log(`stop: ${e}`));
  };
  try {
    const tracing = startTracing(config);
    if (tracing) stops.push(() => tracing.shutdown());
    const codec: CodecServer = await startCodecServer({ port: codecPort, host: '127.0.0.1', corsOrigins: uiPort ? [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`] : [], config });
    stops.push(() => codec.close());
    log(`starting Temporal dev server on ${config.temporal.address} (data: ${path.join(config.home, 'temporal.db')})`);
    const temporal: DevServer = await startDevServer({ binary: config.tools.temporal, home: config.home, port: temporalPort, uiPort, codecEndpoint: codec.url });
    stops.push(() => temporal.stop());
    const { client, connection } = await connectClient(config);
    stops.push(() => connection.close());
    const native = await connectWorker(config);
    stops.push(() => native.close());
    const storage = openStorage(config, loadTenants(config).everyGrant());
    log('starting workers for every task queue');
    const workers: RunningWorkers = await startWorkers({
      connection: native,
      namespace: config.temporal.namespace,
      queues: Object.values(TaskQueue) as TaskQueueName[],
      worker: config.worker,
      activities: activitiesByQueue({ config, storage, client }),
      dataConverter: createDataConverter(config),
      tracing,
      runtimeMetricsAddress,
    });
    stops.push(() => workers.shutdown());
    const { handleControlPlane } = await import('../api/control-plane-routes.ts');
    const api: RunningApi = await startApi({ config, client, storage, controlPlane: handleControlPlane }, { host: config.api.host, port: config.api.port });
    stops.push(() => api.close());
    return { config, apiUrl: api.url, uiUrl: temporal.uiUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
