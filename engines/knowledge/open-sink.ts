/** The sink a knowledge base names, opened with the configuration (the pgvector one needs QUARRY_KB_POSTGRES_URL). */
import type { QuarryConfig } from '../../schemas/config.ts';
import { validationError } from '../../schemas/errors.ts';
import type { KnowledgeBase } from '../../schemas/knowledge-base.ts';
import type { Storage } from '../storage/storage.ts';
import { JsonlSink } from './jsonl-sink.ts';
import type { KnowledgeSink } from './knowledge-sink.ts';
import { PgvectorSink } from './pgvector-sink.ts';

export function openSink(kb: KnowledgeBase, config: QuarryConfig, storage: Storage): KnowledgeSink {
  if (kb.sink === 'jsonl') return new JsonlSink(storage, kb.location);
  const url = config.knowledgeBase.postgresUrl;
  if (!url) throw validationError(`knowledge base '${kb.name}' uses the pgvector sink: set QUARRY_KB_POSTGRES_URL`);
  return new PgvectorSink(url, kb.name);
}
