import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../cli/free-port.ts';

const run = promisify(execFile);

/** Where setup unpacks PostgreSQL 16.2 + pgvector (scripts/setup.d/50-knowledge-base.sh). */
export const PG_BIN = path.resolve('.tools/pgserver/pgserver/pginstall/bin');
export const hasPostgres = () => existsSync(path.join(PG_BIN, 'postgres'));

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL with pgvector on 127.0.0.1 and a free port, its data in a temp folder, stopped and removed
 * by `stop()`. PostgreSQL refuses to run as root, so as root it runs as `nobody`.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await fs.chown(dir, 65534, 65534);
  const as = (bin: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'nobody', '--', path.join(PG_BIN, bin), ...args]) : run(path.join(PG_BIN, bin), args);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await as('initdb', ['-D', data, '-U', 'quarry', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  await as('pg_ctl', ['-D', data, '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://quarry@127.0.0.1:${port}/postgres`,
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
