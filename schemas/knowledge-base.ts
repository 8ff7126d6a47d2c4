/**
 * A knowledge base: a name, the source prefix it feeds from, its sink, and where its processed outputs and JSONL
 * chunks live; plus what one sync did. Pure.
 */
import { z } from 'zod';
import { JobInput } from './job.ts';

export const KnowledgeBaseSinkKind = z.enum(['jsonl', 'pgvector']);
export type KnowledgeBaseSinkKind = z.infer<typeof KnowledgeBaseSinkKind>;

export const KnowledgeBaseName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'a knowledge base name is 1-63 of a-z, 0-9, - and _, starting with a letter or digit' });

export const KnowledgeBase = z.object({
  name: KnowledgeBaseName,
  /** a file:// or s3:// prefix (or one file) whose files are fed */
  source: z.string(),
  sink: KnowledgeBaseSinkKind,
  /** folder URI: `outputs/` (the jobs' standard output) and `chunks/` (the JSONL sink) */
  location: z.string(),
  created_at: z.string(),
  last_sync: z
    .object({
      run_id: z.string(),
      finished_at: z.string(),
      sources: z.number().int(),
      chunks: z.number().int(),
      failed: z.number().int(),
    })
    .optional(),
});
export type KnowledgeBase = z.infer<typeof KnowledgeBase>;

/** One source file to feed: its URI and the sha256 of its bytes. */
export const SourceFile = z.object({ uri: z.string(), fingerprint: z.string() });
export type SourceFile = z.infer<typeof SourceFile>;

export const SyncPlan = z.object({
  changed: z.array(SourceFile),
  deleted: z.array(z.string()),
  unchanged: z.number().int(),
});
export type SyncPlan = z.infer<typeof SyncPlan>;

export const FeedResult = z.object({ added: z.number().int(), removed: z.number().int(), kept: z.number().int() });
export type FeedResult = z.infer<typeof FeedResult>;

/** What the knowledge-base sync workflow is started with: the base, and the job fields its assets run with. */
export const KnowledgeBaseSyncInput = z.object({
  kb: KnowledgeBase,
  job: JobInput.omit({ inputUri: true }),
  /** assets processed at once */
  window: z.number().int().positive().default(4),
});
export type KnowledgeBaseSyncInput = z.infer<typeof KnowledgeBaseSyncInput>;

export const KnowledgeBaseSyncResult = z.object({
  kb: z.string(),
  new_or_changed: z.number().int(),
  unchanged: z.number().int(),
  deleted: z.number().int(),
  chunks_added: z.number().int(),
  chunks_removed: z.number().int(),
  chunks_kept: z.number().int(),
  failed: z.array(z.object({ uri: z.string(), error: z.string() })),
});
export type KnowledgeBaseSyncResult = z.infer<typeof KnowledgeBaseSyncResult>;

/** What `quarry search --json` prints for each hit (absent keys omitted). */
export const SearchResult = z.object({
  text: z.string(),
  score: z.number(),
  source_uri: z.string(),
  /** 1-based, as Bedrock Knowledge Bases' x-amz-bedrock-kb-document-page-number */
  page: z.number().int().positive().optional(),
  start_ms: z.number().int().optional(),
  end_ms: z.number().int().optional(),
  box: z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() }).optional(),
});
export type SearchResult = z.infer<typeof SearchResult>;
