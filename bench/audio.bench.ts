/**
 * `npm run bench -- audio`: speech recognition WER and real-time factor on ../shared/eval/speech, diarization
 * error rate on speaker mixes, and wall time / peak RSS / WER for a long file (default 60 min; set
 * QUARRY_BENCH_LONG_MINUTES) processed in a process of its own. Media is built under bench/.work/audio.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodePcm } from '../engines/media/ffmpeg.ts';
import { recognize, releaseRecognizers } from '../engines/speech/speech-recognizer.ts';
import { loadConfig } from '../schemas/config.ts';
import { defaultStandardOutputConfiguration } from '../schemas/output-configuration.ts';
import { diarizationErrorRate, type Turn } from './audio/der.ts';
import { evalClips, longFile, speakerMixes } from './audio/eval-media.ts';
import { processFile } from './audio/process-file.ts';
import { normalizeText, wordErrors } from './audio/wer.ts';

const run = promisify(execFile);
const WORK = path.resolve('bench/.work/audio');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function werOnEvalSet(): Promise<{ rows: string[]; wer: number; rtf: number; engine: string }> {
  const opts = loadConfig().audio.asr;
  let engine = '';
  const per = new Map<string, { e: number; n: number; audio: number; wall: number }>();
  for (const clip of evalClips()) {
    const pcm = await decodePcm(clip.path);
    const t = Date.now();
    const r = await recognize(pcm, 0, opts);
    const wall = Date.now() - t;
    engine = r.engine;
    const ref = clip.reference_normalized.split(' ');
    const e = wordErrors(ref, normalizeText(r.words.map((w) => w.text).join(' ')));
    const subset = path.basename(path.dirname(clip.path));
    const s = per.get(subset) ?? { e: 0, n: 0, audio: 0, wall: 0 };
    s.e += e;
    s.n += ref.length;
    s.audio += pcm.length / 16;
    s.wall += wall;
    per.set(subset, s);
  }
  let E = 0;
  let N = 0;
  let A = 0;
  let W = 0;
  const rows: string[] = [];
  for (const [subset, s] of per) {
    rows.push(`| WER, eval speech: ${subset} | ${pct(s.e / s.n)} (${s.e}/${s.n} words) |`);
    E += s.e;
    N += s.n;
    A += s.audio;
    W += s.wall;
  }
  return { rows, wer: E / N, rtf: W / A, engine };
}

export default async function audioBench(): Promise<string> {
  const opts = loadConfig().audio.asr;
  const rows: string[] = [];
  const started = Date.now();

  const wer = await werOnEvalSet();
  await releaseRecognizers();
  rows.push(`| **WER, eval speech (47 clips, 4.8 min), corpus** | **${pct(wer.wer)}** |`, ...wer.rows);
  rows.push(`| RTF on the eval clips (each clip < 30 s still costs one 30-s window) | ${wer.rtf.toFixed(3)} |`);

  const mixes = speakerMixes(path.join(WORK, 'mixes'));
  for (const mix of mixes) {
    const r = await processFile(mix.file, defaultStandardOutputConfiguration);
    const hyp: Turn[] = r.output.audio_segments.map((s) => ({
      speaker: s.speaker?.speaker_label ?? 'spk_0',
      startMs: s.start_timestamp_millis,
      endMs: s.end_timestamp_millis,
    }));
    const d = diarizationErrorRate(mix.turns, hyp);
    const trueSpk = new Set(mix.turns.map((t) => t.speaker)).size;
    const found = new Set(hyp.map((h) => h.speaker)).size;
    rows.push(
      `| DER, ${mix.name}, ${(r.audioMs / 1000).toFixed(0)} s | ${pct(d.der)} (miss ${pct(d.missed)}, false alarm ${pct(d.falseAlarm)}, confusion ${pct(d.confusion)}; ${found} speakers found, ${trueSpk} true) |`,
    );
  }
  await releaseRecognizers();

  const minutes = Number(process.env.QUARRY_BENCH_LONG_MINUTES ?? 60);
  const long = longFile(path.join(WORK, 'long'), minutes);
  const { stdout } = await run('node', ['--import', 'tsx', 'bench/audio/process-file.ts', long.file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const res = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    wallMs: number;
    audioMs: number;
    chunks: number;
    peakRssMb: number;
    text: string;
    words: number;
  };
  const e = wordErrors(long.reference, normalizeText(res.text));
  rows.push(
    `| ${minutes}-min MP3 (eval clips concatenated): wall time | ${(res.wallMs / 60000).toFixed(1)} min (RTF ${(res.wallMs / res.audioMs).toFixed(3)}), ${res.chunks} chunks |`,
    `| ${minutes}-min MP3: peak RSS of the process | ${res.peakRssMb} MB |`,
    `| ${minutes}-min MP3: WER through chunking + stitching | ${pct(e / long.reference.length)} (${res.words} words out, ${long.reference.length} in the reference) |`,
  );

  const header = [
    `Audio (${wer.engine}, from the PyPI CTranslate2 weights, language ${opts.language}, ` +
      `${opts.beamSize > 1 ? `beam ${opts.beamSize}` : 'greedy'}, ${opts.threads} threads; ${os.cpus().length} cores shared with other work; ` +
      `bench took ${((Date.now() - started) / 60000).toFixed(1)} min)`,
    '',
    '| measure | value |',
    '|---|---|',
  ];
  return [...header, ...rows].join('\n');
}
