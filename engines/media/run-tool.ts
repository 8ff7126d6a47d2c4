/**
 * Runs a command-line tool (poppler, tesseract, LibreOffice, ffmpeg, ffprobe) as a child process to completion:
 * never blocks the event loop, is killed on cancellation or timeout, and fails with a ToolError carrying the
 * exit code and the tail of stderr. Cancelled (the activity's cancellation signal: a cancelled job, a worker
 * draining on SIGTERM), it fails with the signal's reason, so Temporal records a cancellation, not a tool
 * failure. One wrapper for every modality.
 */
import { spawn } from 'node:child_process';

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`);
  }
}

export function runTool(
  cmd: string,
  args: string[],
  opts: { signal?: AbortSignal; timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: Buffer; cwd?: string } = {},
): Promise<ToolResult> {
  if (opts.signal?.aborted) return Promise.reject(cancelledError(cmd, opts.signal));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    let done = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          finish(new ToolError(cmd, null, `timed out after ${opts.timeoutMs} ms`));
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(cancelledError(cmd, opts.signal));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    function finish(e?: Error) {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve({ stdout: Buffer.concat(out), stderr: err });
    }
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => {
      if (err.length < 64_000) err += d.toString();
    });
    child.on('error', (e) => finish(e));
    child.on('close', (code) => (code === 0 ? finish() : finish(new ToolError(cmd, code, err))));
    if (opts.input && child.stdin) child.stdin.end(opts.input);
  });
}

function cancelledError(cmd: string, signal?: AbortSignal): Error {
  return signal?.reason instanceof Error ? signal.reason : new ToolError(cmd, null, 'cancelled');
}

/** True when `cmd` can be run (found on PATH). */
export async function hasTool(cmd: string, versionArg = '--version'): Promise<boolean> {
  try {
    await runTool(cmd, [versionArg], { timeoutMs: 10_000 });
    return true;
  } catch (e) {
    return e instanceof ToolError && e.code !== null; // ran but exited non-zero: it exists
  }
}
