/**
 * Where a knowledge base's chunks are kept: one interface for the JSONL files written beside the outputs (the
 * default) and PostgreSQL + pgvector. A sink knows each source file's fingerprint (so a sync skips unchanged
 * ones), replaces one source's chunks idempotently (keyed by content hash: a chunk already there is kept, one
 * no longer produced is deleted), removes a deleted source's chunks, and answers nearest-neighbour queries.
 */
import type { EmbeddedChunk, KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';

export interface SourceRecord {
  source_uri: string;
  /** sha256 of the source file's bytes when it was fed */
  fingerprint: string;
  chunks: number;
}

export interface ReplaceResult {
  added: number;
  removed: number;
  kept: number;
}

export interface SearchHit {
  chunk: KnowledgeChunk;
  /** cosine similarity to the question, -1..1 */
  score: number;
}

export interface KnowledgeSink {
  sources(): Promise<SourceRecord[]>;
  /** content hashes already stored for a source (their embeddings need not be computed again) */
  hashesOf(sourceUri: string): Promise<Set<string>>;
  /**
   * Makes the source's chunks exactly `chunks` (`reused`: hashes already stored, left as they are) and records
   * its fingerprint.
   */
  replaceSource(
    source: { source_uri: string; fingerprint: string },
    chunks: readonly EmbeddedChunk[],
    reused: readonly string[],
  ): Promise<ReplaceResult>;
  /** deletes a source's chunks and its record; returns how many chunks went */
  removeSource(sourceUri: string): Promise<number>;
  search(vector: readonly number[], k: number): Promise<SearchHit[]>;
  count(): Promise<number>;
  close(): Promise<void>;
}
