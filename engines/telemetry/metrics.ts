/**
 * Quarry's own Prometheus metrics, one registry per process (prom-client): what the API accepted, what the
 * workers did and how long each activity took. The API's `GET /metrics` and a worker's metrics port render it;
 * recording is a counter increment, cheap enough to leave on.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export const registry = new Registry();

export const metrics = {
  jobsSubmitted: new Counter({
    name: 'quarry_jobs_submitted_total',
    help: 'Jobs the API started, by operation (InvokeDataAutomationAsync or the synchronous InvokeDataAutomation)',
    labelNames: ['operation'] as const,
    registers: [registry],
  }),
  jobsFinished: new Counter({
    name: 'quarry_jobs_finished_total',
    help: 'Jobs whose job_metadata.json was written, by BDA status (Success, ClientError, ServiceError)',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  assetsFinished: new Counter({
    name: 'quarry_assets_finished_total',
    help: 'Assets finished, by modality and status',
    labelNames: ['modality', 'status'] as const,
    registers: [registry],
  }),
  pages: new Counter({
    name: 'quarry_pages_total',
    help: 'Document pages read, by how (text layer or OCR)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  activitySeconds: new Histogram({
    name: 'quarry_activity_seconds',
    help: 'Seconds each activity attempt took (a phase of a job), by activity, task queue and outcome',
    labelNames: ['activity', 'task_queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
    registers: [registry],
  }),
};

/** The registry in Prometheus' text format, followed by `extra` (other sources' text, e.g. the Temporal runtime's). */
export async function renderMetrics(extra: string[] = []): Promise<string> {
  const own = await registry.metrics();
  return [own, ...extra.filter((e) => e.trim())].join('\n');
}

export const metricsContentType = registry.contentType;
