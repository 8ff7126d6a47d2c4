import { loadTenants } from '../control-plane/tenants.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { startTracing } from '../engines/telemetry/tracing.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { connectClient } from '../worker/connect.ts';
import { startApi } from './server.ts';

/** `quarry api`: the HTTP API alone, for deployments that run API and workers separately. */
export async function runApi(config: QuarryConfig): Promise<void> {
  const tracing = startTracing(config, 'quarry-api');
  const { client } = await connectClient(config);
  const { handleControlPlane } = await import('./control-plane-routes.ts');
  const api = await startApi({ config, client, storage: openStorage(config, loadTenants(config).everyGrant()), controlPlane: handleControlPlane }, { host: config.api.host, port: config.api.port });
  console.error(`[api] listening on ${api.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await api.close();
  await tracing?.shutdown();
}
