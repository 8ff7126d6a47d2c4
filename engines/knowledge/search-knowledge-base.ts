/**
 * A question against a knowledge base: embedded with the same model as its chunks, the sink's nearest chunks,
 * each returned with its citation (source file, 1-based page + box, or start/end ms).
 */
import type { QuarryConfig } from '../../schemas/config.ts';
import type { KnowledgeBase, SearchResult } from '../../schemas/knowledge-base.ts';
import type { KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';
import { embeddedEmbeddings } from '../language/sentence-embeddings.ts';
import type { Storage } from '../storage/storage.ts';
import { openSink } from './open-sink.ts';

/** The cited form of a chunk (absent keys omitted). Pure. */
export function citedResult(chunk: KnowledgeChunk, score: number): SearchResult {
  const page = chunk.page_indices?.[0];
  const box = chunk.boxes?.find((b) => b.page_index === page)?.bounding_box;
  return {
    text: chunk.text,
    score: Math.round(score * 10_000) / 10_000,
    source_uri: chunk.source_uri,
    ...(page !== undefined ? { page: page + 1 } : {}),
    ...(chunk.start_ms !== undefined ? { start_ms: chunk.start_ms } : {}),
    ...(chunk.end_ms !== undefined ? { end_ms: chunk.end_ms } : {}),
    ...(box ? { box } : {}),
  };
}

export async function searchKnowledgeBase(
  kb: KnowledgeBase,
  question: string,
  k: number,
  deps: { config: QuarryConfig; storage: Storage },
): Promise<SearchResult[]> {
  const kbc = deps.config.knowledgeBase;
  const model = await embeddedEmbeddings(deps.config.root ?? process.cwd(), kbc.embeddingThreads, kbc.embeddingModelDir);
  const [vector] = await model.embed([question]);
  const sink = openSink(kb, deps.config, deps.storage);
  try {
    return (await sink.search(Array.from(vector), k)).map((h) => citedResult(h.chunk, h.score));
  } finally {
    await sink.close();
  }
}
