/**
 * One retrieval unit of a knowledge base: a piece of an asset's standard output with the evidence to cite it
 * (source file, page + box or start/end ms), where it sits in the asset (reading order), a content hash that
 * keys idempotent upserts, and the metadata keys Bedrock Knowledge Bases uses beside Quarry's own. Pure.
 */
import { z } from 'zod';
import { BoundingBox } from './box.ts';
import { Modality } from './modality.ts';

/** What part of the standard output a chunk came from. */
export const ChunkKind = z.enum(['SECTION', 'TABLE', 'FIGURE', 'IMAGE', 'TOPIC', 'SPEAKER_TURN', 'CHAPTER']);
export type ChunkKind = z.infer<typeof ChunkKind>;

export const ChunkBox = z.object({ page_index: z.number().int().nonnegative(), bounding_box: BoundingBox });
export type ChunkBox = z.infer<typeof ChunkBox>;

export const KnowledgeChunk = z.object({
  /** sha256 (hex) of the source URI, text and citation: the same chunk hashes the same on every sync */
  content_hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** what is embedded and returned: headings carried down, then the body */
  text: z.string().min(1),
  kind: ChunkKind,
  modality: Modality,
  source_uri: z.string(),
  job_id: z.string().optional(),
  asset_id: z.string(),
  /** position of this chunk among its asset's chunks, in reading (or time) order */
  reading_order: z.number().int().nonnegative(),
  /** headings above a document chunk, outermost first */
  headings: z.array(z.string()).optional(),
  /** pages the chunk covers, 0-based (BDA's page_index) */
  page_indices: z.array(z.number().int().nonnegative()).optional(),
  /** one box per page: the union of the chunk's elements there */
  boxes: z.array(ChunkBox).optional(),
  start_ms: z.number().int().nonnegative().optional(),
  end_ms: z.number().int().nonnegative().optional(),
  speaker: z.string().optional(),
  /** ids of the standard output parts it was built from (element ids, segment / topic / chapter indices) */
  parts: z.array(z.string()),
  /** the asset's custom-output fields (blueprint name → field → value), when a blueprint matched */
  blueprint_fields: z.record(z.string(), z.unknown()).optional(),
  /** Bedrock Knowledge Bases' keys (`x-amz-bedrock-kb-source-uri`, `x-amz-bedrock-kb-document-page-number`, 1-based) and ours */
  metadata: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type KnowledgeChunk = z.infer<typeof KnowledgeChunk>;

/** A chunk with its embedding, as a sink stores it. */
export const EmbeddedChunk = KnowledgeChunk.extend({
  embedding: z.array(z.number()),
  embedding_model: z.string(),
});
export type EmbeddedChunk = z.infer<typeof EmbeddedChunk>;
