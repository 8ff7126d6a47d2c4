/**
 * The default sink: JSONL files beside the knowledge base's outputs, one file per source
 * (`chunks/<sha256 of the source URI>.jsonl`, one chunk with its embedding a line) and a small record of the
 * source's fingerprint next to it; every write is atomic, and sources never share a file, so assets fed in
 * parallel never race. Search reads every file and ranks by cosine (fine for a few hundred thousand chunks;
 * pgvector for more).
 */
import { createHash } from 'node:crypto';
import type { Storage } from '../storage/storage.ts';
import { EmbeddedChunk, type KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';
import type { KnowledgeSink, ReplaceResult, SearchHit, SourceRecord } from './knowledge-sink.ts';

const keyOf = (sourceUri: string) => createHash('sha256').update(sourceUri).digest('hex').slice(0, 32);
const round = (v: number) => Math.round(v * 1e6) / 1e6;

export class JsonlSink implements KnowledgeSink {
  constructor(
    private readonly storage: Storage,
    /** the folder URI, e.g. file:///…/knowledge-bases/docs/ */
    private readonly location: string,
  ) {}

  private chunksUri(sourceUri: string) {
    return `${this.location.replace(/\/$/, '')}/chunks/${keyOf(sourceUri)}.jsonl`;
  }
  private recordUri(sourceUri: string) {
    return `${this.location.replace(/\/$/, '')}/chunks/${keyOf(sourceUri)}.source.json`;
  }

  private async read(uri: string): Promise<EmbeddedChunk[]> {
    if (!(await this.storage.exists(uri))) return [];
    const text = (await this.storage.readBytes(uri)).toString('utf8');
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => EmbeddedChunk.parse(JSON.parse(l)));
  }

  async sources(): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const dir = `${this.location.replace(/\/$/, '')}/chunks/`;
    for await (const o of this.storage.list(dir)) {
      if (!o.uri.endsWith('.source.json')) continue;
      out.push(JSON.parse((await this.storage.readBytes(o.uri)).toString('utf8')) as SourceRecord);
    }
    return out;
  }

  async hashesOf(sourceUri: string): Promise<Set<string>> {
    return new Set((await this.read(this.chunksUri(sourceUri))).map((c) => c.content_hash));
  }

  async replaceSource(
    source: { source_uri: string; fingerprint: string },
    chunks: readonly EmbeddedChunk[],
    reused: readonly string[],
  ): Promise<ReplaceResult> {
    const before = await this.read(this.chunksUri(source.source_uri));
    const keep = new Set(reused);
    const kept = before.filter((c) => keep.has(c.content_hash));
    const fresh = chunks.filter((c) => !keep.has(c.content_hash));
    const all = [...kept, ...fresh].sort((a, b) => a.reading_order - b.reading_order);
    const lines = all.map((c) => JSON.stringify({ ...c, embedding: c.embedding.map(round) }));
    await this.storage.write(this.chunksUri(source.source_uri), lines.length ? `${lines.join('\n')}\n` : '', 'application/x-ndjson');
    const record: SourceRecord = { ...source, chunks: all.length };
    await this.storage.write(this.recordUri(source.source_uri), JSON.stringify(record), 'application/json');
    return { added: fresh.length, removed: before.length - kept.length, kept: kept.length };
  }

  async removeSource(sourceUri: string): Promise<number> {
    const n = (await this.read(this.chunksUri(sourceUri))).length;
    for (const uri of [this.recordUri(sourceUri), this.chunksUri(sourceUri)])
      if (await this.storage.exists(uri)) await this.storage.delete(uri);
    return n;
  }

  private async *all(): AsyncIterable<EmbeddedChunk> {
    for (const s of await this.sources()) yield* await this.read(this.chunksUri(s.source_uri));
  }

  async search(vector: readonly number[], k: number): Promise<SearchHit[]> {
    const hits: SearchHit[] = [];
    for await (const c of this.all()) {
      let score = 0;
      for (let i = 0; i < vector.length; i++) score += vector[i] * (c.embedding[i] ?? 0);
      const { embedding: _e, embedding_model: _m, ...chunk } = c;
      hits.push({ chunk: chunk as KnowledgeChunk, score });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  async count(): Promise<number> {
    return (await this.sources()).reduce((n, s) => n + s.chunks, 0);
  }

  async close(): Promise<void> {}
}
