/**
 * The VIDEO standard output finished from its keyframe readings and the transcript attached to it: chapters from
 * content (shots grouped by what is said and shown), each with its frames (de-duplicated across a shot's
 * keyframes), summary and IAB, and the video summary; what was made and how is said in `quarry_capabilities`.
 * Pure: the activity (`composeVideo`) reads and writes.
 */
import { CHAPTER_METHOD, contentChapters } from '../../engines/media/content-chapters.ts';
import type { VideoOutputFeatures } from '../../schemas/video-features.ts';
import type { FrameReading, VideoChapter, VideoFrame, VideoStandardOutput } from '../../schemas/video-output.ts';
import {
  CHAPTER_SUMMARY_METHOD,
  type ChapterContent,
  chapterIab,
  chapterSummary,
  VIDEO_IAB_METHOD,
  VIDEO_SUMMARY_METHOD,
  videoSummary,
} from './describe-video.ts';

/** Rewrites `video` in place (and returns it). */
export function composeVideoOutput(
  video: VideoStandardOutput,
  readings: FrameReading[],
  f: VideoOutputFeatures,
  keyframeEveryMs: number,
): VideoStandardOutput {
  // the transcript segments, from the chapters attachTranscript filled (deduplicated by their start)
  const segs = new Map<number, { start: number; end: number; text: string }>();
  for (const ch of video.chapters)
    for (const g of ch.audio_segments ?? [])
      segs.set(g.start_timestamp_millis, { start: g.start_timestamp_millis, end: g.end_timestamp_millis, text: g.text });
  const speech = [...segs.values()].sort((a, b) => a.start - b.start);
  const byShot = video.shots.map((s) => readings.filter((r) => r.frame.shot_index === s.shot_index));
  const spokenIn = (startMs: number, endMs: number) =>
    speech.filter((g) => (g.start + g.end) / 2 >= startMs && (g.start + g.end) / 2 < endMs);
  const groups = contentChapters(
    video.shots.map((s, i) => ({
      startMs: s.start_timestamp_millis,
      endMs: s.end_timestamp_millis,
      text: [
        ...spokenIn(s.start_timestamp_millis, s.end_timestamp_millis).map((g) => g.text),
        ...byShot[i].flatMap((r) => (r.frame.text_lines ?? []).map((l) => l.text)),
      ].join('\n'),
      histograms: byShot[i].map((r) => r.histogram),
    })),
  );
  const contents: ChapterContent[] = [];
  const oldSegments = video.chapters.flatMap((c) => c.audio_segments ?? []);
  video.chapters = groups.map((idx, ci): VideoChapter => {
    for (const i of idx) video.shots[i].chapter_indices = [ci];
    const first = video.shots[idx[0]];
    const last = video.shots[idx[idx.length - 1]];
    const start = first.start_timestamp_millis;
    const end = last.end_timestamp_millis;
    const frames: VideoFrame[] = idx.flatMap((i) => dedupeShotFrames(byShot[i].map((r) => r.frame)));
    const shotReadings = idx.flatMap((i) => byShot[i]);
    const audio = oldSegments.filter(
      (g, gi, all) =>
        g.end_timestamp_millis > start &&
        g.start_timestamp_millis < end &&
        all.findIndex((o) => o.start_timestamp_millis === g.start_timestamp_millis) === gi,
    );
    const content: ChapterContent = {
      startMs: start,
      endMs: end,
      speech: spokenIn(start, end).map((g) => g.text),
      screen: frames.flatMap((fr) => (fr.text_lines ?? []).map((l) => l.text)),
      objects: shotReadings.flatMap((r) => r.objects),
      colours: shotReadings.flatMap((r) => r.colours),
    };
    contents.push(content);
    return {
      chapter_index: ci,
      start_timecode_smpte: first.start_timecode_smpte,
      end_timecode_smpte: last.end_timecode_smpte,
      start_timestamp_millis: start,
      end_timestamp_millis: end,
      start_frame_index: first.start_frame_index,
      end_frame_index: last.end_frame_index,
      duration_millis: end - start,
      shot_indices: idx,
      ...(f.chapterSummary ? { summary: chapterSummary(content), summary_engine: CHAPTER_SUMMARY_METHOD } : {}),
      ...(f.iab ? { iab_categories: chapterIab(content) } : {}),
      ...(video.video.transcript ? { audio_segments: audio } : {}),
      ...(f.text || f.moderation ? { frames } : {}),
    };
  });
  if (f.videoSummary) {
    video.video.summary = videoSummary(contents, video.metadata.duration_millis);
    video.video.summary_engine = VIDEO_SUMMARY_METHOD;
  }
  video.statistics.chapter_count = video.chapters.length;
  const caps = video.quarry_capabilities;
  caps.chapters = CHAPTER_METHOD;
  const engine = readings.find((r) => r.ocr_engine)?.ocr_engine;
  caps.frames = `${readings.length} keyframes (the middle of each shot, one per ${keyframeEveryMs / 1000} s of a long shot)${engine ? `; text by ${engine} with the colour-text pass` : ''}${f.moderation ? '; moderation by nsfwjs, CenterNet objects and the text read (moderation_categories per frame)' : ''}${f.iab ? `; IAB by ${VIDEO_IAB_METHOD}` : ''}`;
  const produced = new Set<string>([
    ...(f.text ? ['TEXT_DETECTION'] : []),
    ...(f.moderation ? ['CONTENT_MODERATION'] : []),
    ...(f.videoSummary ? ['VIDEO_SUMMARY'] : []),
    ...(f.chapterSummary ? ['CHAPTER_SUMMARY'] : []),
    ...(f.iab ? ['IAB'] : []),
  ]);
  caps.not_generated = caps.not_generated.filter((t) => !produced.has(t));
  caps.reason = caps.not_generated.includes('LOGOS')
    ? 'logos are not analysed: no logo reference library or logo provider is configured (none ships offline)'
    : undefined;
  if (!caps.reason) delete caps.reason;
  return video;
}

const norm = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * Pure: frames of one shot de-duplicated — a later keyframe keeps only the lines (and their words) that no
 * earlier keyframe of the shot read; a keyframe left with no text and no moderation label is dropped.
 */
export function dedupeShotFrames(frames: VideoFrame[]): VideoFrame[] {
  const seen = new Set<string>();
  const out: VideoFrame[] = [];
  for (const [i, f] of frames.entries()) {
    if (i === 0 || !f.text_lines) {
      for (const l of f.text_lines ?? []) seen.add(norm(l.text));
      out.push(f);
      continue;
    }
    const lines = f.text_lines.filter((l) => !seen.has(norm(l.text)));
    for (const l of lines) seen.add(norm(l.text));
    const keep = new Set(lines.map((l) => l.id));
    const words = (f.text_words ?? []).filter((w) => keep.has(w.line_id));
    if (lines.length || f.content_moderation?.length) out.push({ ...f, text_lines: lines, text_words: words });
  }
  return out;
}
