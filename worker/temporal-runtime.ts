import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

/**
 * Installs the Temporal runtime once per process with a quieter logger (QUARRY_LOG_LEVEL, `worker.logLevel`). The
 * runtime does not listen to signals: the process that owns the workers drains them (worker/stop-on-signal.ts), in
 * its own order (`quarry dev` closes the API before the workers).
 */
export function installRuntime(level: LogLevel = 'WARN', metricsAddress?: string): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      shutdownSignals: [],
      // the runtime's own Prometheus endpoint (QUARRY_RUNTIME_METRICS_ADDRESS): polls, slots, schedule-to-start latencies
      ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
    });
  } catch {
    // already installed in this process
  }
}
