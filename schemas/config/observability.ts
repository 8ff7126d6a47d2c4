/** Configuration of what Quarry tells an operator about itself: traces (OpenTelemetry) and metrics (Prometheus). Pure. */
import { z } from 'zod';
import { kinds, section, variable } from './variables.ts';

export const ObservabilityConfig = section(
  'Observability',
  z.object({
    traces: variable(
      'QUARRY_TRACES',
      kinds.oneOf(['off', 'file', 'console', 'otlp'] as const).default('off'),
      'OpenTelemetry traces across API → workflows → activities → engines: `off`, `file` (JSON lines, `QUARRY_TRACES_FILE`), `console`, or `otlp` (OTLP/HTTP to `QUARRY_TRACES_ENDPOINT`)',
    ),
    tracesFile: variable('QUARRY_TRACES_FILE', kinds.text().optional(), 'where `QUARRY_TRACES=file` appends spans', {
      shown: '`QUARRY_HOME`/traces.jsonl',
    }),
    tracesEndpoint: variable(
      'QUARRY_TRACES_ENDPOINT',
      kinds.text().default('http://127.0.0.1:4318/v1/traces'),
      'the OTLP/HTTP collector `QUARRY_TRACES=otlp` sends spans to',
    ),
    metrics: variable(
      'QUARRY_METRICS',
      kinds.flag().default(true),
      "Prometheus metrics on the API's `GET /metrics` (behind the API's keys): Quarry's own, the task queues' backlog, and the Temporal runtime's when `QUARRY_RUNTIME_METRICS_ADDRESS` is set",
    ),
    runtimeMetricsAddress: variable(
      'QUARRY_RUNTIME_METRICS_ADDRESS',
      kinds.text().optional(),
      "`host:port` where this process's Temporal runtime serves its own Prometheus metrics (workers' polls, slots, latencies)",
      { shown: 'off (`quarry dev`: a free local port)' },
    ),
    workerMetricsPort: variable(
      'QUARRY_WORKER_METRICS_PORT',
      kinds.integer(0, 65535).optional(),
      'a `quarry worker` process serves `GET /metrics` (its activities and runtime) on 127.0.0.1 at this port',
      { shown: 'off' },
    ),
  }),
);
