/**
 * Knowledge-base activities (the `quarry-knowledge` queue: embedding is CPU work of its own resource class):
 * plan a sync (list the source, fingerprint each file, compare with the sink), feed one processed asset
 * (standard output → chunks → embeddings of the chunks not already stored → one idempotent replace in the
 * sink), remove deleted sources, record the sync. Storage and the sink in and out; the work is in
 * engines/knowledge and engines/language.
 */
import { createHash } from 'node:crypto';
import { chunkStandardOutput } from '../../engines/knowledge/chunk-standard-output.ts';
import { KnowledgeBases } from '../../engines/knowledge/knowledge-bases.ts';
import type { KnowledgeSink } from '../../engines/knowledge/knowledge-sink.ts';
import { openSink } from '../../engines/knowledge/open-sink.ts';
import { embeddedEmbeddings, type EmbeddingProvider } from '../../engines/language/sentence-embeddings.ts';
import type { FeedResult, KnowledgeBase, SourceFile, SyncPlan } from '../../schemas/knowledge-base.ts';
import type { EmbeddedChunk } from '../../schemas/knowledge-chunk.ts';
import { parseStandardOutput } from '../../schemas/standard-output.ts';
import type { ActivityDeps } from '../deps.ts';
import { reportProgress } from '../heartbeat.ts';

export interface FeedAssetInput {
  kb: KnowledgeBase;
  source: SourceFile;
  jobId: string;
  assetId: string;
  standardOutputUris: string[];
  customOutputUris: string[];
}

export function createKnowledgeBaseActivities(deps: ActivityDeps) {
  const { storage, config } = deps;
  const sinks = new Map<string, KnowledgeSink>();
  const sinkOf = (kb: KnowledgeBase) => {
    const key = `${kb.name}:${kb.sink}:${kb.location}`;
    let s = sinks.get(key);
    if (!s) {
      s = openSink(kb, config, storage);
      sinks.set(key, s);
    }
    return s;
  };
  const embeddings = (): Promise<EmbeddingProvider> =>
    embeddedEmbeddings(config.root ?? process.cwd(), config.knowledgeBase.embeddingThreads, config.knowledgeBase.embeddingModelDir);

  async function fingerprint(uri: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const part of await storage.read(uri)) hash.update(part as Buffer);
    return hash.digest('hex');
  }

  async function blueprintFields(uris: readonly string[]): Promise<Record<string, unknown> | undefined> {
    const fields: Record<string, unknown> = {};
    for (const uri of uris) {
      if (!(await storage.exists(uri))) continue;
      const custom = JSON.parse((await storage.readBytes(uri)).toString('utf8')) as {
        matched_blueprint?: { name?: string };
        inference_result?: unknown;
      };
      if (custom.matched_blueprint?.name && custom.inference_result)
        fields[custom.matched_blueprint.name] = custom.inference_result;
    }
    return Object.keys(fields).length ? fields : undefined;
  }

  return {
    /** Which files under the source are new or changed (by sha256) and which fed ones are gone. */
    async planKnowledgeBaseSync(input: { kb: KnowledgeBase }): Promise<SyncPlan> {
      storage.check(input.kb.source);
      const known = new Map((await sinkOf(input.kb).sources()).map((s) => [s.source_uri, s.fingerprint]));
      const changed: SourceFile[] = [];
      const seen = new Set<string>();
      let unchanged = 0;
      for await (const o of storage.list(input.kb.source)) {
        seen.add(o.uri);
        const fp = await fingerprint(o.uri);
        if (known.get(o.uri) === fp) unchanged++;
        else changed.push({ uri: o.uri, fingerprint: fp });
        reportProgress({ listed: seen.size });
      }
      return { changed, deleted: [...known.keys()].filter((u) => !seen.has(u)), unchanged };
    },

    /** One processed asset into the sink: only chunks whose hash is not stored yet are embedded. */
    async feedKnowledgeBaseAsset(input: FeedAssetInput): Promise<FeedResult> {
      const sink = sinkOf(input.kb);
      const model = await embeddings();
      const blueprint_fields = await blueprintFields(input.customOutputUris);
      const chunks = [];
      for (const uri of input.standardOutputUris) {
        const out = parseStandardOutput(JSON.parse((await storage.readBytes(uri)).toString('utf8')), uri);
        chunks.push(
          ...chunkStandardOutput(
            out,
            { source_uri: input.source.uri, asset_id: input.assetId, job_id: input.jobId, blueprint_fields },
            {
              maxTokens: config.knowledgeBase.chunkTokens,
              overlapTokens: config.knowledgeBase.overlapTokens,
              countTokens: model.countTokens,
            },
          ),
        );
      }
      // segments of one asset are numbered on
      chunks.forEach((c, i) => {
        c.reading_order = i;
      });
      const stored = await sink.hashesOf(input.source.uri);
      const reused = chunks.filter((c) => stored.has(c.content_hash)).map((c) => c.content_hash);
      const fresh = chunks.filter((c) => !stored.has(c.content_hash));
      const embedded: EmbeddedChunk[] = [];
      for (let i = 0; i < fresh.length; i += 64) {
        const part = fresh.slice(i, i + 64);
        const vectors = await model.embed(part.map((c) => c.text));
        for (const [j, c] of part.entries())
          embedded.push({ ...c, embedding: Array.from(vectors[j]), embedding_model: model.model });
        reportProgress({ embedded: embedded.length, of: fresh.length });
      }
      return sink.replaceSource({ source_uri: input.source.uri, fingerprint: input.source.fingerprint }, embedded, reused);
    },

    /** Removes the chunks of sources that are no longer under the prefix; returns how many chunks went. */
    async removeKnowledgeBaseSources(input: { kb: KnowledgeBase; uris: string[] }): Promise<number> {
      const sink = sinkOf(input.kb);
      let n = 0;
      for (const uri of input.uris) n += await sink.removeSource(uri);
      return n;
    },

    async recordKnowledgeBaseSync(input: { kb: KnowledgeBase; runId: string; failed: number }): Promise<{ sources: number; chunks: number }> {
      const sink = sinkOf(input.kb);
      const sources = (await sink.sources()).length;
      const chunks = await sink.count();
      await new KnowledgeBases(config.home).recordSync(input.kb.name, {
        run_id: input.runId,
        finished_at: new Date().toISOString(),
        sources,
        chunks,
        failed: input.failed,
      });
      return { sources, chunks };
    },
  };
}
export type KnowledgeBaseActivities = ReturnType<typeof createKnowledgeBaseActivities>;
