/**
 * An OpenTelemetry span exporter that appends one JSON line per span to a file: what a bench or an operator
 * without a collector reads (`QUARRY_TRACES=file`). Hand-written: OpenTelemetry JS ships console and network
 * exporters only. Each line: trace and span ids, parent, name, service, start and duration in ms, attributes,
 * status.
 */
import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  status: number;
}

export function spanLine(span: ReadableSpan): SpanLine {
  const ctx = span.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    service: String(span.resource.attributes['service.name'] ?? ''),
    startMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    attributes: { ...span.attributes },
    status: span.status.code,
  };
}

export class FileSpanExporter implements SpanExporter {
  /** appends in order, one after another */
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  /** one append per batch, off the event loop's critical path (the batch processor calls this every ~0.5 s) */
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.pending = this.pending
      .then(() => fs.appendFile(this.file, spans.map((s) => `${JSON.stringify(spanLine(s))}\n`).join('')))
      .then(
        () => done({ code: ExportResultCode.SUCCESS }),
        (error: Error) => done({ code: ExportResultCode.FAILED, error }),
      );
  }

  async shutdown(): Promise<void> {
    await this.pending;
  }

  async forceFlush(): Promise<void> {
    await this.pending;
  }
}
