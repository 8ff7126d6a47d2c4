import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

/** Installs the Temporal runtime once per process with a quieter logger (QUARRY_LOG_LEVEL, `worker.logLevel`). */
export function installRuntime(level: LogLevel = 'WARN'): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // already installed in this process
  }
}
