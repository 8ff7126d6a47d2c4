/**
 * Keyframes of a video's shots: the middle frame of each shot, and of a long shot one per `everyMs` stretch
 * (spread evenly), each extracted as a PNG by ffmpeg with an accurate seek, and beside it the average of the
 * second of frames around it (its steady picture, for reading burned-in text). The plan is pure; the extraction
 * is one child process per picture.
 */
import { runTool } from './run-tool.ts';

export interface Keyframe {
  shotIndex: number;
  frameIndex: number;
  ms: number;
  /** the stretch of the shot around it whose frames are averaged for reading text (at most a second) */
  steadyFromMs: number;
  steadyToMs: number;
}

/** Pure: the keyframes of the given shots (ordered by time). */
export function planKeyframes(
  shots: {
    shot_index: number;
    start_frame_index: number;
    end_frame_index: number;
    start_timestamp_millis: number;
    end_timestamp_millis: number;
    duration_millis: number;
  }[],
  fps: number,
  everyMs: number,
): Keyframe[] {
  const out: Keyframe[] = [];
  for (const s of shots) {
    const frames = s.end_frame_index - s.start_frame_index + 1;
    const n = Math.max(1, Math.ceil(s.duration_millis / Math.max(1000, everyMs)));
    for (let k = 0; k < n; k++) {
      const frameIndex = Math.min(s.end_frame_index, s.start_frame_index + Math.floor(((k + 0.5) * frames) / n));
      const ms = Math.round((frameIndex / fps) * 1000);
      // inside the shot, clear of its cuts by two frames
      const lo = s.start_timestamp_millis + (2 * 1000) / fps;
      const hi = s.end_timestamp_millis - (2 * 1000) / fps;
      const steadyFromMs = Math.round(Math.max(lo, Math.min(ms, ms - 500)));
      const steadyToMs = Math.round(Math.max(steadyFromMs, Math.min(hi, ms + 500)));
      out.push({ shotIndex: s.shot_index, frameIndex, ms, steadyFromMs, steadyToMs });
    }
  }
  return out;
}

/**
 * Writes the average of the frames from `fromMs` to `toMs` (8 a second) to `png`: text burned into the picture
 * stays sharp while what moves behind it (a texture, grain, motion) blurs away — what the OCR reads.
 */
export async function extractSteadyFrame(
  file: string,
  fromMs: number,
  toMs: number,
  png: string,
  o: { ffmpeg?: string; signal?: AbortSignal } = {},
): Promise<void> {
  const n = Math.max(1, Math.floor(((toMs - fromMs) / 1000) * 8));
  await runTool(
    o.ffmpeg ?? 'ffmpeg',
    [
      ...['-nostdin', '-hide_banner', '-v', 'error', '-y', '-ss', (fromMs / 1000).toFixed(3), '-i', file, '-an'],
      ...['-vf', `fps=8,tmix=frames=${n}`, '-frames:v', String(n), '-update', '1', png],
    ],
    { signal: o.signal, timeoutMs: 120_000 },
  );
}

/** Writes the frame at `ms` of `file` to `png` (full resolution). */
export async function extractFrame(
  file: string,
  ms: number,
  png: string,
  o: { ffmpeg?: string; signal?: AbortSignal } = {},
): Promise<void> {
  await runTool(
    o.ffmpeg ?? 'ffmpeg',
    ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-ss', (ms / 1000).toFixed(3), '-i', file, '-an', '-frames:v', '1', png],
    { signal: o.signal, timeoutMs: 120_000 },
  );
}
