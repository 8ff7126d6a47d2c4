/**
 * `npm run bench -- kb`: a knowledge base over ../shared/eval (the 24 ICDAR-2013 PDFs and the 47 speech clips,
 * copied to a temp folder, never into the repo) fed by the real sync workflow on an embedded stack; then the 50
 * questions of bench/knowledge-base/questions.json: recall@5 and MRR (a hit is a chunk of the file that answers,
 * containing its phrase for documents); embedding throughput; first sync, a rerun with nothing changed, and
 * JSONL sink search latency. QUARRY_EVAL_DIR moves the eval folder. Slow: the first sync runs all 71 files through
 * the real pipelines (whisper for the 47 clips); on 2 cores shared with other work it had fed 43 after 43 min.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKnowledgeBaseSync } from '../api/knowledge-base-sync.ts';
import { startEmbedded } from '../cli/embedded.ts';
import { KnowledgeBases } from '../engines/knowledge/knowledge-bases.ts';
import { searchKnowledgeBase } from '../engines/knowledge/search-knowledge-base.ts';
import { embeddedEmbeddings } from '../engines/language/sentence-embeddings.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { EmbeddedChunk } from '../schemas/knowledge-chunk.ts';
import { connectClient } from '../worker/connect.ts';

const EVAL = path.resolve(process.env.QUARRY_EVAL_DIR ?? '../shared/eval');
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ');

interface Question {
  q: string;
  file: string;
  phrase?: string;
}

export default async function kbBench(): Promise<string> {
  const { questions } = JSON.parse(await fs.readFile('bench/knowledge-base/questions.json', 'utf8')) as { questions: Question[] };
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-kb-'));
  const source = path.join(work, 'source');
  const files = [...new Set(questions.map((q) => q.file))];
  const more = async (dir: string) => (await fs.readdir(path.join(EVAL, dir))).map((f) => path.join(dir, f));
  // every PDF and every clip, not just the ones asked about: the others are distractors
  const all = [
    ...(await more('pdf_tables_icdar2013/pdf')),
    ...(await Promise.all((await fs.readdir(path.join(EVAL, 'speech/audio'))).map((d) => more(`speech/audio/${d}`)))).flat(),
  ].filter((f) => /\.(pdf|wav|flac)$/i.test(f));
  for (const f of new Set([...all, ...files])) {
    await fs.mkdir(path.dirname(path.join(source, f)), { recursive: true });
    await fs.copyFile(path.join(EVAL, f), path.join(source, f));
  }
  const loadStart = load();
  const stack = await startEmbedded({
    fixedPorts: false,
    ui: false,
    env: { ...process.env, QUARRY_HOME: path.join(work, '.quarry'), QUARRY_ALLOWED_ROOTS: work, QUARRY_GENERATIVE: 'off' },
  });
  try {
    const config = stack.config;
    const kb = await new KnowledgeBases(config.home).create({ name: 'eval', source: `file://${source}/`, sink: 'jsonl' });
    const { client, connection } = await connectClient(config);
    const t0 = performance.now();
    const first = await (await startKnowledgeBaseSync(client, config, kb)).result();
    const firstS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const again = await (await startKnowledgeBaseSync(client, config, kb)).result();
    const againS = (performance.now() - t1) / 1000;
    await connection.close();

    // the chunks as stored, for the throughput figure
    const dir = new URL('chunks/', kb.location);
    const chunks = (
      await Promise.all(
        (await fs.readdir(dir)).filter((f) => f.endsWith('.jsonl')).map((f) => fs.readFile(new URL(f, dir), 'utf8')),
      )
    )
      .flatMap((t) => t.split('\n').filter(Boolean))
      .map((l) => EmbeddedChunk.parse(JSON.parse(l)));
    const model = await embeddedEmbeddings(config.root ?? process.cwd(), config.knowledgeBase.embeddingThreads);
    const te = performance.now();
    await model.embed(chunks.map((c) => c.text));
    const chunksPerS = chunks.length / ((performance.now() - te) / 1000);
    const meanTokens = chunks.reduce((n, c) => n + model.countTokens(c.text), 0) / chunks.length;

    // the stack's own configuration: its allowed roots hold the temp folder
    const storage = openStorage(config);
    let hits = 0;
    let rr = 0;
    const misses: string[] = [];
    const ts = performance.now();
    for (const q of questions) {
      const results = await searchKnowledgeBase(kb, q.q, 5, { config, storage });
      const want = path.join(source, q.file);
      const rank = results.findIndex(
        (r) => decodeURIComponent(new URL(r.source_uri).pathname) === want && (!q.phrase || norm(r.text).includes(norm(q.phrase))),
      );
      if (rank >= 0) {
        hits++;
        rr += 1 / (rank + 1);
      } else misses.push(q.q);
    }
    const searchMs = (performance.now() - ts) / questions.length;
    const docs = questions.filter((q) => q.phrase);
    const rows = [
      ['questions (documents / speech)', `${questions.length} (${docs.length} / ${questions.length - docs.length})`],
      ['recall@5', (hits / questions.length).toFixed(3)],
      ['MRR (top 5)', (rr / questions.length).toFixed(3)],
      ['assets / chunks', `${first.new_or_changed} / ${chunks.length} (mean ${meanTokens.toFixed(0)} tokens)`],
      ['failed assets', String(first.failed.length)],
      ['first sync (pipeline + chunk + embed + write)', `${firstS.toFixed(0)} s`],
      ['rerun, nothing changed', `${againS.toFixed(1)} s (${again.new_or_changed} changed, +${again.chunks_added} −${again.chunks_removed})`],
      ['embedding throughput (all-MiniLM-L6-v2 q8, 1 thread)', `${chunksPerS.toFixed(1)} chunks/s`],
      ['search, JSONL sink (embed question + scan)', `${searchMs.toFixed(0)} ms/question`],
    ];
    return [
      `Knowledge base over ../shared/eval: 24 ICDAR-2013 PDFs + 47 speech clips, all-MiniLM-L6-v2 (int8 ONNX), chunks of ≤ ${config.knowledgeBase.chunkTokens} tokens, vector search only (no BM25 hybrid yet). Load average (1/5/15 min) ${loadStart} at the start, ${load()} at the end, on a 2-core machine shared with other work.`,
      '',
      '| measure | value |',
      '|---|---|',
      ...rows.map(([a, b]) => `| ${a} | ${b} |`),
      '',
      misses.length ? `Missed (${misses.length}): ${misses.map((m) => `“${m}”`).join('; ')}` : 'Missed: none',
    ].join('\n');
  } finally {
    await stack.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}
