/**
 * OpenTelemetry tracing for one process (`QUARRY_TRACES`): a tracer provider with the configured exporter,
 * registered globally with an AsyncLocalStorage context so that spans nest across awaits. Off by default; then
 * the OpenTelemetry API is a no-op and `inSpan` costs a function call. The worker adds Temporal's interceptors
 * (workflow and activity spans, context carried in Temporal headers) and the API its client interceptor, so one
 * trace runs from the HTTP request through the job's workflows and activities into the engines.
 */
import path from 'node:path';
import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { FileSpanExporter } from './file-span-exporter.ts';

export interface TracingConfig {
  home: string;
  observability: {
    traces: 'off' | 'file' | 'console' | 'otlp';
    tracesFile?: string;
    tracesEndpoint: string;
  };
}

export interface Tracing {
  processor: SpanProcessor;
  resource: Resource;
  /** exports what is buffered and stops */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/** Starts tracing in this process once (later calls return the same); undefined when `QUARRY_TRACES=off`. */
export function startTracing(config: TracingConfig, service = 'quarry'): Tracing | undefined {
  const o = config.observability;
  if (o.traces === 'off') return undefined;
  if (current) return current;
  // batched: a span's end only queues it; the exporter writes a batch at a time, every half second at most
  const processor = new BatchSpanProcessor(
    o.traces === 'otlp'
      ? new OTLPTraceExporter({ url: o.tracesEndpoint })
      : o.traces === 'file'
        ? new FileSpanExporter(o.tracesFile ?? path.join(config.home, 'traces.jsonl'))
        : new ConsoleSpanExporter(),
    { scheduledDelayMillis: 500 },
  );
  const resource = new Resource({ 'service.name': service });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  current = { processor, resource, shutdown: () => provider.shutdown() };
  return current;
}

/** Runs `fn` in a span named `name` (a no-op span when tracing is off); failures mark the span and rethrow. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer('quarry').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  });
}
