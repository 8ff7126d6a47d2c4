/**
 * Silero VAD (engines/speech/silero-vad.ts) on a real speech clip from samples/ between stretches of silence, its
 * hysteresis on made-up probabilities, and the engine selection with its fallback to the energy detector.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePcm } from '../../engines/media/ffmpeg.ts';
import { defaultSileroOptions, loadSilero, SILERO_FRAME_MS, sileroRegions } from '../../engines/speech/silero-vad.ts';
import {
  DEFAULT_VAD,
  ENERGY_METHOD,
  energyEngine,
  SILERO_METHOD,
  selectVadEngine,
  sileroEngine,
  sileroMethod,
  type VadEngine,
} from '../../engines/speech/vad-engine.ts';
import { loadConfig } from '../../schemas/config.ts';

const vadFor = (env: NodeJS.ProcessEnv) => loadConfig(env).audio.vad;

const SAMPLE = fileURLToPath(new URL('../../samples/sample.wav', import.meta.url));

/** `before` ms of silence, the first `speechMs` of samples/sample.wav (speech from its first frame), `after` ms */
async function silenceSpeechSilence(before: number, speechMs: number, after: number): Promise<Float32Array> {
  const speech = await decodePcm(SAMPLE, { durationMs: speechMs });
  const pcm = new Float32Array(16 * before + speech.length + 16 * after);
  pcm.set(speech, 16 * before);
  return pcm;
}

function s16(pcm: Float32Array): Buffer {
  const b = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) b.writeInt16LE(Math.round(Math.max(-1, Math.min(1, pcm[i])) * 32767), 2 * i);
  return b;
}

describe('Silero VAD', () => {
  it('finds one speech region where the speech is, between two stretches of silence', async () => {
    const run = async (engine: VadEngine, pcm: Float32Array) => {
      const vad = engine.stream();
      const bytes = s16(pcm);
      // odd-sized pieces, as a decoder's pipe delivers them: frames and 16-bit samples straddle the pieces
      for (let i = 0; i < bytes.length; i += 12_345) await vad.push(bytes.subarray(i, i + 12_345));
      return vad.end([]);
    };
    // Silero's own settings: tight around the speech (1500–3500 ms)
    const tight = await sileroEngine(undefined, defaultSileroOptions);
    expect(tight.method).toBe(sileroMethod(defaultSileroOptions));
    const regions = await run(tight, await silenceSpeechSilence(1500, 2000, 1500));
    expect(regions).toHaveLength(1);
    expect(regions[0].startMs).toBeGreaterThan(1300);
    expect(regions[0].startMs).toBeLessThan(1700);
    expect(regions[0].endMs).toBeGreaterThan(3300);
    expect(regions[0].endMs).toBeLessThan(3800);
    // the pipeline's settings: the same region padded by 400 ms (pauses under 2 s stay inside a region, so the
    // trailing silence here is longer than that)
    const engine = await sileroEngine();
    expect(engine.name).toBe('silero');
    expect(engine.method).toBe(SILERO_METHOD);
    const padded = await run(engine, await silenceSpeechSilence(1500, 2000, 3000));
    expect(padded).toHaveLength(1);
    expect(padded[0].startMs).toBeGreaterThan(900);
    expect(padded[0].startMs).toBeLessThan(1300);
    expect(padded[0].endMs).toBeGreaterThan(3700);
    expect(padded[0].endMs).toBeLessThan(4200);
  });

  it('gives low probabilities on silence and high ones on speech, one per 512-sample frame', async () => {
    const pcm = await silenceSpeechSilence(1000, 2000, 1000);
    const model = await loadSilero();
    const s = model.stream();
    await s.pushF32(pcm.subarray(0, 1000));
    await s.pushF32(pcm.subarray(1000));
    const probs = await s.end();
    expect(probs.length).toBe(Math.ceil(pcm.length / 512));
    const mean = (from: number, to: number) =>
      probs.slice(from / SILERO_FRAME_MS, to / SILERO_FRAME_MS).reduce((a, b) => a + b, 0) /
      ((to - from) / SILERO_FRAME_MS);
    expect(mean(0, 900)).toBeLessThan(0.1);
    expect(mean(1200, 2800)).toBeGreaterThan(0.7);
    expect(mean(3200, 4000)).toBeLessThan(0.1);
  });

  it('applies the hysteresis: bridges short dips, drops short bursts, pads the regions', () => {
    const f = (p: number, n: number) => Array<number>(n).fill(p);
    // 10 frames quiet, 20 speech, a 2-frame dip (64 ms < 100 ms), 20 speech, 10 quiet, a 5-frame burst, 20 quiet
    const probs = [
      ...f(0.05, 10),
      ...f(0.9, 20),
      ...f(0.1, 2),
      ...f(0.9, 20),
      ...f(0.05, 10),
      ...f(0.8, 5),
      ...f(0, 20),
    ];
    const total = probs.length * SILERO_FRAME_MS;
    const r = sileroRegions(probs, total, defaultSileroOptions);
    expect(r).toEqual([{ startMs: 10 * 32 - 30, endMs: 52 * 32 + 30 }]);
    // a probability between the two thresholds keeps speech going
    const held = sileroRegions([...f(0.9, 10), ...f(0.4, 10), ...f(0, 10)], 30 * 32, defaultSileroOptions);
    expect(held).toEqual([{ startMs: 0, endMs: 20 * 32 + 30 }]);
    // speech running to the end of the stream closes there
    expect(sileroRegions([...f(0, 5), ...f(0.9, 20)], 25 * 32, defaultSileroOptions)).toEqual([
      { startMs: 5 * 32 - 30, endMs: 25 * 32 },
    ]);
  });
});

describe('VAD engine selection', () => {
  it('falls back to the energy detector when the model cannot be loaded', async () => {
    await expect(loadSilero('/nonexistent/silero_vad_v5.onnx')).rejects.toThrow();
    const engine = await selectVadEngine(vadFor({ QUARRY_VAD: 'silero' }), () =>
      sileroEngine('/nonexistent/silero_vad_v5.onnx'),
    );
    expect(engine).toBe(energyEngine);
    expect(engine.method).toBe(ENERGY_METHOD);
    // the fallback still finds the speech, from the energy levels
    const regions = await engine.stream().end([...Array(30).fill(-90), ...Array(50).fill(-20), ...Array(30).fill(-90)]);
    expect(regions).toHaveLength(1);
    expect(regions[0].startMs).toBeLessThanOrEqual(900);
    expect(regions[0].endMs).toBeGreaterThanOrEqual(2400);
  });

  it('uses the energy detector by default without loading Silero, Silero on request, and rejects other names', async () => {
    let loaded = false;
    const load = async () => {
      loaded = true;
      return sileroEngine();
    };
    const byDefault = await selectVadEngine(vadFor({}), load);
    expect(byDefault.name).toBe(DEFAULT_VAD);
    expect(byDefault).toBe(energyEngine);
    expect(loaded).toBe(false);
    expect((await selectVadEngine(vadFor({ QUARRY_VAD: 'energy' }), load)).name).toBe('energy');
    expect(loaded).toBe(false);
    const silero = await selectVadEngine(vadFor({ QUARRY_VAD: 'Silero ' }));
    expect(silero.name).toBe('silero');
    expect(silero.method).toBe(SILERO_METHOD);
    expect(() => vadFor({ QUARRY_VAD: 'webrtc' })).toThrow(/QUARRY_VAD="webrtc": expected one of energy, silero/);
  });
});
