import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../cli/free-port.ts';

const run = promisify(execFile);

/** Where setup unpacks PostgreSQL 16.2 + pgvector (scripts/setup.d/50-knowledge-base.sh). */
export const PG_BIN = path.resolve('.tools/pgserver/pgserver/pginstall/bin');
export const hasPostgres = () => existsSync(path.join(PG_BIN, 'postgres'));

/** Debian's PostgreSQL (scripts/setup.d/12-temporal-server.sh), the newest installed; undefined when none is. */
export function debianPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, 'bin') : undefined;
}

export interface PostgresServer {
  url: string;
  /** host:port */
  address: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL with pgvector on 127.0.0.1 and a free port, its data in a temp folder, stopped and removed
 * by `stop()`. PostgreSQL refuses to run as root, so as root it runs as `nobody`.
 */
export async function startPostgres(
  opts: { bin?: string; user?: string /** fsync on, as in production (benchmarks) */; durable?: boolean } = {},
): Promise<PostgresServer> {
  const bin = opts.bin ?? PG_BIN;
  const user = opts.user ?? 'quarry';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await fs.chown(dir, 65534, 65534);
  const as = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'nobody', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await as('initdb', ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const fsync = opts.durable ? '' : ' -c fsync=off';
  await as('pg_ctl', [
    '-D',
    data,
    '-o',
    `-h 127.0.0.1 -p ${port} -k ${dir}${fsync}`,
    '-l',
    path.join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://${user}@127.0.0.1:${port}/postgres`,
    address: `127.0.0.1:${port}`,
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
