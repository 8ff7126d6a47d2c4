/**
 * Speech recognition with faster-whisper (CTranslate2, int8): one long-lived Python process per worker process
 * (engines/speech/faster_whisper_server.py), which loads the model once and answers JSON-lines requests one at a
 * time; requests queue here. The samples go over as a raw float32 file. Cancelling kills the process; so do a
 * crash, a malformed reply and a timeout proportional to the audio's length, each becoming a clear error. The
 * next request starts a fresh process, so the engine never hangs.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type FasterWhisperSegment, fasterWhisperWords, parseFasterWhisperLine } from './faster-whisper-reply.ts';
import type { RecognitionResult } from './recognizer-options.ts';

const SERVER = fileURLToPath(new URL('./faster_whisper_server.py', import.meta.url));

export interface FasterWhisperOptions {
  python: string;
  modelDir: string;
  threads: number;
  computeType?: string;
  /** the server script (tests give a fake one) */
  server?: string;
  /** ms to load the model before the first request (default 120 s) */
  startTimeoutMs?: number;
  /** ms a request may take for `audioMs` of audio (default 60 s + 4 × the audio's length) */
  requestTimeoutMs?: (audioMs: number) => number;
}

export interface FasterWhisperRequest {
  pcm: Float32Array;
  offsetMs: number;
  language: string;
  beamSize: number;
  signal?: AbortSignal;
  onProgress?: (segmentsDone: number, lastEndMs: number) => void;
}

/** The process could not be started or did not load its model: `auto` falls back to whisper.cpp on this one. */
export class FasterWhisperStartError extends Error {
  override name = 'FasterWhisperStartError';
}

interface Pending {
  id: number;
  resolve(r: { language: string; segments: FasterWhisperSegment[] }): void;
  reject(e: Error): void;
  onProgress?: (segments: number, endS: number) => void;
}

/** One running server: its child, whether it loaded, and the request it is working on. */
interface Session {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<string>;
  pending?: Pending;
  stderr: string[];
  exited: Promise<void>;
}

export class FasterWhisperProcess {
  private session?: Session;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private tmp?: string;

  constructor(readonly opts: FasterWhisperOptions) {}

