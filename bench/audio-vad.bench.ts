/**
 * `npm run bench -- audio-vad`: the voice-activity engines side by side (engines/speech/vad-engine.ts): energy,
 * Silero with the pipeline's settings, and Silero with its own `get_speech_timestamps` settings. Test streams are
 * built from the eval clips (read in place from ../shared/eval/speech; the built media stay under
 * bench/.work/audio-vad): every clip once, separated by 1–3 s gaps, in four conditions — digital silence in the
 * gaps; a pink-noise bed at 10 dB and at 0 dB SNR under everything; and non-speech sounds in the gaps (a chord,
 * a beep and a noise burst at speech level over a quiet noise floor). Noise is generated here from a fixed seed.
 *
 * Per condition and engine: the fraction of gap frames called speech (gaps = more than 300 ms away from any clip:
 * certainly no speech), the fraction of clip frames called speech (clips contain their own short pauses, so 100 %
 * is not the goal, but a low value means missed speech), frame agreement with the energy detector (10-ms frames,
 * % and Cohen's kappa), CPU ms per minute of audio (this process only; the decode is excluded: every engine gets the
 * same 16-bit PCM in 64 KB pieces, as planAudio does), and — unless QUARRY_BENCH_VAD_WER=0 — the WER through the
 * whole audio pipeline (whisper.cpp) with QUARRY_VAD / QUARRY_SILERO_* set for each engine, and how many output
 * words have their midpoint in a gap (hallucinations, but also real words whose Whisper times drifted).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodePcm } from '../engines/media/ffmpeg.ts';
import { defaultSileroOptions, pipelineSileroOptions, type SileroOptions } from '../engines/speech/silero-vad.ts';
import { releaseRecognizers } from '../engines/speech/speech-recognizer.ts';
import { energyEngine, sileroEngine, type VadEngine } from '../engines/speech/vad-engine.ts';
import { FRAME_MS, FrameMeter, type SpeechRegion } from '../engines/speech/voice-activity.ts';
import { evalClips } from './audio/eval-media.ts';
import { processFile } from './audio/process-file.ts';
import { normalizeText, wordErrors } from './audio/wer.ts';

const RATE = 16000;
const WORK = path.resolve('bench/.work/audio-vad');
const GRID_MS = 10;
const EDGE_MS = 300;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** mulberry32: a small seeded PRNG, so every run builds the same noise */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pink noise (Paul Kellet's filter over white noise), scaled to the given RMS. */
function pinkNoise(n: number, rms: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let b5 = 0;
  let b6 = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = rand() * 2 - 1;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    sum += out[i] * out[i];
  }
  const k = rms / Math.sqrt(sum / Math.max(1, n));
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}

/** A non-speech sound of `n` samples at the given RMS: a chord with harmonics, a beep, or a noise burst. */
function event(kind: number, n: number, rms: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const env = Math.min(1, i / 400, (n - i) / 1600);
    let v = 0;
    if (kind === 0) {
      for (const f of [220, 277.2, 329.6, 440])
        v += Math.sin(2 * Math.PI * f * t) + 0.4 * Math.sin(4 * Math.PI * f * t);
    } else if (kind === 1) v = Math.sin(2 * Math.PI * 1000 * t);
    else v = (rand() * 2 - 1) * Math.exp(-t * 6);
    out[i] = v * env;
  }
  let sum = 0;
  for (const v of out) sum += v * v;
  const k = rms / Math.sqrt(sum / n);
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}

interface Condition {
  name: string;
  snrDb?: number;
  events?: boolean;
}

export const CONDITIONS: Condition[] = [
  { name: 'silence in the gaps' },
  { name: 'pink noise bed, SNR 10 dB', snrDb: 10 },
  { name: 'pink noise bed, SNR 0 dB', snrDb: 0 },
  { name: 'chord / beep / noise burst in the gaps (quiet floor)', events: true, snrDb: 40 },
];

interface Stream {
  pcm: Float32Array;
  clips: SpeechRegion[];
  reference: string[];
}

/** RMS of the loudest half of the 30-ms frames: the level of active speech. */
function speechLevel(clips: Float32Array[]): number {
  const frames: number[] = [];
  for (const c of clips) {
    for (let i = 0; i + 480 <= c.length; i += 480) {
      let s = 0;
      for (let j = i; j < i + 480; j++) s += c[j] * c[j];
      frames.push(s / 480);
    }
  }
  frames.sort((a, b) => b - a);
  const top = frames.slice(0, Math.max(1, frames.length >> 1));
  return Math.sqrt(top.reduce((a, b) => a + b, 0) / top.length);
}

