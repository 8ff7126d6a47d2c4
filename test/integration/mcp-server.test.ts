import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approximateTokens } from '../../engines/knowledge/chunk-budget.ts';
import { chunkStandardOutput } from '../../engines/knowledge/chunk-standard-output.ts';
import { JsonlSink } from '../../engines/knowledge/jsonl-sink.ts';
import { KnowledgeBases } from '../../engines/knowledge/knowledge-bases.ts';
import { embeddedEmbeddings } from '../../engines/language/sentence-embeddings.ts';
import { FileStorage } from '../../engines/storage/file-storage.ts';
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';

/** `quarry mcp` in its own process, driven by the official MCP SDK client over stdio. */
let dir: string;
let client: Client;

const segment = (i: number, text: string, start: number) => ({
  speaker: { speaker_label: `spk_${i}` },
  segment_index: i,
  type: 'TRANSCRIPT' as const,
  text,
  start_timestamp_millis: start,
  end_timestamp_millis: start + 2000,
  audio_item_indices: [],
  language: 'EN',
});

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-mcp-'));
  const home = path.join(dir, '.quarry');
  const kb = await new KnowledgeBases(home).create({ name: 'calls', source: `${pathToFileURL(dir).href}/in/`, sink: 'jsonl' });
  // a knowledge base fed by hand: one call's standard output, chunked and embedded for real
  const call: AudioStandardOutput = {
    metadata: {
      asset_id: '0',
      semantic_modality: 'AUDIO',
      sample_rate: 16000,
      bitrate: 256000,
      number_of_channels: 1,
      codec: 'pcm',
      duration_millis: 8000,
      format: 'wav',
      dominant_asset_language: 'EN',
      generative_output_language: 'EN',
    },
    audio: {},
    audio_items: [],
    audio_segments: [segment(0, 'My parcel to Lisbon has not arrived.', 0), segment(1, 'The refund takes five working days.', 4000)],
    statistics: { word_count: 13, topic_count: 0 },
  };
  const uri = `${pathToFileURL(dir).href}/in/call.wav`;
  const chunks = chunkStandardOutput(call, { source_uri: uri, asset_id: '0', job_id: 'j' }, { maxTokens: 8, overlapTokens: 0, countTokens: approximateTokens });
  const model = await embeddedEmbeddings(process.cwd(), 1);
  const vectors = await model.embed(chunks.map((c) => c.text));
  const embedded = chunks.map((c, i) => ({ ...c, embedding: Array.from(vectors[i]), embedding_model: model.model }));
  await new JsonlSink(new FileStorage([dir]), kb.location).replaceSource({ source_uri: uri, fingerprint: 'f' }, embedded, []);

  client = new Client({ name: 'quarry-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve('bin/quarry.mjs'), '--endpoint', 'http://127.0.0.1:9', 'mcp'],
      env: { ...(process.env as Record<string, string>), QUARRY_HOME: home, QUARRY_ROOT: process.cwd(), QUARRY_ALLOWED_ROOTS: dir },
      stderr: 'ignore',
    }),
  );
}, 120_000);

afterAll(async () => {
  await client?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('quarry mcp', () => {
  it('lists its tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_job', 'list_knowledge_bases', 'process_file', 'search_knowledge_base']);
    const search = tools.find((t) => t.name === 'search_knowledge_base')!;
    expect(Object.keys(search.inputSchema.properties ?? {}).sort()).toEqual(['knowledge_base', 'question', 'top_k']);
  });

  it('answers search_knowledge_base with cited chunks', async () => {
    const r = await client.callTool({ name: 'search_knowledge_base', arguments: { knowledge_base: 'calls', question: 'how long does a refund take?', top_k: 2 } });
    expect(r.isError).toBeFalsy();
    const { results } = r.structuredContent as { results: { text: string; source_uri: string; start_ms: number; end_ms: number }[] };
    expect(results[0]).toMatchObject({ text: 'spk_1: The refund takes five working days.', start_ms: 4000, end_ms: 6000 });
    expect(results[0].source_uri).toMatch(/call\.wav$/);
  });

  it('reports a bad call as a tool error, not a crash', async () => {
    const unknown = await client.callTool({ name: 'search_knowledge_base', arguments: { knowledge_base: 'nope', question: 'x' } });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain("no knowledge base named 'nope'");
    const job = await client.callTool({ name: 'get_job', arguments: { invocation: 'abc' } });
    expect(job.isError).toBe(true);
    const list = await client.callTool({ name: 'list_knowledge_bases', arguments: {} });
    expect((list.structuredContent as { knowledge_bases: { name: string }[] }).knowledge_bases.map((k) => k.name)).toEqual(['calls']);
  });
});
