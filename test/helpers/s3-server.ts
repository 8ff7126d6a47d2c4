import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MOTO = path.join(ROOT, '.tools/py/bin/moto_server');

/** Credentials the local server accepts (any are accepted; these just keep the SDK from searching). */
export const s3TestCredentials = { accessKeyId: 'quarry-test', secretAccessKey: 'quarry-test-secret' };

export interface S3TestServer {
  /** e.g. http://127.0.0.1:40123 — use with forcePathStyle */
  endpoint: string;
  region: string;
  /** A client for test setup (creating buckets, uploading fixtures). */
  client: S3Client;
  stop(): Promise<void>;
}

/**
 * Starts a REAL S3-compatible server (moto in server mode, installed by scripts/setup.d/15-s3-test-server.sh)
 * on 127.0.0.1 with a free port, waits until it answers, creates `buckets`, and returns how to reach it.
 * Also sets AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in process.env when they are unset, so the AWS
 * SDK's standard provider chain (what S3Storage uses) finds credentials without touching the network.
 */
export async function startS3Server(options: { buckets?: string[]; region?: string } = {}): Promise<S3TestServer> {
  if (!existsSync(MOTO))
    throw new Error(`S3 test server not installed (${MOTO} missing): run 'bash scripts/setup.sh' once`);
  process.env.AWS_ACCESS_KEY_ID ??= s3TestCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= s3TestCredentials.secretAccessKey;
  const region = options.region ?? 'us-east-1';

  let child: ChildProcess | undefined;
  let port = 0;
  let lastError = '';
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const c = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let stderr = '';
    c.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    try {
      await waitReady(`http://127.0.0.1:${port}/moto-api/`, c, 30_000);
      child = c;
    } catch (e) {
      c.kill('SIGKILL');
      lastError = `${(e as Error).message}\n${stderr}`; // e.g. the port was taken between probe and bind: try another
    }
  }
  if (!child) throw new Error(`could not start the S3 test server (moto): ${lastError}`);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: s3TestCredentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const proc = child;
  const stop = async () => {
    client.destroy();
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    for (const Bucket of options.buckets ?? []) await client.send(new CreateBucketCommand({ Bucket }));
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, region, client, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
}
