import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** Starts test/helpers/worker-process.ts in its own Node process and waits until it polls. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/helpers/worker-process.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err = (err + d).slice(-5000);
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker process did not start: ${err}`)), 90_000);
    child.stdout?.on('data', (d) => {
      if (String(d).includes('worker-ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`worker process exited ${code}: ${err}`));
    });
  });
  return child;
}

export async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Sends `signal` and resolves with how the process ended (its exit code, or the signal that ended it). */
export async function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode) return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
  child.kill(signal);
  return exited;
}

/** A `quarry` command (bin/quarry.mjs) running in its own process group. */
export interface QuarryProcess {
  child: ChildProcess;
  /** the last lines it wrote (stdout and stderr) */
  output(): string;
}

/**
 * Starts `quarry <args>` from this checkout in its own process group (it and everything it starts — the Temporal
 * dev server, ffmpeg, tesseract — can be killed at once, as a machine crash would) and resolves when a line of
 * its output matches `ready`.
 */
export async function startQuarry(args: string[], env: Record<string, string>, ready: RegExp): Promise<QuarryProcess> {
  const child = spawn(process.execPath, [path.resolve('bin/quarry.mjs'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const proc: QuarryProcess = { child, output: () => out };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`quarry ${args.join(' ')} did not start within 90 s:\n${out}`)), 90_000);
    const collect = (d: Buffer) => {
      out = (out + d).slice(-10_000);
      if (ready.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      reject(new Error(`quarry ${args.join(' ')} exited (${code ?? signal}) during start:\n${out}`));
    });
  });
  return proc;
}

/** kill -9 of the process group `child` leads; resolves when the leader is gone. */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode || !child.pid) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}
