/**
 * A generated video with known truth, built with Debian's ffmpeg (lavfi sources, drawtext) and espeak-ng: shots
 * of distinct looks — flat colours, a moving cellular-automaton texture (life), two busy moving scenes (a test
 * pattern, coloured grain) cut hard into each other, a moving gradient — each with a burned-in phrase and
 * narration, in three topical chapters (the random sources are seeded: the same file every run). The cut times,
 * phrases and chapters are returned as the truth the video benchmark and the integration test score against.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestShot {
  /** an ffmpeg lavfi source of the shot's picture (size and rate are added) */
  source: (size: string, rate: number, seconds: number) => string;
  /** the phrase burned into the shot (white on a dark box, or dark on a light one) */
  phrase: string;
  /** what the narration says during the shot */
  narration: string;
  chapter: number;
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** Six shots in three chapters (sales, gardening, cooking). */
export const TEST_SHOTS: TestShot[] = [
  {
    source: (s, r, d) => `color=c=0x1b2a6b:size=${s}:rate=${r}:duration=${d}`,
    phrase: 'QUARTERLY SALES REVIEW',
    narration: 'Welcome to the quarterly sales review.',
    chapter: 0,
  },
  {
    source: (s, r, d) => `gradients=size=${s}:rate=${r}:duration=${d}:c0=0x203060:c1=0x4060a0:speed=0.02`,
    phrase: 'REVENUE UP TWELVE PERCENT',
    narration: 'Sales revenue rose twelve percent.',
    chapter: 0,
  },
  {
    source: (s, r, d) =>
      `life=size=${s}:rate=${r}:mold=10:ratio=0.1:seed=42:death_color=0x305020:life_color=0x90e040,trim=duration=${d}`,
    phrase: 'SPRING GARDEN PLANTING',
    narration: 'In the garden, plant seeds in spring.',
    chapter: 1,
  },
  {
    source: (s, r, d) => `testsrc2=size=${s}:rate=${r}:duration=${d}`,
    phrase: 'COMPOST AND SOIL CARE',
    narration: 'Good garden soil needs compost.',
    chapter: 1,
  },
  {
    source: (s, r, d) => `color=c=0xc07020:size=${s}:rate=${r}:duration=${d},noise=alls=90:allf=t+u:all_seed=7`,
    phrase: 'EASY PASTA RECIPE',
    narration: 'This easy pasta recipe needs tomatoes.',
    chapter: 2,
  },
  {
    source: (s, r, d) => `color=c=0x7a2e12:size=${s}:rate=${r}:duration=${d}`,
    phrase: 'SERVE WITH FRESH BASIL',
    narration: 'Serve the pasta with fresh basil.',
    chapter: 2,
  },
];

export interface TestVideoTruth {
  file: string;
  durationMs: number;
  /** the true cut times, ms */
  cuts: number[];
  shots: { startMs: number; endMs: number; phrase: string; chapter: number }[];
  chapters: number;
}

export interface TestVideoOptions {
  width?: number;
  height?: number;
  fps?: number;
  shotSeconds?: number;
  /** ffmpeg encoder arguments and the container's extension */
  encoding?: { name: string; ext: string; args: readonly string[] };
  /** narration with espeak-ng (default true) */
  speech?: boolean;
}

export const ENCODINGS = {
  h264: { name: 'H.264 MP4', ext: 'mp4', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac'] },
  vp9: {
    name: 'VP9 WebM',
    ext: 'webm',
    args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1500k', '-pix_fmt', 'yuv420p', '-c:a', 'libopus'],
  },
  mpeg4: { name: 'MPEG-4 Part 2 AVI', ext: 'avi', args: ['-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'mp3'] },
} as const;

/** Writes the test video into `dir` and returns its truth. */
export async function makeTestVideo(dir: string, o: TestVideoOptions = {}): Promise<TestVideoTruth> {
  const w = o.width ?? 1280;
  const h = o.height ?? 720;
  const fps = o.fps ?? 25;
  const sec = o.shotSeconds ?? 8;
  const enc = o.encoding ?? ENCODINGS.h264;
  const size = `${w}x${h}`;
  const fontSize = Math.round(h / 12);
  await fs.mkdir(dir, { recursive: true });
  const inputs: string[] = [];
  const filters: string[] = [];
  TEST_SHOTS.forEach((s, i) => {
    inputs.push('-f', 'lavfi', '-i', s.source(size, fps, sec));
    const text = s.phrase.replace(/'/g, '');
    filters.push(
      `[${i}:v]format=yuv420p,setsar=1,drawtext=fontfile=${FONT}:text='${text}':fontsize=${fontSize}:fontcolor=white:` +
        `box=1:boxcolor=black@0.75:boxborderw=${Math.round(fontSize / 3)}:x=(w-text_w)/2:y=h*0.7[v${i}]`,
    );
  });
  filters.push(`${TEST_SHOTS.map((_, i) => `[v${i}]`).join('')}concat=n=${TEST_SHOTS.length}:v=1:a=0[v]`);
  const maps = ['-map', '[v]'];
  if (o.speech !== false) {
    const delays: string[] = [];
    for (const [i, s] of TEST_SHOTS.entries()) {
      const wav = path.join(dir, `narration-${i}.wav`);
      await run('espeak-ng', ['-s', '165', '-w', wav, s.narration]);
      inputs.push('-i', wav);
      const at = i * sec * 1000 + 300;
      filters.push(`[${TEST_SHOTS.length + i}:a]adelay=${at}|${at},apad=whole_dur=${TEST_SHOTS.length * sec}[a${i}]`);
      delays.push(`[a${i}]`);
    }
    filters.push(`${delays.join('')}amix=inputs=${TEST_SHOTS.length}:normalize=0,atrim=duration=${TEST_SHOTS.length * sec}[a]`);
    maps.push('-map', '[a]');
  }
  const file = path.join(dir, `test-video-${enc.ext}.${enc.ext}`);
  await run(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-y', ...inputs, '-filter_complex', filters.join(';'), ...maps, '-r', String(fps), ...enc.args, '-t', String(TEST_SHOTS.length * sec), file],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const shots = TEST_SHOTS.map((s, i) => ({ startMs: i * sec * 1000, endMs: (i + 1) * sec * 1000, phrase: s.phrase, chapter: s.chapter }));
  return {
    file,
    durationMs: TEST_SHOTS.length * sec * 1000,
    cuts: shots.slice(1).map((s) => s.startMs),
    shots,
    chapters: new Set(TEST_SHOTS.map((s) => s.chapter)).size,
  };
}