export function build(clipPcm: Float32Array[], refs: string[][], c: Condition, seed: number): Stream {
  const rand = rng(seed);
  const gaps = clipPcm.map(() => Math.round((1 + 2 * rand()) * RATE));
  gaps.push(2 * RATE);
  const total = clipPcm.reduce((a, p) => a + p.length, 0) + gaps.reduce((a, g) => a + g, 0);
  const pcm = new Float32Array(total);
  const clips: SpeechRegion[] = [];
  const level = speechLevel(clipPcm);
  let at = 0;
  for (let i = 0; i < clipPcm.length; i++) {
    if (c.events) {
      const len = Math.min(gaps[i] - RATE / 2, Math.round((0.3 + 0.5 * rand()) * RATE));
      pcm.set(event(i % 3, len, level / 2, rand), at + Math.round((gaps[i] - len) / 2));
    }
    at += gaps[i];
    pcm.set(clipPcm[i], at);
    clips.push({ startMs: (at * 1000) / RATE, endMs: ((at + clipPcm[i].length) * 1000) / RATE });
    at += clipPcm[i].length;
  }
  if (c.snrDb !== undefined) {
    const noise = pinkNoise(total, level / 10 ** (c.snrDb / 20), rand);
    for (let i = 0; i < total; i++) pcm[i] += noise[i];
  }
  for (let i = 0; i < total; i++) pcm[i] = Math.max(-1, Math.min(1, pcm[i]));
  return { pcm, clips, reference: refs.flat() };
}

export function toS16(pcm: Float32Array): Buffer {
  const b = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) b.writeInt16LE(Math.round(pcm[i] * 32767), 2 * i);
  return b;
}

export function writeWav(file: string, s16: Buffer): void {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + s16.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(s16.length, 40);
  writeFileSync(file, Buffer.concat([h, s16]));
}

/** Runs one engine over the PCM as planAudio does (64 KB pieces, energy levels measured alongside). */
async function runEngine(engine: VadEngine, s16: Buffer): Promise<{ regions: SpeechRegion[]; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const meter = new FrameMeter((RATE * FRAME_MS) / 1000);
  const vad = engine.stream();
  for (let i = 0; i < s16.length; i += 65536) {
    const piece = s16.subarray(i, i + 65536);
    meter.push(piece);
    await vad.push(piece);
  }
  const regions = await vad.end(meter.end());
  const c = process.cpuUsage(c0);
  return { regions, cpuMs: (c.user + c.system) / 1000 };
}

function grid(regions: SpeechRegion[], n: number): Uint8Array {
  const g = new Uint8Array(n);
  for (const r of regions)
    g.fill(1, Math.max(0, Math.floor(r.startMs / GRID_MS)), Math.min(n, Math.ceil(r.endMs / GRID_MS)));
  return g;
}

function kappa(a: Uint8Array, b: Uint8Array): { agree: number; kappa: number } {
  let same = 0;
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) same++;
    pa += a[i];
    pb += b[i];
  }
  const n = a.length;
  const po = same / n;
  const pe = (pa / n) * (pb / n) + (1 - pa / n) * (1 - pb / n);
  return { agree: po, kappa: pe < 1 ? (po - pe) / (1 - pe) : 1 };
}

/** gap frames called speech, clip frames called speech */
function vsTruth(g: Uint8Array, clips: SpeechRegion[]): { falseAlarm: number; clipCoverage: number } {
  const truth = grid(clips, g.length);
  const nearClip = grid(
    clips.map((c) => ({ startMs: c.startMs - EDGE_MS, endMs: c.endMs + EDGE_MS })),
    g.length,
  );
  let gap = 0;
  let fa = 0;
  let inClip = 0;
  let hit = 0;
  for (let i = 0; i < g.length; i++) {
    if (truth[i]) {
      inClip++;
      hit += g[i];
    } else if (!nearClip[i]) {
      gap++;
      fa += g[i];
    }
  }
  return { falseAlarm: fa / Math.max(1, gap), clipCoverage: hit / Math.max(1, inClip) };
}

