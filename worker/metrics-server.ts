/**
 * `QUARRY_WORKER_METRICS_PORT`: a `quarry worker` process serves `GET /metrics` on 127.0.0.1 — its activities'
 * metrics (quarry_activity_seconds, pages, assets) and its Temporal runtime's, for a Prometheus scraping each
 * worker of a scaled-out deployment. The API's `/metrics` covers the API process and the task queues.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsContentType, renderMetrics } from '../engines/telemetry/metrics.ts';
import { runtimeMetrics } from '../engines/telemetry/runtime-metrics.ts';

export async function serveWorkerMetrics(
  port: number,
  runtimeAddress: string | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const text = await renderMetrics([await runtimeMetrics(runtimeAddress)]);
    res.writeHead(200, { 'content-type': metricsContentType, 'content-length': Buffer.byteLength(text) }).end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
