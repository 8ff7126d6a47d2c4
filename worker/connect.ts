import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection } from '@temporalio/worker';
import { createDataConverter } from '../codecs/data-converter.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { installRuntime } from './temporal-runtime.ts';

/** Connections to the configured Temporal (dev server, self-hosted cluster, or Cloud with TEMPORAL_API_KEY + TLS). */
function connectionOptions({ apiKey, tls }: QuarryConfig['temporal']) {
  return { ...(apiKey ? { apiKey } : {}), ...(tls ? { tls: true } : {}) };
}

export async function connectClient(config: QuarryConfig): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: config.temporal.address, ...connectionOptions(config.temporal) });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config),
    // with tracing on, starting a workflow is a span whose context travels in the workflow's headers
    ...(config.observability.traces !== 'off'
      ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }
      : {}),
  });
  return { client, connection };
}

export function connectWorker(config: QuarryConfig): Promise<NativeConnection> {
  installRuntime(config.worker.logLevel, config.observability.runtimeMetricsAddress);
  return NativeConnection.connect({ address: config.temporal.address, ...connectionOptions(config.temporal) });
}
