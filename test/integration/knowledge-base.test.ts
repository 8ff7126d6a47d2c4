import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startKnowledgeBaseSync } from '../../api/knowledge-base-sync.ts';
import { KnowledgeBases } from '../../engines/knowledge/knowledge-bases.ts';
import { openSink } from '../../engines/knowledge/open-sink.ts';
import { searchKnowledgeBase } from '../../engines/knowledge/search-knowledge-base.ts';
import type { KnowledgeBase, KnowledgeBaseSyncResult } from '../../schemas/knowledge-base.ts';
import { EmbeddedChunk } from '../../schemas/knowledge-chunk.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { speak } from '../fixtures/audio/make-audio.ts';
import { hasPostgres, type PostgresServer, startPostgres } from '../helpers/postgres-server.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

/**
 * Knowledge-base sync over a mixed source (a 3-page PDF with a table, and speech made with espeak-ng) on a real
 * Temporal server and the real pipelines, into the JSONL sink and into a real PostgreSQL + pgvector started here.
 */
const SPEECH = 'The lighthouse keeper rings the harbour bell every evening at seven. Fishing boats must return before the storm.';

let stack: Stack;
let pg: PostgresServer | undefined;

async function makeSource(name: string): Promise<string> {
  const dir = path.join(stack.root, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile('samples/sample.pdf', path.join(dir, 'notes.pdf'));
  speak(path.join(dir, 'bell.wav'), SPEECH);
  await fs.rm(path.join(dir, 'bell.wav.raw.wav'), { force: true });
  return `${pathToFileURL(dir).href}/`;
}

async function sync(kb: KnowledgeBase): Promise<KnowledgeBaseSyncResult> {
  const handle = await startKnowledgeBaseSync(stack.client, stack.config, kb);
  return handle.result();
}

beforeAll(async () => {
  if (hasPostgres()) pg = await startPostgres();
  stack = await createStack({
    address: inject('temporalAddress'),
    activities: activitiesByQueue,
    env: pg ? { QUARRY_KB_POSTGRES_URL: pg.url, QUARRY_ROOT: process.cwd() } : { QUARRY_ROOT: process.cwd() },
  });
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await pg?.stop();
});

const sinkKinds = ['jsonl', 'pgvector'] as const;

describe.each(sinkKinds)('knowledge base sync into %s', (sink) => {
  let kb: KnowledgeBase;
  let first: KnowledgeBaseSyncResult;

  beforeAll(async () => {
    if (sink === 'pgvector' && !pg) throw new Error('PostgreSQL + pgvector is not installed: run npm run setup');
    const source = await makeSource(`source-${sink}`);
    kb = await new KnowledgeBases(stack.config.home).create({ name: `kb-${sink}`, source, sink });
    first = await sync(kb);
  }, 600_000);

  it('feeds every new file as cited chunks', async () => {
    expect(first.failed).toEqual([]);
    expect(first).toMatchObject({ new_or_changed: 2, unchanged: 0, deleted: 0, chunks_removed: 0 });
    expect(first.chunks_added).toBeGreaterThan(2);
    const s = openSink(kb, stack.config, stack.storage);
    try {
      const sources = await s.sources();
      expect(sources.map((x) => path.basename(x.source_uri)).sort()).toEqual(['bell.wav', 'notes.pdf']);
      expect(await s.count()).toBe(first.chunks_added);
    } finally {
      await s.close();
    }
    if (sink === 'jsonl') {
      const dir = new URL('chunks/', kb.location);
      const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.jsonl'));
      expect(files).toHaveLength(2);
      const lines = (await Promise.all(files.map((f) => fs.readFile(new URL(f, dir), 'utf8'))))
        .flatMap((t) => t.split('\n').filter(Boolean))
        .map((l) => EmbeddedChunk.parse(JSON.parse(l)));
      const pdf = lines.filter((c) => c.modality === 'DOCUMENT');
      const audio = lines.filter((c) => c.modality === 'AUDIO');
      expect(pdf.length).toBeGreaterThan(1);
      expect(audio.length).toBeGreaterThan(0);
      for (const c of lines) {
        expect(c.embedding).toHaveLength(384);
        expect(c.metadata['x-amz-bedrock-kb-source-uri']).toBe(c.source_uri);
        expect(c.job_id).toBeTruthy();
      }
      for (const c of pdf) {
        expect(c.metadata['x-amz-bedrock-kb-document-page-number']).toBe((c.page_indices?.[0] ?? -1) + 1);
        expect(c.boxes?.length).toBeGreaterThan(0);
      }
      expect(pdf.some((c) => c.kind === 'TABLE' && c.text.includes('| Item |'))).toBe(true);
      for (const c of audio) expect(c.end_ms).toBeGreaterThan(c.start_ms ?? Number.POSITIVE_INFINITY);
    }
  });

  it('a rerun changes nothing', async () => {
    const snapshot = sink === 'jsonl' ? await jsonlSnapshot(kb) : undefined;
    const again = await sync(kb);
    expect(again).toMatchObject({ new_or_changed: 0, unchanged: 2, deleted: 0, chunks_added: 0, chunks_removed: 0, failed: [] });
    if (snapshot) expect(await jsonlSnapshot(kb)).toEqual(snapshot);
  });

  it('search returns cited chunks: page and box for the document, start/end ms for speech', async () => {
    const speech = await searchKnowledgeBase(kb, 'When does the harbour bell ring?', 5, stack);
    expect(speech[0].source_uri).toMatch(/bell\.wav$/);
    expect(speech[0].start_ms).toBeTypeOf('number');
    expect(speech[0].end_ms).toBeGreaterThan(speech[0].start_ms!);
    expect(speech[0].page).toBeUndefined();
    const doc = await searchKnowledgeBase(kb, 'river stones on the slope of the valley', 5, stack);
    expect(doc[0].source_uri).toMatch(/notes\.pdf$/);
    expect(doc[0].page).toBe(1);
    expect(doc[0].box).toBeDefined();
    expect(doc[0].text).toContain('river stones');
    expect(doc[0].score).toBeGreaterThan(doc[doc.length - 1].score);
  });

  it('deleting a file removes exactly its chunks', async () => {
    const s = openSink(kb, stack.config, stack.storage);
    try {
      const before = await s.sources();
      const wav = before.find((x) => x.source_uri.endsWith('bell.wav'))!;
      const pdf = before.find((x) => x.source_uri.endsWith('notes.pdf'))!;
      const pdfHashes = await s.hashesOf(pdf.source_uri);
      await fs.rm(new URL(wav.source_uri));
      const after = await sync(kb);
      expect(after).toMatchObject({ new_or_changed: 0, unchanged: 1, deleted: 1, chunks_added: 0, chunks_removed: wav.chunks });
      expect((await s.sources()).map((x) => x.source_uri)).toEqual([pdf.source_uri]);
      expect(await s.hashesOf(pdf.source_uri)).toEqual(pdfHashes);
      expect(await s.hashesOf(wav.source_uri)).toEqual(new Set());
      expect(await s.count()).toBe(pdf.chunks);
    } finally {
      await s.close();
    }
  });

  it('a changed file is fed again: its chunks no longer produced go, unchanged ones are kept', async () => {
    const s = openSink(kb, stack.config, stack.storage);
    try {
      const pdf = (await s.sources()).find((x) => x.source_uri.endsWith('notes.pdf'))!;
      const before = await s.hashesOf(pdf.source_uri);
      // the same first page, without the order table of pages 2-3
      await fs.copyFile('test/fixtures/documents/two-column.pdf', new URL(pdf.source_uri));
      const r = await sync(kb);
      expect(r).toMatchObject({ new_or_changed: 1, unchanged: 0, deleted: 0, failed: [] });
      const after = await s.hashesOf(pdf.source_uri);
      expect(r.chunks_added).toBe([...after].filter((h) => !before.has(h)).length);
      expect(r.chunks_removed).toBe([...before].filter((h) => !after.has(h)).length);
      expect(r.chunks_removed).toBeGreaterThan(0);
      expect(await s.count()).toBe(after.size);
      const hits = await searchKnowledgeBase(kb, 'Widget quantity and price', 5, stack);
      expect(hits.some((h) => h.text.includes('| Widget'))).toBe(false);
    } finally {
      await s.close();
    }
  });
});

async function jsonlSnapshot(kb: KnowledgeBase): Promise<Record<string, string>> {
  const dir = new URL('chunks/', kb.location);
  const out: Record<string, string> = {};
  for (const f of (await fs.readdir(dir)).sort()) out[f] = await fs.readFile(new URL(f, dir), 'utf8');
  return out;
}
