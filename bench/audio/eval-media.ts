/**
 * Benchmark media built from the eval set (read from ../shared/eval/speech, never copied into the repo) and from
 * espeak-ng: speaker mixes with known turns, and a long file made by concatenating clips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { speak } from '../../test/fixtures/audio/make-audio.ts';
import type { Turn } from './der.ts';

export const EVAL_DIR = process.env.QUARRY_EVAL_SPEECH ?? path.resolve('../shared/eval/speech');

export interface EvalClip {
  id: string;
  path: string;
  reference_normalized: string;
  duration_s: number;
  speaker: string;
}

export function evalClips(): EvalClip[] {
  return readFileSync(path.join(EVAL_DIR, 'manifest.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EvalClip)
    .map((c) => ({ ...c, path: path.join(EVAL_DIR, c.path) }));
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const dur = (f: string) => Number(sh('soxi', ['-D', f]));

/** 16 kHz mono WAV copy of a clip (cached in `dir`). */
function norm(dir: string, src: string, name: string): string {
  const out = path.join(dir, `${name}.wav`);
  if (!existsSync(out)) sh('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', src, '-ac', '1', '-ar', '16000', out]);
  return out;
}

/** Concatenates files with `gapS` of silence between them; returns the turns. */
function concat(
  dir: string,
  name: string,
  parts: { file: string; speaker: string }[],
  gapS = 0.6,
): { file: string; turns: Turn[] } {
  const gap = path.join(dir, 'gap.wav');
  if (!existsSync(gap)) sh('sox', ['-n', '-r', '16000', '-c', '1', gap, 'trim', '0', String(gapS)]);
  const turns: Turn[] = [];
  let t = 0;
  const files: string[] = [];
  for (const p of parts) {
    const d = dur(p.file);
    turns.push({ speaker: p.speaker, startMs: Math.round(t * 1000), endMs: Math.round((t + d) * 1000) });
    files.push(p.file, gap);
    t += d + gapS;
  }
  const file = path.join(dir, `${name}.wav`);
  sh('sox', [...files, file]);
  return { file, turns };
}

export interface SpeakerMix {
  name: string;
  file: string;
  turns: Turn[];
}

/** Mixes of different readers (eval clips) and of different espeak-ng voices, with their true turns. */
export function speakerMixes(dir: string): SpeakerMix[] {
  mkdirSync(dir, { recursive: true });
  const clips = evalClips();
  const by = (prefix: string) => clips.filter((c) => c.path.includes(prefix));
  const lj = by('/ljspeech/')
    .slice(0, 6)
    .map((c) => ({ file: norm(dir, c.path, c.id), speaker: 'lj' }));
  const ls = by('/librispeech_test_clean/').map((c) => ({ file: norm(dir, c.path, c.id), speaker: 'ls1089' }));
  const sas = by('/librivox_sense_and_sensibility/').map((c) => ({
    file: norm(dir, c.path, c.id),
    speaker: 'librivox',
  }));
  const jfk = by('/jfk/').map((c) => ({ file: norm(dir, c.path, c.id), speaker: 'jfk' }));
  const interleave = (...lists: { file: string; speaker: string }[][]) => {
    const out: { file: string; speaker: string }[] = [];
    for (let i = 0; i < Math.max(...lists.map((l) => l.length)); i++) for (const l of lists) if (l[i]) out.push(l[i]);
    return out;
  };
  const espeakTurns = [
    ['en-us+f3', 70, 'Good morning everyone. Today we will look at the plans for the new harbour.'],
    ['en-gb+m3', 20, 'Thank you. I have read the report, and the costs look much higher than last year.'],
    ['en-us+f3', 70, 'That is true. The steel prices went up, but the design is simpler now.'],
    ['en-gb+m3', 20, 'Then we should ask the city council for a second opinion before we sign anything.'],
  ] as const;
  const espeak = espeakTurns.map(([voice, pitch, text], i) => ({
    file: speak(path.join(dir, `espeak-${i}.wav`), text, voice, { pitch }),
    speaker: voice,
  }));
  return [
    {
      name: 'two readers (LJSpeech + LibriSpeech 1089)',
      ...concat(dir, 'mix-2-readers', interleave(lj.slice(0, 4), ls)),
    },
    {
      name: 'three readers (+ JFK, LibriVox)',
      ...concat(dir, 'mix-3-readers', interleave(lj.slice(0, 3), ls.slice(0, 3), [...jfk, ...sas.slice(0, 2)])),
    },
    { name: 'two espeak-ng voices', ...concat(dir, 'mix-espeak', espeak) },
    { name: 'one reader (LJSpeech, 6 clips)', ...concat(dir, 'one-lj', lj) },
    { name: 'one reader (LibriSpeech 1089, 4 clips)', ...concat(dir, 'one-ls', ls) },
  ];
}

/** A long MP3 made by concatenating every eval clip until `minutes` is reached; with its reference text. */
export function longFile(dir: string, minutes: number): { file: string; reference: string[]; durationS: number } {
  mkdirSync(dir, { recursive: true });
  const clips = evalClips();
  const parts: { file: string; speaker: string }[] = [];
  const reference: string[] = [];
  let t = 0;
  for (let i = 0; t < minutes * 60; i++) {
    const c = clips[i % clips.length];
    parts.push({ file: norm(dir, c.path, c.id), speaker: c.speaker });
    reference.push(...c.reference_normalized.split(' '));
    t += c.duration_s + 0.6;
  }
  const mp3 = path.join(dir, `long-${minutes}min.mp3`);
  if (!existsSync(mp3)) {
    const { file } = concat(dir, `long-${minutes}min`, parts);
    sh('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', file, '-c:a', 'libmp3lame', '-b:a', '48k', mp3]);
  }
  return { file: mp3, reference, durationS: t };
}
