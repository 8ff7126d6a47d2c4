/** BDA standard output for VIDEO (reference §1.12), field for field, plus documented Quarry extras. */
import { z } from 'zod';
import { IabCategory, Transcript } from './audio-output.ts';
import { ImageTextLine, ImageTextWord, ModerationCategoryJudgement, ModerationLabel } from './image-output.ts';

const ms = z.number().int().nonnegative();
const frame = z.number().int().nonnegative();
const smpte = z.string().regex(/^\d{2}:\d{2}:\d{2}[:;]\d{2}$/);

/** Where a shot or chapter lies on the timeline: timecodes, milliseconds and frame indices. */
const span = {
  start_timecode_smpte: smpte,
  end_timecode_smpte: smpte,
  start_timestamp_millis: ms,
  end_timestamp_millis: ms,
  start_frame_index: frame,
  end_frame_index: frame,
};

export const VideoShot = z.object({
  shot_index: z.number().int().nonnegative(),
  ...span,
  duration_smpte: smpte,
  duration_millis: ms,
  duration_frames: z.number().int().nonnegative(),
  confidence: z.number().min(0).max(1),
  chapter_indices: z.array(z.number().int().nonnegative()),
});
export type VideoShot = z.infer<typeof VideoShot>;

export const ChapterAudioSegment = z.object({
  start_timestamp_millis: ms,
  end_timestamp_millis: ms,
  text: z.string(),
  speaker: z.object({ speaker_label: z.string() }).optional(),
});
export type ChapterAudioSegment = z.infer<typeof ChapterAudioSegment>;

export const VideoFrame = z.object({
  /** Quarry extra: the shot the keyframe was taken from */
  shot_index: z.number().int().nonnegative().optional(),
  timecode_smpte: smpte,
  timestamp_millis: ms,
  frame_index: frame,
  content_moderation: z.array(ModerationLabel).optional(),
  text_words: z.array(ImageTextWord).optional(),
  text_lines: z.array(ImageTextLine).optional(),
  logos: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Quarry extra: every moderation category's judgement on this frame (judged or not, by which engine) */
  moderation_categories: z.array(ModerationCategoryJudgement).optional(),
});
export type VideoFrame = z.infer<typeof VideoFrame>;

export const VideoChapter = z.object({
  chapter_index: z.number().int().nonnegative(),
  ...span,
  duration_millis: ms,
  shot_indices: z.array(z.number().int().nonnegative()),
  summary: z.string().optional(),
  /** Quarry extra: how the chapter summary was made */
  summary_engine: z.string().optional(),
  iab_categories: z.array(IabCategory).optional(),
  audio_segments: z.array(ChapterAudioSegment).optional(),
  frames: z.array(VideoFrame).optional(),
});
export type VideoChapter = z.infer<typeof VideoChapter>;

export const VideoStandardOutput = z.object({
  metadata: z
    .object({
      asset_id: z.string(),
      semantic_modality: z.literal('VIDEO'),
      s3_bucket: z.string().optional(),
      s3_key: z.string().optional(),
      uri: z.string().optional(),
      format: z.string(),
      frame_rate: z.number().nonnegative(),
      codec: z.string(),
      duration_millis: ms,
      duration_smpte: smpte.optional(),
      frame_width: z.number().int().nonnegative(),
      frame_height: z.number().int().nonnegative(),
    })
    .passthrough(),
  video: z
    .object({
      summary: z.string().optional(),
      /** Quarry extra: how the video summary was made */
      summary_engine: z.string().optional(),
      /** Quarry extra: why the model's phrasing was not kept, when it was not */
      summary_note: z.string().optional(),
      transcript: Transcript.optional(),
    })
    .passthrough(),
  shots: z.array(VideoShot),
  chapters: z.array(VideoChapter),
  statistics: z.object({
    shot_count: z.number().int().nonnegative(),
    chapter_count: z.number().int().nonnegative(),
    speaker_count: z.number().int().nonnegative().optional(),
  }),
  /** Quarry extra: how shots, chapters and the transcript were made, and what was not generated and why */
  quarry_capabilities: z.object({
    shots: z.string(),
    chapters: z.string(),
    transcript: z.string().optional(),
    /** Quarry extra: how the frames were read (OCR engine, moderation engines), when they were */
    frames: z.string().optional(),
    not_generated: z.array(z.string()),
    reason: z.string().optional(),
  }),
});
export type VideoStandardOutput = z.infer<typeof VideoStandardOutput>;

/**
 * One keyframe as read by `readVideoFrames` (a scratch object in the video's work area, read back by
 * `composeVideo`): its place, what was read and judged on it, and its colour histogram for chapter similarity.
 */
export const FrameReading = z.object({
  frame: VideoFrame,
  /** object labels detected on the frame (CenterNet), for IAB and summaries */
  objects: z.array(z.string()),
  /** the frame's HSV histogram (engines/media/frame-changes.ts), sums to 1 */
  histogram: z.array(z.number()),
  /** its dominant colour names (engines/vision/colours.ts) */
  colours: z.array(z.string()),
  ocr_engine: z.string().optional(),
  /** why something was not read on this frame */
  note: z.string().optional(),
});
export type FrameReading = z.infer<typeof FrameReading>;
