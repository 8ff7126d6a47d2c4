/** What a speech recogniser is asked and what it answers, whichever engine runs (QuarryConfig `audio.asr`). Pure. */
import type { AsrWord } from './transcript-words.ts';

export type AsrEngineChoice = 'auto' | 'faster-whisper' | 'whisper.cpp';

export interface RecognizerOptions {
  /** `auto`: faster-whisper when setup installed its venv and model, else whisper.cpp */
  engine: AsrEngineChoice;
  /** the whisper.cpp (ggml) model file */
  modelPath: string;
  /** faster-whisper's Python (in the venv setup made) and its CTranslate2 model directory */
  fasterWhisper: { python: string; modelDir: string };
  /** "en", "de", … or "auto" to detect */
  language: string;
  threads: number;
  /** 1 = greedy (with temperature fallback); > 1 = beam search of that width */
  beamSize: number;
}

export interface RecognitionResult {
  words: AsrWord[];
  language: string;
  /** the engine that ran, as the output's `quarry.speech_recognition` names it */
  engine: string;
}
