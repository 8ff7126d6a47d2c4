/**
 * Shot boundaries of a video: one ffmpeg decode streaming tiny frames (frame-changes.ts) into the adaptive
 * boundary decision (shot-boundaries.ts). Progress is reported every `reportEvery` frames with the decisions made
 * so far; a retry that passes the last report back resumes there (a seek a little before it, to rebuild the local
 * baseline), so a killed worker costs at most the frames since its last report.
 */
import { frameChanges } from './frame-changes.ts';
import { type BoundaryState, type BoundaryTuning, defaultTuning, ShotBoundaries } from './shot-boundaries.ts';

export interface ShotDetectionOptions {
  fps: number;
  durationMs: number;
  tuning?: Partial<BoundaryTuning>;
  resumeFrom?: BoundaryState;
  onProgress?: (p: BoundaryState & { doneMs: number }) => void;
  /** frames between progress reports (default: 5 s of video) */
  reportEvery?: number;
  signal?: AbortSignal;
  ffmpeg?: string;
}

export interface DetectedCut {
  ms: number;
  frame: number;
  score: number;
}

export const SHOT_METHOD =
  'frame-difference shot detection: brightness and HSV-histogram change per frame, adaptive threshold relative to local motion, minimum shot length';

export async function detectShotBoundaries(file: string, o: ShotDetectionOptions): Promise<DetectedCut[]> {
  const fps = o.fps || 25;
  const tuning = { ...defaultTuning(fps), ...o.tuning };
  const resume = o.resumeFrom && Array.isArray(o.resumeFrom.cuts) ? o.resumeFrom : undefined;
  const boundaries = new ShotBoundaries(tuning, resume);
  const fromFrame = resume ? Math.max(0, resume.nextFrame - ShotBoundaries.leadFrames(tuning)) : 0;
  const every = o.reportEvery ?? Math.max(25, Math.round(fps * 5));
  let last = fromFrame;
  let sinceReport = 0;
  for await (const c of frameChanges(file, { fps, fromFrame, signal: o.signal, ffmpeg: o.ffmpeg })) {
    boundaries.push(c.frame, c);
    last = c.frame;
    if (++sinceReport >= every) {
      sinceReport = 0;
      const st = boundaries.state();
      o.onProgress?.({ ...st, doneMs: Math.round((st.nextFrame / fps) * 1000) });
    }
  }
  const lastFrame = Math.max(last, Math.round((o.durationMs / 1000) * fps) - 1);
  return boundaries.finish(lastFrame).map((b) => ({ frame: b.frame, ms: Math.round((b.frame / fps) * 1000), score: b.confidence }));
}