  /** Recognises mono 16 kHz float PCM after the requests before it; times are file times (+ offsetMs). */
  transcribe(req: FasterWhisperRequest): Promise<RecognitionResult> {
    const run = this.queue.then(() => this.run(req));
    this.queue = run.catch(() => {});
    if (!req.signal) return run;
    // a request cancelled while it waits its turn is answered at once (its turn then does nothing)
    const signal = req.signal;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** The process's id while one runs (tests kill it). */
  get pid(): number | undefined {
    return this.session?.child.pid;
  }

  /** Ends the process (stdin closed, then killed if it lingers). */
  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    s.child.stdin.end();
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 2000);
    await s.exited;
    clearTimeout(timer);
  }

  private async run(req: FasterWhisperRequest): Promise<RecognitionResult> {
    if (req.signal?.aborted) throw abortError(req.signal);
    const session = this.session ?? this.start();
    const engine = await withTimeout(session.ready, this.opts.startTimeoutMs ?? 120_000, () => {
      this.kill(session);
      return new FasterWhisperStartError('faster-whisper did not load its model in time');
    });
    if (req.signal?.aborted) throw abortError(req.signal);
    this.tmp ??= mkdtempSync(path.join(os.tmpdir(), 'quarry-asr-'));
    const id = this.nextId++;
    const audio = path.join(this.tmp, `${process.pid}-${id}.f32`);
    await fs.writeFile(audio, Buffer.from(req.pcm.buffer, req.pcm.byteOffset, req.pcm.byteLength));
    const audioMs = (req.pcm.length / 16000) * 1000;
    const timeoutMs = (this.opts.requestTimeoutMs ?? ((ms) => 60_000 + 4 * ms))(audioMs);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const reply = await new Promise<{ language: string; segments: FasterWhisperSegment[] }>((resolve, reject) => {
        if (this.session !== session) {
          reject(new Error(`faster-whisper exited before the request: ${tail(session)}`));
          return;
        }
        session.pending = {
          id,
          resolve,
          reject,
          onProgress: (n, endS) => req.onProgress?.(n, req.offsetMs + endS * 1000),
        };
        timer = setTimeout(() => {
          this.fail(session, new Error(`faster-whisper took longer than ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        if (req.signal) {
          const signal = req.signal;
          onAbort = () => this.fail(session, abortError(signal));
          signal.addEventListener('abort', onAbort, { once: true });
        }
        session.child.stdin.write(
          `${JSON.stringify({ id, audio, language: req.language, beam_size: req.beamSize, word_timestamps: true })}\n`,
        );
      });
      const language = reply.language || req.language;
      return { words: fasterWhisperWords(reply.segments, req.offsetMs), language, engine };
    } finally {
      clearTimeout(timer);
      if (onAbort) req.signal?.removeEventListener('abort', onAbort);
      await fs.rm(audio, { force: true });
    }
  }

  private start(): Session {
    const env: NodeJS.ProcessEnv = { ...process.env, HF_HUB_OFFLINE: '1', PYTHONUNBUFFERED: '1' };
    // set on some machines for old OpenBLAS builds; they slow a current numpy (faster-whisper's mel features)
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const { python, modelDir, threads, computeType = 'int8' } = this.opts;
    const child = spawn(
      python,
      [this.opts.server ?? SERVER, '--model', modelDir, '--threads', String(threads), '--compute-type', computeType],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    // an idle server never keeps the worker alive; a request's timer does while it runs
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
    let ready!: { resolve(engine: string): void; reject(e: Error): void };
    const session: Session = {
      child,
      ready: new Promise<string>((resolve, reject) => {
        ready = { resolve, reject };
      }),
      stderr: [],
      exited: new Promise((resolve) => child.once('close', () => resolve())),
    };
    session.ready.catch(() => {});
    this.session = session;
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdin.on('error', () => {}); // EPIPE after a crash: the exit handler reports it
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      session.stderr.push(...d.split('\n').filter(Boolean));
      session.stderr.splice(0, Math.max(0, session.stderr.length - 20));
    });
    let loaded = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (this.session !== session) return;
      let reply: ReturnType<typeof parseFasterWhisperLine>;
      try {
        reply = parseFasterWhisperLine(line);
      } catch (e) {
        this.fail(session, e as Error);
        return;
      }
      if ('event' in reply && reply.event === 'ready') {
        loaded = true;
        ready.resolve(
          `faster-whisper ${reply.faster_whisper} (CTranslate2 ${reply.ctranslate2}, ${reply.compute_type}), OpenAI Whisper base`,
        );
        return;
      }
      const p = session.pending;
      if (!p || (reply.id !== null && reply.id !== p.id)) return; // an answer to a request already given up
      if ('event' in reply) p.onProgress?.(reply.segments, reply.end);
      else if ('error' in reply) {
        session.pending = undefined;
        p.reject(new Error(`faster-whisper could not transcribe: ${reply.error}`));
      } else {
        session.pending = undefined;
        p.resolve(reply);
      }
    });
    child.once('error', (e) => {
      ready.reject(new FasterWhisperStartError(`could not start faster-whisper (${python}): ${e.message}`));
      this.fail(session, new Error(`faster-whisper process failed: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!loaded) {
        ready.reject(new FasterWhisperStartError(`faster-whisper exited with ${how} while loading: ${tail(session)}`));
      }
      this.fail(session, new Error(`faster-whisper exited with ${how} while transcribing: ${tail(session)}`));
    });
    return session;
  }

  /** Gives up the session's request with `error` and kills it; the next request starts a new process. */
  private fail(session: Session, error: Error): void {
    const p = session.pending;
    session.pending = undefined;
    this.kill(session);
    p?.reject(error);
  }

  private kill(session: Session): void {
    if (this.session === session) this.session = undefined;
    if (session.child.exitCode === null && session.child.signalCode === null) session.child.kill('SIGKILL');
  }
}

function tail(s: Session): string {
  return s.stderr.slice(-5).join(' | ') || 'no output on stderr';
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error(`speech recognition cancelled${r ? `: ${String(r)}` : ''}`);
}

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const processes = new Map<string, FasterWhisperProcess>();

/** Every server child; killed when the worker process exits, even in the middle of a request. */
const running = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** This worker process's faster-whisper server for these options (one per model and thread count). */
export function fasterWhisperProcess(opts: FasterWhisperOptions): FasterWhisperProcess {
  const key = JSON.stringify([opts.python, opts.modelDir, opts.threads, opts.computeType ?? 'int8']);
  let p = processes.get(key);
  if (!p) {
    p = new FasterWhisperProcess(opts);
    processes.set(key, p);
  }
  return p;
}

/** Ends every faster-whisper server (tests, shutdown). */
export async function releaseFasterWhisper(): Promise<void> {
  const all = [...processes.values()];
  processes.clear();
  await Promise.all(all.map((p) => p.close()));
}