export default async function audioVadBench(): Promise<string> {
  const started = Date.now();
  mkdirSync(WORK, { recursive: true });
  const clips = evalClips();
  const clipPcm = await Promise.all(clips.map((c) => decodePcm(c.path)));
  const refs = clips.map((c) => c.reference_normalized.split(' '));

  let silero: VadEngine | undefined;
  let loadMs = 0;
  let unavailable = '';
  try {
    const t = performance.now();
    silero = await sileroEngine(undefined, pipelineSileroOptions);
    loadMs = performance.now() - t;
  } catch (e) {
    unavailable = (e as Error).message.split('\n')[0];
  }
  const env = (o: SileroOptions) => ({
    QUARRY_VAD: 'silero',
    QUARRY_SILERO_THRESHOLD: String(o.threshold),
    QUARRY_SILERO_NEG_THRESHOLD: String(o.negThreshold),
    QUARRY_SILERO_MIN_SPEECH_MS: String(o.minSpeechMs),
    QUARRY_SILERO_MIN_SILENCE_MS: String(o.minSilenceMs),
    QUARRY_SILERO_PAD_MS: String(o.speechPadMs),
  });
  const engines: { label: string; engine: VadEngine; env: Record<string, string> }[] = [
    { label: 'energy', engine: energyEngine, env: { QUARRY_VAD: 'energy' } },
  ];
  if (silero) {
    engines.push(
      { label: 'silero (pipeline settings, the default)', engine: silero, env: env(pipelineSileroOptions) },
      {
        label: "silero (get_speech_timestamps' own settings)",
        engine: await sileroEngine(undefined, defaultSileroOptions),
        env: env(defaultSileroOptions),
      },
    );
  }
  const withWer = process.env.QUARRY_BENCH_VAD_WER !== '0';
  const rows: string[] = [];
  const cpu = new Map<string, { ms: number; min: number }>();
  for (const [ci, c] of CONDITIONS.entries()) {
    const s = build(clipPcm, refs, c, 1000 + ci);
    const s16 = toS16(s.pcm);
    const minutes = s.pcm.length / RATE / 60;
    const n = Math.ceil((s.pcm.length * 1000) / RATE / GRID_MS);
    const grids: Uint8Array[] = [];
    const cells: string[][] = [];
    for (const { engine } of engines) {
      await runEngine(engine, s16.subarray(0, RATE * 2 * 10)); // warm-up (JIT, first session run)
      const r = await runEngine(engine, s16);
      const total = cpu.get(engine.name) ?? { ms: 0, min: 0 };
      cpu.set(engine.name, { ms: total.ms + r.cpuMs, min: total.min + minutes });
      const g = grid(r.regions, n);
      grids.push(g);
      const t = vsTruth(g, s.clips);
      cells.push([
        `${pct(t.falseAlarm)}`,
        `${pct(t.clipCoverage)}`,
        `${r.regions.length}`,
        `${(r.cpuMs / minutes).toFixed(0)}`,
      ]);
    }
    const wer: string[] = engines.map(() => '—');
    const inGaps: string[] = engines.map(() => '—');
    if (withWer) {
      const file = path.join(WORK, `cond-${ci}.wav`);
      writeWav(file, s16);
      for (const [ei, e] of engines.entries()) {
        const saved = { ...process.env };
        for (const k of Object.keys(process.env))
          if (k === 'QUARRY_VAD' || k.startsWith('QUARRY_SILERO_')) delete process.env[k];
        Object.assign(process.env, e.env);
        try {
          const r = await processFile(file);
          const text = r.output.audio_segments.map((x) => x.text).join(' ');
          const errors = wordErrors(s.reference, normalizeText(text));
          wer[ei] = `${pct(errors / s.reference.length)} (${errors}/${s.reference.length})`;
          const gapWords = r.output.audio_items.filter((w) => {
            const mid = (w.start_timestamp_millis + w.end_timestamp_millis) / 2;
            return !s.clips.some((k) => mid > k.startMs - EDGE_MS && mid < k.endMs + EDGE_MS);
          }).length;
          inGaps[ei] = String(gapWords);
          if (r.output.quarry?.voice_activity !== e.engine.method)
            wer[ei] += ` (ran ${r.output.quarry?.voice_activity})`;
        } finally {
          for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
          Object.assign(process.env, saved);
        }
      }
      await releaseRecognizers();
    }
    for (const [ei, e] of engines.entries()) {
      const a = ei > 0 ? kappa(grids[0], grids[ei]) : undefined;
      rows.push(
        `| ${c.name} (${minutes.toFixed(1)} min) | ${e.label} | ${cells[ei].join(' | ')} | ${wer[ei]} | ${inGaps[ei]} | ${
          a ? `${pct(a.agree)}, κ ${a.kappa.toFixed(2)}` : ''
        } |`,
      );
    }
  }
  const cpuLine = [...cpu.entries()].map(([name, v]) => `${name} ${(v.ms / v.min).toFixed(0)} ms`).join(', ');
  return [
    `Voice activity: energy detector vs Silero VAD v5 on the ${clips.length} eval clips (${clips.length} gaps of 1–3 s) in four conditions; ` +
      `${withWer ? 'WER through the whole pipeline (whisper.cpp base, greedy)' : 'WER not measured (QUARRY_BENCH_VAD_WER=0)'}; ` +
      `bench took ${((Date.now() - started) / 60000).toFixed(1)} min.`,
    silero
      ? `Silero: onnxruntime-node CPU, 1 thread, model load ${loadMs.toFixed(0)} ms. CPU per minute of audio over all conditions: ${cpuLine}. ` +
        `Pipeline settings: ${silero.method}.`
      : `Silero VAD unavailable (${unavailable}): energy only.`,
    '',
    '| condition | engine | gap frames called speech | clip frames called speech | regions | CPU ms / min audio | WER (pipeline) | words placed in gaps | frame agreement with energy |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
