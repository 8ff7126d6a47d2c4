/**
 * Scores a VIDEO standard output against the generated video's truth (test-video.ts): shot-boundary precision and
 * recall (a found cut within `toleranceMs` of a true one, each true cut matched once), burned-in phrase recall (the
 * words of each shot's phrase found among the words read on frames inside that shot) and the chapter count. Pure.
 */
import type { VideoStandardOutput } from '../../schemas/video-output.ts';
import type { TestVideoTruth } from './test-video.ts';

export interface VideoScore {
  truePositives: number;
  found: number;
  trueCuts: number;
  phraseWordsRead: number;
  phraseWords: number;
  chapters: number;
  trueChapters: number;
}

const norm = (w: string) => w.toUpperCase().replace(/[^A-Z0-9]/g, '');

export function matchCuts(found: number[], truth: number[], toleranceMs: number): number {
  const used = new Set<number>();
  let tp = 0;
  for (const t of truth) {
    const k = found.findIndex((f, i) => !used.has(i) && Math.abs(f - t) <= toleranceMs);
    if (k >= 0) {
      used.add(k);
      tp++;
    }
  }
  return tp;
}

export function scoreVideo(out: VideoStandardOutput, truth: TestVideoTruth, toleranceMs = 200): VideoScore {
  const found = out.shots.slice(1).map((s) => s.start_timestamp_millis);
  const frames = out.chapters.flatMap((c) => c.frames ?? []);
  let read = 0;
  let total = 0;
  for (const s of truth.shots) {
    const words = new Set(
      frames
        .filter((f) => f.timestamp_millis >= s.startMs && f.timestamp_millis < s.endMs)
        .flatMap((f) => (f.text_words ?? []).map((w) => norm(w.text))),
    );
    for (const w of s.phrase.split(/\s+/)) {
      total++;
      if (words.has(norm(w))) read++;
    }
  }
  return {
    truePositives: matchCuts(found, truth.cuts, toleranceMs),
    found: found.length,
    trueCuts: truth.cuts.length,
    phraseWordsRead: read,
    phraseWords: total,
    chapters: out.chapters.length,
    trueChapters: truth.chapters,
  };
}
