import { z } from 'zod';
import { BoundingBox, Point } from './box.ts';

/** BDA standard output for IMAGE (reference §1.10), field for field, plus documented Quarry extras. */
const ImageLocation = z.object({ bounding_box: BoundingBox.optional(), polygon: z.array(Point).length(4).optional() });

export const ImageTextWord = z.object({
  id: z.string(),
  type: z.literal('TEXT_WORD'),
  text: z.string(),
  confidence: z.number().min(0).max(1),
  line_id: z.string(),
  locations: z.array(ImageLocation),
});
export type ImageTextWord = z.infer<typeof ImageTextWord>;
export const ImageTextLine = z.object({
  id: z.string(),
  type: z.literal('TEXT_LINE'),
  text: z.string(),
  confidence: z.number().min(0).max(1),
  locations: z.array(ImageLocation),
});
export type ImageTextLine = z.infer<typeof ImageTextLine>;

/** One moderation label: a BDA category with its confidence (0..1). */
export const ModerationLabel = z.object({ category: z.string(), confidence: z.number().min(0).max(1) });

/** Quarry extra: how one of BDA's 7 moderation categories was judged (or that it was not, and why). */
export const ModerationCategoryJudgement = z.object({
  category: z.string(),
  judged: z.boolean(),
  confidence: z.number().min(0).max(1),
  judged_by: z.array(z.string()),
  evidence: z.array(z.string()),
  note: z.string().optional(),
});

/** BDA's IAB entry (reference §1.10). */
export const ImageIabCategory = z.object({
  id: z.string(),
  type: z.literal('IAB'),
  category: z.string(),
  confidence: z.number().min(0).max(1),
  taxonomy_level: z.number().int().positive(),
  parent_name: z.string(),
});

/** Quarry extra: one COCO object found in the image (normalised box). */
export const DetectedObjectEntry = z.object({
  label: z.string(),
  score: z.number().min(0).max(1),
  box: BoundingBox,
});

export const ImageStandardOutput = z.object({
  metadata: z
    .object({
      asset_id: z.string(),
      semantic_modality: z.literal('IMAGE'),
      s3_bucket: z.string().optional(),
      s3_key: z.string().optional(),
      image_width_pixels: z.number().int().positive(),
      image_height_pixels: z.number().int().positive(),
      image_encoding: z.string(),
    })
    .passthrough(),
  image: z
    .object({
      summary: z.string().optional(),
      iab_categories: z.array(ImageIabCategory).optional(),
      content_moderation: z.array(ModerationLabel).optional(),
      logos: z.array(z.record(z.string(), z.unknown())).optional(),
      text_words: z.array(ImageTextWord).optional(),
      text_lines: z.array(ImageTextLine).optional(),
      /** Quarry extras: the engine that wrote each part, and the detections the summary and IAB were built from */
      ocr_engine: z.string().optional(),
      moderation_engine: z.string().optional(),
      moderation_categories: z.array(ModerationCategoryJudgement).optional(),
      summary_engine: z.string().optional(),
      iab_engine: z.string().optional(),
      detected_objects: z.array(DetectedObjectEntry).optional(),
      object_engine: z.string().optional(),
      /** the text read and the dominant colours the summary was built from (with `detected_objects`) */
      summary_source: z
        .object({ lines: z.array(z.string()), colours: z.array(z.object({ colour: z.string(), share: z.number() })) })
        .optional(),
      /** Quarry extra: capabilities asked for but not produced, and why (never invented) */
      not_generated: z.record(z.string(), z.string()).optional(),
    })
    .passthrough(),
  statistics: z.object({
    iab_category_count: z.number().int().nonnegative(),
    content_moderation_count: z.number().int().nonnegative(),
    logo_count: z.number().int().nonnegative(),
    line_count: z.number().int().nonnegative(),
    word_count: z.number().int().nonnegative(),
  }),
});
export type ImageStandardOutput = z.infer<typeof ImageStandardOutput>;
