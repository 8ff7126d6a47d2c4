/**
 * Where one shot ends and the next begins, from each frame's change from the one before (frame-changes.ts). A
 * frame is a cut when its change stands out from the changes around it — an adaptive threshold relative to the
 * local motion, so a moving texture that changes every frame, or an encoder's keyframe pulse, is not a cut — and
 * when it is the strongest change within the minimum shot length, so a cut is one boundary, not a one-frame shot
 * beside it. A hard cut between two busy scenes still stands out through the colour histogram. Pure and
 * incremental: frames are pushed in order and a decision is final `lookahead` frames later, so a long video is
 * decided in bounded memory and a checkpoint (`state()`) lets a retry resume where the last one stopped.
 */

import { ACROSS_FRAMES } from './frame-changes.ts';

/** Tuning (docs/video.md): measured on bench/video (three encodings of the generated test video). */
export interface BoundaryTuning {
  /** frames on each side of a frame whose changes make its local baseline */
  window: number;
  /** a cut's change must be at least this many times the local baseline… */
  ratio: number;
  /** …and at least this much above it (0..1) */
  margin: number;
  /** the fewest frames a shot may have */
  minShotFrames: number;
  /** a cut's change must last: the change across it (ACROSS_FRAMES apart) at least this share of its own */
  lasting: number;
}

export function defaultTuning(fps: number): BoundaryTuning {
  const f = Math.max(1, Math.round(fps || 25));
  return { window: Math.max(6, f), ratio: 3, margin: 0.12, minShotFrames: Math.max(4, Math.round(f * 0.6)), lasting: 0.5 };
}

/** A frame's change as one number 0..1: the larger of its colour change and (twice) its brightness change. */
export const changeScore = (c: { pixels: number; colours: number }) => Math.min(1, Math.max(c.colours, 2 * c.pixels));

export interface Boundary {
  frame: number;
  /** 0..1: how far the change stood out from the local baseline */
  confidence: number;
}

/** What a retry resumes from: decisions are final before `nextFrame`; the frames before it to re-read. */
export interface BoundaryState {
  nextFrame: number;
  cuts: [number, number][];
  pending?: [number, number, number];
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

export class ShotBoundaries {
  private scores = new Map<number, number>();
  private acrossScores = new Map<number, number>();
  private decided: number;
  private cuts: [number, number][];
  /** the strongest candidate not yet final: [frame, score, confidence] */
  private pending?: [number, number, number];
  readonly tuning: BoundaryTuning;

  constructor(tuning: BoundaryTuning, resume?: BoundaryState) {
    this.tuning = tuning;
    this.decided = resume?.nextFrame ?? 1;
    this.cuts = resume ? resume.cuts.map(([f, c]) => [f, c]) : [];
    this.pending = resume?.pending ? [...resume.pending] : undefined;
  }

  /** How many frames before a resume point must be read again to rebuild the baseline. */
  static leadFrames(t: BoundaryTuning): number {
    return t.window + 2;
  }

  /** Adds the change of `frame` (frames in increasing order); decides the frames whose lookahead is complete. */
  push(frame: number, change: { pixels: number; colours: number; across: { pixels: number; colours: number } }): void {
    this.scores.set(frame, changeScore(change));
    this.acrossScores.set(frame, changeScore(change.across));
    while (this.decided + this.tuning.window <= frame) this.decide(this.decided++);
    // keep only what a baseline still needs
    for (const f of this.scores.keys()) {
      if (f < this.decided - this.tuning.window - 2) {
        this.scores.delete(f);
        this.acrossScores.delete(f);
      } else break;
    }
  }

  /** Decides every frame left (the end of the video). */
  finish(lastFrame: number): Boundary[] {
    while (this.decided <= lastFrame) this.decide(this.decided++);
    // a cut closer to the end than a shot's length would leave a sliver of a shot: not a cut
    if (this.pending && lastFrame + 1 - this.pending[0] >= this.tuning.minShotFrames) this.commit();
    this.pending = undefined;
    return this.boundaries();
  }

  boundaries(): Boundary[] {
    return this.cuts.map(([frame, confidence]) => ({ frame, confidence }));
  }

  /** The checkpoint: small (the cuts so far and one pending candidate). */
  state(): BoundaryState {
    return { nextFrame: this.decided, cuts: this.cuts.map(([f, c]) => [f, c]), ...(this.pending ? { pending: [...this.pending] as [number, number, number] } : {}) };
  }

  private decide(frame: number): void {
    const { window, ratio, margin, minShotFrames } = this.tuning;
    if (this.pending && frame - this.pending[0] >= minShotFrames) this.commit();
    const s = this.scores.get(frame);
    if (s === undefined) return;
    // the baseline leaves out the frame's immediate neighbours: a cut's echo must not raise its own bar
    let sum = 0;
    let n = 0;
    for (let f = frame - window; f <= frame + window; f++) {
      if (Math.abs(f - frame) <= 1) continue;
      const v = this.scores.get(f);
      if (v !== undefined) {
        sum += v;
        n++;
      }
    }
    const base = n ? sum / n : 0;
    if (s < margin + base || s < ratio * base) return;
    // a flash, or a keyframe's pulse, comes back: a frame or two after it differs little from one before it
    // (compared across the frame, ACROSS_FRAMES apart, starting one or two frames before it)
    for (let k = ACROSS_FRAMES - 2; k <= ACROSS_FRAMES - 1; k++) {
      const across = this.acrossScores.get(frame + k);
      if (across !== undefined && across < this.tuning.lasting * s) return;
    }
    const confidence = r4(Math.min(1, (s - base) / Math.max(1e-6, 1 - base)));
    const last = this.cuts[this.cuts.length - 1];
    if (last && frame - last[0] < minShotFrames) return; // too close after a cut already final
    if (!this.pending || s > this.pending[1]) this.pending = [frame, r4(s), confidence];
  }

  private commit(): void {
    if (!this.pending) return;
    this.cuts.push([this.pending[0], this.pending[2]]);
    this.pending = undefined;
  }
}
