/** Configuration of knowledge-base feeding: chunk sizes, the embedding model, the pgvector sink. Pure. */
import { z } from 'zod';
import { kinds, section, variable } from './variables.ts';

export const KnowledgeBaseConfig = section(
  'Knowledge bases',
  z.object({
    chunkTokens: variable(
      'QUARRY_KB_CHUNK_TOKENS',
      kinds.integer(16, 256).default(200),
      'largest chunk, in the embedding model’s tokens (its limit is 256); tables split by rows beyond it, header repeated',
    ),
    overlapTokens: variable(
      'QUARRY_KB_OVERLAP_TOKENS',
      kinds.integer(0, 128).default(32),
      'tokens a chunk repeats from the one before it when a section or turn is split',
    ),
    embeddingThreads: variable(
      'QUARRY_KB_EMBEDDING_THREADS',
      kinds.integer().default(1),
      'CPU threads of the embedded embedding model',
    ),
    embeddingModelDir: variable(
      'QUARRY_KB_EMBEDDING_MODEL',
      kinds.text().default('.models/embeddings/all-minilm-l6-v2-q'),
      'folder with `model.onnx` + `tokenizer.json` of a sentence-transformers model (setup installs all-MiniLM-L6-v2)',
    ),
    postgresUrl: variable(
      'QUARRY_KB_POSTGRES_URL',
      kinds.text().optional(),
      'PostgreSQL (with the pgvector extension) of the `pgvector` sink, e.g. `postgres://quarry@127.0.0.1:5432/quarry`',
      { secret: true },
    ),
  }),
  'chunking, embeddings and sinks of `quarry kb` ([docs/knowledge-bases.md](docs/knowledge-bases.md))',
);
