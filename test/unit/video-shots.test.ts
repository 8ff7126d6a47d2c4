import { afterAll, describe, expect, it } from 'vitest';
import { chaptersFromShots, shotsFromCuts, smpte } from '../../engines/media/shots.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectSceneCuts, type SceneProgress } from '../../engines/media/scene-cuts.ts';

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
  it('finds the same scene cuts window by window as in one pass, and a resumed run finds the same again', async () => {
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
    const onePass = await detectSceneCuts(file, { ...o, windowMs: 60_000 });
    expect(onePass.map((c) => c.ms)).toEqual([3000, 5000]);
    // a window ending right at a cut: the cut is found by exactly one window
    expect(await detectSceneCuts(file, { ...o, windowMs: 3000 })).toEqual(onePass);
    const reports: SceneProgress[] = [];
    expect(await detectSceneCuts(file, { ...o, windowMs: 1000, onProgress: (p) => reports.push(p) })).toEqual(onePass);
    expect(reports.map((r) => r.windows)).toEqual([1, 2, 3, 4, 5, 6]);
    // a crash after window 4 (the first cut found): the retry carries on at window 5
    const resumed = await detectSceneCuts(file, { ...o, windowMs: 1000, resumeFrom: reports[3] });
    expect(reports[3].cuts).toHaveLength(1);
    expect(resumed).toEqual(onePass);
  });
});
