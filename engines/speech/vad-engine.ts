/**
 * The voice-activity engines behind one small interface: the energy detector (voice-activity.ts) and Silero VAD
 * (silero-vad.ts), chosen by `QUARRY_VAD=energy|silero`. Energy is the default: through the whole pipeline it gave
 * the lower WER in 3 of the 4 conditions of bench/audio-vad.bench.ts (Silero only on clean audio with silent pauses;
 * docs/audio.md). When Silero is asked for but its optional packages are missing (or the model fails to load) the
 * energy detector runs instead, and the output's `voice_activity` names the engine that actually ran. Both give
 * speech regions in ms, so chunk planning, muting and the hallucination filter do not care which one ran.
 */
import {
  loadSilero,
  pipelineSileroOptions,
  SILERO_RATE,
  type SileroOptions,
  sileroRegions,
} from './silero-vad.ts';
import { detectSpeech, FRAME_MS, type SpeechRegion } from './voice-activity.ts';

export type VadEngineName = 'silero' | 'energy';

export const ENERGY_METHOD = 'energy-adaptive-threshold (30 ms frames, noise-floor percentile, hangover)';
export function sileroMethod(o: SileroOptions = pipelineSileroOptions): string {
  return `silero-vad v5 (ONNX on onnxruntime-node CPU; 32 ms frames, threshold ${o.threshold}/${o.negThreshold}, min speech ${o.minSpeechMs} ms, min silence ${o.minSilenceMs} ms, pad ${o.speechPadMs} ms)`;
}
export const SILERO_METHOD = sileroMethod();

/**
 * The engine used when QUARRY_VAD is unset (QuarryConfig `audio.vad.engine`; a unit test keeps the two equal): the
 * one with the lower pipeline WER in bench/audio-vad.bench.ts.
 */
export const DEFAULT_VAD: VadEngineName = 'energy';

/** What QuarryConfig `audio.vad` says: the engine, and the Silero model and settings. */
export interface VadConfig {
  engine: VadEngineName;
  sileroModel?: string;
  silero: SileroOptions;
}

export interface VadStream {
  /** 16-bit little-endian mono PCM at 16 kHz, in the order decoded */
  push(chunk: Buffer): void | Promise<void>;
  /**
   * Speech regions of the whole stream. `levels` are the energy frame levels (dBFS per FRAME_MS) that the caller
   * measured on the same PCM (it needs them anyway for the duration); the energy engine works on them alone.
   */
  end(levels: number[]): Promise<SpeechRegion[]>;
}

export interface VadEngine {
  readonly name: VadEngineName;
  /** what the output reports as `voice_activity` */
  readonly method: string;
  stream(): VadStream;
}

export const energyEngine: VadEngine = {
  name: 'energy',
  method: ENERGY_METHOD,
  stream: () => ({
    push() {},
    end: async (levels) => detectSpeech(levels, undefined, FRAME_MS),
  }),
};

/** The Silero engine; rejects when onnxruntime-node or the model is missing. */
export async function sileroEngine(
  modelPath?: string,
  options: SileroOptions = pipelineSileroOptions,
): Promise<VadEngine> {
  const model = await loadSilero(modelPath);
  return {
    name: 'silero',
    method: sileroMethod(options),
    stream() {
      const s = model.stream();
      return {
        push: (chunk) => s.pushS16(chunk),
        async end() {
          const probs = await s.end();
          return sileroRegions(probs, (s.samples * 1000) / SILERO_RATE, options);
        },
      };
    },
  };
}

const warned = new Set<string>();

/**
 * The engine the configuration asks for (`QUARRY_VAD`). Silero falls back to the energy detector, with one
 * warning per process, when it cannot be loaded.
 */
export async function selectVadEngine(
  vad: VadConfig,
  load: () => Promise<VadEngine> = () => sileroEngine(vad.sileroModel, vad.silero),
): Promise<VadEngine> {
  if (vad.engine === 'energy') return energyEngine;
  try {
    return await load();
  } catch (e) {
    const why = (e as Error).message.split('\n')[0].slice(0, 300);
    if (!warned.has(why)) {
      warned.add(why);
      process.emitWarning(`Silero VAD unavailable, using the energy detector: ${why}`, { code: 'QUARRY_VAD_FALLBACK' });
    }
    return energyEngine;
  }
}
