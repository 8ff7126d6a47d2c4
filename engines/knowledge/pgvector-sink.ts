/**
 * The PostgreSQL + pgvector sink: one row per chunk keyed by (knowledge base, content hash), the chunk's JSON
 * beside its text and vector(384), an HNSW cosine index; one row per source with its fingerprint. Replacing a
 * source is one transaction (insert new hashes, delete the ones no longer produced, record the fingerprint),
 * so a sync that is killed midway and retried neither loses nor duplicates chunks.
 */
import pg from 'pg';
import { type EmbeddedChunk, KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';
import type { KnowledgeSink, ReplaceResult, SearchHit, SourceRecord } from './knowledge-sink.ts';

const vectorLiteral = (v: readonly number[]) => `[${v.map((x) => Math.round(x * 1e7) / 1e7).join(',')}]`;

export class PgvectorSink implements KnowledgeSink {
  private readonly pool: pg.Pool;
  private ready?: Promise<void>;

  constructor(
    url: string,
    private readonly kb: string,
    private readonly dimensions = 384,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
    // an idle pooled connection the server closed (restart, failover) is dropped by the pool; the next query
    // opens a new one, and a query that fails reports its own error
    this.pool.on('error', () => {});
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      const c = await this.pool.connect();
      try {
        // concurrent first syncs: one creates the schema, the others wait on the lock
        await c.query('SELECT pg_advisory_lock(7210422)');
        await c.query('CREATE EXTENSION IF NOT EXISTS vector');
        await c.query(`CREATE TABLE IF NOT EXISTS quarry_kb_sources (
          kb text NOT NULL, source_uri text NOT NULL, fingerprint text NOT NULL, chunks integer NOT NULL,
          synced_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (kb, source_uri))`);
        await c.query(`CREATE TABLE IF NOT EXISTS quarry_kb_chunks (
          kb text NOT NULL, content_hash text NOT NULL, source_uri text NOT NULL, reading_order integer NOT NULL,
          text text NOT NULL, chunk jsonb NOT NULL, embedding_model text NOT NULL,
          embedding vector(${this.dimensions}) NOT NULL, PRIMARY KEY (kb, content_hash))`);
        await c.query('CREATE INDEX IF NOT EXISTS quarry_kb_chunks_source ON quarry_kb_chunks (kb, source_uri)');
        await c.query(
          'CREATE INDEX IF NOT EXISTS quarry_kb_chunks_embedding ON quarry_kb_chunks USING hnsw (embedding vector_cosine_ops)',
        );
      } finally {
        await c.query('SELECT pg_advisory_unlock(7210422)').catch(() => {});
        c.release();
      }
    })();
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready;
  }

  async sources(): Promise<SourceRecord[]> {
    await this.init();
    const r = await this.pool.query(
      'SELECT source_uri, fingerprint, chunks FROM quarry_kb_sources WHERE kb = $1 ORDER BY source_uri',
      [this.kb],
    );
    return r.rows as SourceRecord[];
  }

  async hashesOf(sourceUri: string): Promise<Set<string>> {
    await this.init();
    const r = await this.pool.query('SELECT content_hash FROM quarry_kb_chunks WHERE kb = $1 AND source_uri = $2', [
      this.kb,
      sourceUri,
    ]);
    return new Set(r.rows.map((x: { content_hash: string }) => x.content_hash));
  }

  async replaceSource(
    source: { source_uri: string; fingerprint: string },
    chunks: readonly EmbeddedChunk[],
    reused: readonly string[],
  ): Promise<ReplaceResult> {
    await this.init();
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      let added = 0;
      for (const ch of chunks) {
        const { embedding, embedding_model, ...chunk } = ch;
        const r = await c.query(
          `INSERT INTO quarry_kb_chunks (kb, content_hash, source_uri, reading_order, text, chunk, embedding_model, embedding)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::vector)
           ON CONFLICT (kb, content_hash) DO UPDATE SET reading_order = EXCLUDED.reading_order, chunk = EXCLUDED.chunk
           WHERE quarry_kb_chunks.chunk IS DISTINCT FROM EXCLUDED.chunk
           RETURNING (xmax = 0) AS inserted`,
          [this.kb, ch.content_hash, ch.source_uri, ch.reading_order, ch.text, chunk, embedding_model, vectorLiteral(embedding)],
        );
        if (r.rows[0]?.inserted) added++;
      }
      const keep = [...new Set([...reused, ...chunks.map((ch) => ch.content_hash)])];
      const del = await c.query(
        'DELETE FROM quarry_kb_chunks WHERE kb = $1 AND source_uri = $2 AND NOT (content_hash = ANY($3::text[]))',
        [this.kb, source.source_uri, keep],
      );
      await c.query(
        `INSERT INTO quarry_kb_sources (kb, source_uri, fingerprint, chunks) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kb, source_uri) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, chunks = EXCLUDED.chunks, synced_at = now()`,
        [this.kb, source.source_uri, source.fingerprint, keep.length],
      );
      await c.query('COMMIT');
      return { added, removed: del.rowCount ?? 0, kept: keep.length - added };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  async removeSource(sourceUri: string): Promise<number> {
    await this.init();
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await c.query('DELETE FROM quarry_kb_chunks WHERE kb = $1 AND source_uri = $2', [this.kb, sourceUri]);
      await c.query('DELETE FROM quarry_kb_sources WHERE kb = $1 AND source_uri = $2', [this.kb, sourceUri]);
      await c.query('COMMIT');
      return r.rowCount ?? 0;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  async search(vector: readonly number[], k: number): Promise<SearchHit[]> {
    await this.init();
    const r = await this.pool.query(
      `SELECT chunk, 1 - (embedding <=> $1::vector) AS score FROM quarry_kb_chunks WHERE kb = $2
       ORDER BY embedding <=> $1::vector LIMIT $3`,
      [vectorLiteral(vector), this.kb, k],
    );
    return r.rows.map((x: { chunk: unknown; score: number }) => ({
      chunk: KnowledgeChunk.parse(x.chunk),
      score: Number(x.score),
    }));
  }

  async count(): Promise<number> {
    await this.init();
    const r = await this.pool.query('SELECT count(*)::int AS n FROM quarry_kb_chunks WHERE kb = $1', [this.kb]);
    return r.rows[0].n as number;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
