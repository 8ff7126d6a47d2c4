/** Pure helpers for BDA's video timeline: SMPTE timecodes and shots from scene-change times. */
import type { VideoShot } from '../../schemas/video-output.ts';

export function smpte(ms: number, fps: number): string {
  const totalFrames = Math.round((ms / 1000) * fps);
  const f = Math.round(fps);
  const frames = totalFrames % f;
  const secs = Math.floor(totalFrames / f);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}:${pad(frames)}`;
}

/** A shot as BDA's video output has it. */
export type Shot = VideoShot;

/**
 * Shots between consecutive scene changes. `cuts` are scene-change times (ms) with ffmpeg's scene score
 * (0..1), which becomes the shot boundary's confidence.
 */
export function shotsFromCuts(cuts: { ms: number; score: number }[], durationMs: number, fps: number): Shot[] {
  const bounds = [
    { ms: 0, score: 1 },
    ...cuts.filter((c) => c.ms > 0 && c.ms < durationMs).sort((a, b) => a.ms - b.ms),
  ];
  return bounds.map((b, i) => {
    const start = b.ms;
    const end = i + 1 < bounds.length ? bounds[i + 1].ms : durationMs;
    const startFrame = Math.round((start / 1000) * fps);
    const endFrame = Math.max(startFrame, Math.round((end / 1000) * fps) - 1);
    return {
      shot_index: i,
      start_timecode_smpte: smpte(start, fps),
      end_timecode_smpte: smpte(end, fps),
      start_timestamp_millis: Math.round(start),
      end_timestamp_millis: Math.round(end),
      start_frame_index: startFrame,
      end_frame_index: endFrame,
      duration_smpte: smpte(end - start, fps),
      duration_millis: Math.round(end - start),
      duration_frames: endFrame - startFrame + 1,
      confidence: Math.round(Math.min(1, Math.max(0, b.score)) * 1000) / 1000,
      chapter_indices: [],
    };
  });
}

/** Chapters: consecutive shots grouped until a chapter is at least `minMs` long (the last one absorbs the rest). */
export function chaptersFromShots(shots: Shot[], minMs = 30_000): number[][] {
  const chapters: number[][] = [];
  let current: number[] = [];
  let startMs = 0;
  for (const s of shots) {
    if (current.length === 0) startMs = s.start_timestamp_millis;
    current.push(s.shot_index);
    if (s.end_timestamp_millis - startMs >= minMs) {
      chapters.push(current);
      current = [];
    }
  }
  if (current.length) {
    if (chapters.length && shots[current[0]].end_timestamp_millis - startMs < minMs / 2)
      chapters[chapters.length - 1].push(...current);
    else chapters.push(current);
  }
  return chapters;
}
