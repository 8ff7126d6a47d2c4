/**
 * A real Temporal server on PostgreSQL, as the scale-out recipe runs it (docs/scale-out.md): Debian's PostgreSQL in
 * a temp folder, the two databases and their schemas made by `temporal-sql-tool`, and the server built by setup
 * (.tools/temporal-server) started from deploy/temporal-server.yaml, all on 127.0.0.1. `stop()` stops and removes
 * everything.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { freePort } from '../../cli/free-port.ts';
import { debianPostgresBin, type PostgresServer, startPostgres } from './postgres-server.ts';

const run = promisify(execFile);
const TOOLS = path.resolve('.tools/temporal-server');
export const TEMPORAL_SERVER_CONFIG = path.resolve('deploy/temporal-server.yaml');

export interface TemporalCluster {
  /** the frontend, host:port */
  address: string;
  postgres: PostgresServer;
  stop(): Promise<void>;
}

/** Why the cluster cannot start here (what setup did not install), or undefined when it can. */
export function clusterMissing(): string | undefined {
  if (!existsSync(path.join(TOOLS, 'bin', 'temporal-server')))
    return 'the Temporal server is not built: run npm run setup (scripts/setup.d/12-temporal-server.sh)';
  if (!debianPostgresBin())
    return "Debian's PostgreSQL is not installed: run npm run setup as root, or apt-get install postgresql";
  return undefined;
}

/** A base port whose neighbours the server also takes (+1..+3 services, +10 HTTP, +100..+103 membership) are free. */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // membership ports are stored as a smallint: below 32768
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const wanted = [0, 1, 2, 3, 10, 100, 101, 102, 103].map((d) => base + d);
    const got = await Promise.all(wanted.map((p) => freePort(p)));
    if (got.every((p, i) => p === wanted[i])) return base;
  }
  throw new Error('no free range of ports for the Temporal server');
}

/** Both databases with Temporal's schema, as the recipe's commands make them. */
async function createSchemas(pg: PostgresServer, user: string): Promise<void> {
  const [host, port] = pg.address.split(':');
  const tool = path.join(TOOLS, 'bin', 'temporal-sql-tool');
  const common = ['--plugin', 'postgres12', '--ep', host, '-p', port, '-u', user];
  for (const [db, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ]) {
    await run(tool, [...common, '--db', db, 'create-database']);
    await run(tool, [...common, '--db', db, 'setup-schema', '-v', '0.0']);
    await run(tool, [
      ...common,
      '--db',
      db,
      'update-schema',
      '-d',
      path.join(TOOLS, 'schema/postgresql/v12', schema, 'versioned'),
    ]);
  }
}

export async function startTemporalCluster(opts: { durable?: boolean } = {}): Promise<TemporalCluster> {
  const missing = clusterMissing();
  if (missing) throw new Error(missing);
  const user = 'temporal';
  const postgres = await startPostgres({ bin: debianPostgresBin(), user, durable: opts.durable });
  let server: ChildProcess | undefined;
  try {
    await createSchemas(postgres, user);
    const base = await freePortBase();
    let log = '';
    server = spawn(
      path.join(TOOLS, 'bin', 'temporal-server'),
      ['--config-file', TEMPORAL_SERVER_CONFIG, '--allow-no-auth', 'start'],
      {
        env: {
          ...process.env,
          TEMPORAL_SERVER_PG_ADDRESS: postgres.address,
          TEMPORAL_SERVER_PG_USER: user,
          TEMPORAL_SERVER_BIND: '127.0.0.1',
          TEMPORAL_SERVER_PORT: String(base),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (d: Buffer) => {
      log = (log + d).slice(-5000);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    const address = `127.0.0.1:${base}`;
    await waitUntilServing(address, server, () => log);
    const started = server;
    return {
      address,
      postgres,
      async stop() {
        await stopProcess(started);
        await postgres.stop();
      },
    };
  } catch (e) {
    if (server) await stopProcess(server);
    await postgres.stop();
    throw e;
  }
}

/** Waits until the frontend answers (the server takes a few seconds to join its services). */
async function waitUntilServing(address: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the Temporal server exited ${server.exitCode}: ${log()}`);
    try {
      const c = await NativeConnection.connect({ address });
      try {
        await c.workflowService.getSystemInfo({});
        return;
      } finally {
        await c.close();
      }
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`the Temporal server did not answer at ${address}: ${String(e)}\n${log()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
