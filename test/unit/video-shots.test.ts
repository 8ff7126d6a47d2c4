import { afterAll, describe, expect, it } from 'vitest';
import { chaptersFromShots, shotsFromCuts, smpte } from '../../engines/media/shots.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectShotBoundaries } from '../../engines/media/detect-shots.ts';
import { type BoundaryState, defaultTuning, ShotBoundaries } from '../../engines/media/shot-boundaries.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'quarry-scenes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('video timeline', () => {
  it('formats SMPTE timecodes', () => {
    expect(smpte(0, 30)).toBe('00:00:00:00');
    expect(smpte(8633, 30)).toBe('00:00:08:19');
    expect(smpte(3_723_480, 25)).toBe('01:02:03:12');
  });
  it('builds contiguous shots from scene cuts, with the cut score as confidence', () => {
    const shots = shotsFromCuts([{ ms: 3000, score: 0.8 }], 6000, 15);
    expect(shots).toHaveLength(2);
    expect(shots[0]).toMatchObject({
      start_timestamp_millis: 0,
      end_timestamp_millis: 3000,
      start_frame_index: 0,
      end_frame_index: 44,
      confidence: 1,
    });
    expect(shots[1]).toMatchObject({
      start_timestamp_millis: 3000,
      end_timestamp_millis: 6000,
      start_frame_index: 45,
      confidence: 0.8,
    });
  });
  it('groups shots into chapters of at least the minimum length', () => {
    const shots = shotsFromCuts(
      [10, 20, 35, 50, 52].map((s) => ({ ms: s * 1000, score: 0.5 })),
      60_000,
      25,
    );
    const chapters = chaptersFromShots(shots, 30_000);
    expect(chapters.flat()).toEqual(shots.map((s) => s.shot_index));
    expect(chapters[0]).toEqual([0, 1, 2]);
  });
  it('finds the cuts in one decode, and a run resumed from a progress report finds the same', async () => {
    // 6 s at 25 fps: a test pattern, red from 3 s, another pattern from 5 s
    const file = path.join(dir, 'cuts.mp4');
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=3'],
      ...['-f', 'lavfi', '-i', 'color=c=red:size=160x120:rate=25:duration=2'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=1'],
      ...[
        '-filter_complex',
        '[0][1][2]concat=n=3:v=1:a=0',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-pix_fmt',
        'yuv420p',
      ],
      file,
    ]);
    const o = { durationMs: 6000, fps: 25 };
    const reports: (BoundaryState & { doneMs: number })[] = [];
    const onePass = await detectShotBoundaries(file, { ...o, reportEvery: 25, onProgress: (p) => reports.push(p) });
    expect(onePass.map((c) => c.ms)).toEqual([3000, 5000]);
    expect(onePass.every((c) => c.score > 0.5)).toBe(true);
    expect(reports.length).toBeGreaterThanOrEqual(4);
    // a crash after the report at ~3.5 s (the first cut final): the retry decodes from there on
    const at = reports.find((r) => r.cuts.length === 1)!;
    expect(at.doneMs).toBeGreaterThan(3000);
    const resumed = await detectShotBoundaries(file, { ...o, resumeFrom: at });
    expect(resumed).toEqual(onePass);
  });
});

describe('shot boundaries (pure)', () => {
  const tuning = defaultTuning(25);
  const run = (changes: { pixels: number; colours: number; across?: { pixels: number; colours: number } }[]) => {
    const b = new ShotBoundaries(tuning);
    for (const [i, c] of changes.entries()) b.push(i + 1, { ...c, across: c.across ?? c });
    return b.finish(changes.length).map((x) => x.frame);
  };
  type Change = { pixels: number; colours: number; across?: { pixels: number; colours: number } };
  const still: Change = { pixels: 0.001, colours: 0.01 };
  it('a moving texture that changes every frame, with keyframe pulses, has no cut', () => {
    const texture = Array.from({ length: 300 }, (_, i) => ({ pixels: 0.04 + (i % 37 === 0 ? 0.03 : 0), colours: 0.08 }));
    expect(run(texture)).toEqual([]);
  });
  it('a flash that comes back is not a cut; a change that lasts is', () => {
    const frames: Change[] = Array.from({ length: 100 }, () => ({ ...still }));
    frames[30] = { pixels: 0.01, colours: 0.8, across: still }; // the flash frame…
    frames[31] = { pixels: 0.01, colours: 0.8, across: still }; // …and back
    frames[70] = { pixels: 0.3, colours: 0.9 };
    frames[71] = { ...still, across: { pixels: 0.3, colours: 0.9 } };
    frames[72] = { ...still, across: { pixels: 0.3, colours: 0.9 } };
    expect(run(frames)).toEqual([71]);
  });
  it('two strong changes within the minimum shot length are one cut, at the stronger', () => {
    const frames: Change[] = Array.from({ length: 100 }, () => ({ ...still }));
    frames[40] = { pixels: 0.2, colours: 0.6 };
    frames[42] = { pixels: 0.3, colours: 0.9 };
    for (const i of [41, 43, 44]) frames[i] = { ...still, across: { pixels: 0.3, colours: 0.9 } };
    expect(run(frames)).toEqual([43]);
  });
  it('a hard cut between two busy scenes stands out through its colours', () => {
    const frames: Change[] = Array.from({ length: 120 }, () => ({ pixels: 0.12, colours: 0.1 }));
    const cut = { pixels: 0.14, colours: 0.85 };
    frames[60] = cut;
    frames[61] = { pixels: 0.12, colours: 0.1, across: cut };
    frames[62] = { pixels: 0.12, colours: 0.1, across: cut };
    expect(run(frames)).toEqual([61]);
  });
});
