import { z } from 'zod';

/**
 * BDA audio standard output (reference bda-and-peers.md §1.11), field for field, plus clearly named Quarry
 * extras under `quarry` (which methods ran) — BDA's own keys are never renamed. Times in milliseconds.
 */

export const ModerationCategoryName = z.enum([
  'profanity',
  'hate_speech',
  'sexual',
  'insults',
  'violence_or_threat',
  'graphic',
  'harassment_or_abuse',
]);
export type ModerationCategoryName = z.infer<typeof ModerationCategoryName>;

const ms = z.number().int().nonnegative();
const confidence = z.number().min(0).max(1);

export const IabCategory = z.object({
  id: z.string(),
  type: z.literal('IAB'),
  category: z.string(),
  confidence,
  taxonomy_level: z.number().int().min(1).max(4),
  parent_name: z.string(),
});
export type IabCategory = z.infer<typeof IabCategory>;

export const Transcript = z.object({ representation: z.object({ text: z.string() }) });

export const AudioItem = z.object({
  item_index: z.number().int().nonnegative(),
  audio_segment_index: z.number().int().nonnegative(),
  type: z.literal('TRANSCRIPT').optional(),
  content: z.string(),
  start_timestamp_millis: ms,
  end_timestamp_millis: ms,
  confidence: confidence.optional(),
});
export type AudioItem = z.infer<typeof AudioItem>;

export const AudioSegment = z.object({
  segment_index: z.number().int().nonnegative(),
  type: z.literal('TRANSCRIPT'),
  text: z.string(),
  start_timestamp_millis: ms,
  end_timestamp_millis: ms,
  speaker: z.object({ speaker_label: z.string().regex(/^spk_([0-9]|[12][0-9])$/) }).optional(),
  channel: z.object({ channel_label: z.enum(['ch_0', 'ch_1']) }).optional(),
  audio_item_indices: z.array(z.number().int().nonnegative()),
  language: z.string(),
});
export type AudioSegment = z.infer<typeof AudioSegment>;

export const ModerationCategory = z.object({ category: ModerationCategoryName, confidence });

export const ContentModeration = z.object({
  id: z.string(),
  type: z.enum(['AUDIO_MODERATION', 'TOPIC_MODERATION']),
  confidence,
  start_timestamp_millis: ms,
  end_timestamp_millis: ms,
  moderation_categories: z.array(ModerationCategory),
  audio_segment_indices: z.array(z.number().int().nonnegative()).optional(),
  topic_index: z.number().int().nonnegative().optional(),
});
export type ContentModeration = z.infer<typeof ContentModeration>;

export const Topic = z.object({
  topic_index: z.number().int().nonnegative(),
  start_timestamp_millis: ms,
  end_timestamp_millis: ms,
  summary: z.string().optional(),
  transcript: Transcript,
  audio_segment_indices: z.array(z.number().int().nonnegative()),
  iab_categories: z.array(IabCategory).optional(),
});
export type Topic = z.infer<typeof Topic>;

export const AudioStandardOutput = z.object({
  metadata: z.object({
    asset_id: z.string(),
    semantic_modality: z.literal('AUDIO'),
    s3_bucket: z.string().optional(),
    s3_key: z.string().optional(),
    uri: z.string().optional(),
    sample_rate: z.number().int().nonnegative(),
    bitrate: z.number().int().nonnegative(),
    number_of_channels: z.number().int().min(1).max(2),
    codec: z.string(),
    duration_millis: ms,
    format: z.string(),
    dominant_asset_language: z.string(),
    generative_output_language: z.string(),
  }),
  audio: z.object({
    summary: z.string().optional(),
    transcript: Transcript.optional(),
    iab_categories: z.array(IabCategory).optional(),
  }),
  audio_items: z.array(AudioItem),
  audio_segments: z.array(AudioSegment),
  content_moderation: z.array(ContentModeration).optional(),
  topics: z.array(Topic).optional(),
  statistics: z.object({
    word_count: z.number().int().nonnegative(),
    topic_count: z.number().int().nonnegative(),
    speaker_count: z.number().int().nonnegative().optional(),
    segment_count: z.number().int().nonnegative().optional(),
  }),
  /** Quarry extra: which method produced each part, so readers know what they are looking at. */
  quarry: z
    .object({
      speech_recognition: z.string(),
      voice_activity: z.string(),
      speaker_labeling: z.string().optional(),
      topic_segmentation: z.string().optional(),
      summary: z.string().optional(),
      /** summaries the model's text was refused or failed for (their extractive text stands), and why */
      summary_notes: z.array(z.string()).optional(),
      moderation: z.string().optional(),
      iab: z.string().optional(),
      chunks: z.number().int().nonnegative(),
    })
    .optional(),
});
export type AudioStandardOutput = z.infer<typeof AudioStandardOutput>;
