import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { quarrySearchAttributes } from '../schemas/search-attributes.ts';

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/** `p`: TEMPORAL_CLI_PATH (QuarryConfig `tools.temporal`) */
export function temporalBinary(p: string): string {
  if (!existsSync(p)) throw new Error(`the Temporal CLI is not installed at ${p}. Run: npm run setup`);
  return p;
}

/**
 * The dev server's settings for a small job's latency (bench latency, docs/observability.md):
 * - its one history shard reads new transfer tasks (activity and workflow tasks, signals, child starts) at most
 *   20 times a second by default, so every hop between two workflows or from a workflow to a task queue waited
 *   up to 50 ms for the next read: 1.50 → 0.85 s for a 1-page PDF;
 * - SQLite in WAL mode with `synchronous=NORMAL`: a commit is one append to the log, synced at checkpoints.
 *   It survives a killed process (the log is in the OS's cache and is replayed); a power cut can lose the last
 *   moments of state, as any dev server may. 0.85 → 0.62 s.
 */
export function devServerTuning(): string[] {
  const dynamicConfig = {
    'history.transferProcessorMaxPollRPS': 1000,
    'history.transferProcessorMaxPollHostRPS': 1000,
  };
  return [
    ...['journal_mode=wal', 'synchronous=normal'].flatMap((p) => ['--sqlite-pragma', p]),
    ...Object.entries(dynamicConfig).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]),
  ];
}

/**
 * The Temporal dev server as a child process: SQLite under `.quarry/` (jobs survive a restart), Quarry's
 * search attributes, the Web UI (pointed at Quarry's codec server so it can show decrypted payloads).
 */
export async function startDevServer(opts: {
  /** the Temporal CLI */
  binary: string;
  home: string;
  port: number;
  uiPort?: number;
  codecEndpoint?: string;
  log?: (line: string) => void;
}): Promise<DevServer> {
  await fs.mkdir(opts.home, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(opts.home, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'error',
    ...quarrySearchAttributes.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.uiPort && opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
    ...devServerTuning(),
  ];
  const child: ChildProcess = spawn(temporalBinary(opts.binary), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 250))]);
    if (early !== null) throw new Error(`the Temporal dev server exited (${early}) during start:\n${output.slice(-3000)}`);
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      await c.workflowService.describeNamespace({ namespace: 'default' });
      await c.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not become ready on ${address} within 60 s:\n${output.slice(-3000)}`);
      }
    }
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
