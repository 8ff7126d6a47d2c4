import { z } from 'zod';
import { BoundingBox } from './box.ts';

/** BDA standard output for DOCUMENT (reference §1.8), field for field; Quarry's extra keys are named `quarry_*`-free and documented. */
export const Location = z.object({ page_index: z.number().int().nonnegative(), bounding_box: BoundingBox.optional() });

export const Representation = z
  .object({
    text: z.string().optional(),
    markdown: z.string().optional(),
    html: z.string().optional(),
    csv: z.string().optional(),
  })
  .strict();

export const DocumentStatistics = z.object({
  element_count: z.number().int().nonnegative(),
  table_count: z.number().int().nonnegative(),
  figure_count: z.number().int().nonnegative(),
  word_count: z.number().int().nonnegative(),
  line_count: z.number().int().nonnegative(),
  hyperlinks_count: z.number().int().nonnegative(),
});

export const TextSubType = z.enum(['TITLE', 'SECTION_TITLE', 'HEADER', 'FOOTER', 'PARAGRAPH', 'LIST', 'PAGE_NUMBER']);

const ElementBase = z.object({
  id: z.string(),
  reading_order: z.number().int().nonnegative(),
  page_indices: z.array(z.number().int().nonnegative()).min(1),
  representation: Representation.optional(),
  locations: z.array(Location).optional(),
  /** mean OCR/text-layer confidence of the element's words, 0..1 (Quarry extra) */
  confidence: z.number().min(0).max(1).optional(),
});

export const TextElement = ElementBase.extend({ type: z.literal('TEXT'), sub_type: TextSubType });
export const TableElement = ElementBase.extend({
  type: z.literal('TABLE'),
  csv_s3_uri: z.string().optional(),
  headers: z.array(z.string()).optional(),
  title: z.string().optional(),
  footers: z.array(z.string()).optional(),
  crop_images: z.array(z.string()).optional(),
  /** Quarry extra: the grid, for programs (rows × cols, spans, header rows) */
  table_structure: z
    .object({
      rows: z.number().int(),
      columns: z.number().int(),
      header_rows: z.number().int(),
      cells: z.array(
        z.object({
          row: z.number().int(),
          column: z.number().int(),
          row_span: z.number().int(),
          column_span: z.number().int(),
          text: z.string(),
          header: z.boolean(),
        }),
      ),
    })
    .optional(),
});
export type TableElement = z.infer<typeof TableElement>;
export type TextElement = z.infer<typeof TextElement>;
export const FigureElement = ElementBase.extend({
  type: z.literal('FIGURE'),
  sub_type: z.enum(['IMAGE', 'CHART', 'DIAGRAM', 'LOGO', 'FIGURE']).optional(),
  summary: z.string().optional(),
  /** Quarry extra: why `summary` is empty (no captioning provider configured) or which provider wrote it */
  summary_source: z.string().optional(),
  title: z.string().optional(),
  crop_images: z.array(z.string()).optional(),
  rai_flag: z.enum(['APPROVED', 'REDACTED', 'REJECTED']).optional(),
});
export type FigureElement = z.infer<typeof FigureElement>;
export const DocumentElement = z.discriminatedUnion('type', [TextElement, TableElement, FigureElement]);

export const TextLine = z.object({
  id: z.string(),
  text: z.string(),
  reading_order: z.number().int().nonnegative(),
  page_index: z.number().int().nonnegative(),
  confidence: z.number().min(0).max(1).optional(),
  locations: Location.optional(),
});
export type TextLine = z.infer<typeof TextLine>;
export type DocumentElement = z.infer<typeof DocumentElement>;
export const TextWord = TextLine.extend({ line_id: z.string() });

export const DocumentPage = z.object({
  id: z.string(),
  page_index: z.number().int().nonnegative(),
  detected_page_number: z.number().int().optional(),
  representation: Representation.optional(),
  statistics: DocumentStatistics,
  asset_metadata: z.record(z.string(), z.unknown()).optional(),
  /** Quarry extra: TEXT_LAYER or OCR, why, and the OCR engine */
  text_source: z
    .object({ source: z.enum(['TEXT_LAYER', 'OCR']), reason: z.string(), ocr_engine: z.string().optional() })
    .optional(),
});
export type DocumentPage = z.infer<typeof DocumentPage>;
export type TextWord = z.infer<typeof TextWord>;

/**
 * Every word of a document with its box, written beside the standard output when a job has blueprints (whatever
 * granularity the request asked for), so custom output reads words even when the standard output holds only
 * pages and elements. Scratch: deleted once custom output is written.
 */
export const BlueprintWords = z.object({ text_words: z.array(TextWord) });

export const DocumentStandardOutput = z.object({
  metadata: z
    .object({
      asset_id: z.string(),
      semantic_modality: z.literal('DOCUMENT'),
      s3_bucket: z.string().optional(),
      s3_key: z.string().optional(),
      s3_prefix: z.string().optional(),
      number_of_pages: z.number().int().positive(),
      start_page_index: z.number().int().nonnegative(),
      end_page_index: z.number().int().nonnegative(),
      file_type: z.string(),
      logical_subdocument_id: z.string().optional(),
    })
    .passthrough(),
  document: z
    .object({
      representation: Representation.optional(),
      description: z.string().optional(),
      summary: z.string().optional(),
      /** Quarry extra: how description/summary were written and which elements each summary sentence came from */
      generative_source: z
        .object({
          method: z.string(),
          sentences: z.array(z.object({ element_id: z.string(), score: z.number() })),
          /** the configured model failed: its error (the extractive fields stand) */
          provider_error: z.string().optional(),
          /** the model's text named what the document does not say: why it was refused (the extractive fields stand) */
          provider_refused: z.string().optional(),
        })
        .optional(),
      statistics: DocumentStatistics,
    })
    .passthrough(),
  pages: z.array(DocumentPage).optional(),
  elements: z.array(DocumentElement).optional(),
  text_lines: z.array(TextLine).optional(),
  text_words: z.array(TextWord).optional(),
});
export type DocumentStandardOutput = z.infer<typeof DocumentStandardOutput>;
