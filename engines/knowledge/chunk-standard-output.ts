/**
 * Any modality's standard output → the knowledge base's cited chunks: the modality's chunker, then numbering,
 * hashing and the Bedrock Knowledge Bases metadata. The one entry point sync uses. Pure.
 */
import type { KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';
import type { StandardOutput } from '../../schemas/standard-output.ts';
import type { ChunkBudget } from './chunk-budget.ts';
import { chunkAudio } from './chunk-audio.ts';
import { chunkDocument } from './chunk-document.ts';
import { type ChunkDraft, type ChunkSource, finishChunks } from './chunk-draft.ts';
import { chunkImage } from './chunk-image.ts';
import { chunkVideo } from './chunk-video.ts';

export type { ChunkSource } from './chunk-draft.ts';

export function chunkStandardOutput(
  out: StandardOutput,
  source: Omit<ChunkSource, 'modality'>,
  budget: ChunkBudget,
): KnowledgeChunk[] {
  const m = out.metadata.semantic_modality;
  const drafts: ChunkDraft[] =
    m === 'DOCUMENT'
      ? chunkDocument(out as Extract<StandardOutput, { metadata: { semantic_modality: 'DOCUMENT' } }>, budget)
      : m === 'AUDIO'
        ? chunkAudio(out as Extract<StandardOutput, { metadata: { semantic_modality: 'AUDIO' } }>, budget)
        : m === 'IMAGE'
          ? chunkImage(out as Extract<StandardOutput, { metadata: { semantic_modality: 'IMAGE' } }>, budget)
          : chunkVideo(out as Extract<StandardOutput, { metadata: { semantic_modality: 'VIDEO' } }>, budget);
  return finishChunks(drafts, { ...source, modality: m });
}
