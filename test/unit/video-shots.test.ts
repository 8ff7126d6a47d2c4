import { describe, expect, it } from 'vitest';
import { chaptersFromShots, shotsFromCuts, smpte } from '../../engines/media/shots.ts';

describe('video timeline', () => {
  it('formats SMPTE timecodes', () => {
    expect(smpte(0, 30)).toBe('00:00:00:00');
    expect(smpte(8633, 30)).toBe('00:00:08:19');
    expect(smpte(3_723_480, 25)).toBe('01:02:03:12');
  });
  it('builds contiguous shots from scene cuts, with the cut score as confidence', () => {
    const shots = shotsFromCuts([{ ms: 3000, score: 0.8 }], 6000, 15);
    expect(shots).toHaveLength(2);
    expect(shots[0]).toMatchObject({ start_timestamp_millis: 0, end_timestamp_millis: 3000, start_frame_index: 0, end_frame_index: 44, confidence: 1 });
    expect(shots[1]).toMatchObject({ start_timestamp_millis: 3000, end_timestamp_millis: 6000, start_frame_index: 45, confidence: 0.8 });
  });
  it('groups shots into chapters of at least the minimum length', () => {
    const shots = shotsFromCuts([10, 20, 35, 50, 52].map((s) => ({ ms: s * 1000, score: 0.5 })), 60_000, 25);
    const chapters = chaptersFromShots(shots, 30_000);
    expect(chapters.flat()).toEqual(shots.map((s) => s.shot_index));
    expect(chapters[0]).toEqual([0, 1, 2]);
  });
});
