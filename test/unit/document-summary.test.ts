import { promises as fs } from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import {
  createSummaryActivities,
  editSecondLine,
  rewriteDocumentLine,
} from '../../activities/summary/summary-activities.ts';
import { FileStorage } from '../../engines/storage/file-storage.ts';
import { StorageRouter } from '../../engines/storage/open-storage.ts';
import { loadConfig } from '../../schemas/config.ts';
import { describe, expect, it } from 'vitest';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import type { PageLayout } from '../../engines/layout/page-layout.ts';
import { documentOptions } from '../../activities/document/output-options.ts';
import { writeDocumentResult } from '../../activities/document/write-standard-output.ts';
import { DocumentStandardOutput } from '../../schemas/document-output.ts';

const box = { x0: 0.1, y0: 0.1, x1: 0.9, y1: 0.2 };
const para = (text: string) => ({
  type: 'TEXT' as const,
  subType: 'PARAGRAPH' as const,
  box,
  lines: [{ text, box, confidence: 0.9, words: text.split(' ').map((t) => ({ text: t, box, confidence: 0.9 })) }],
});
const page: PageLayout = {
  pageIndex: 0,
  widthPt: 612,
  heightPt: 792,
  source: 'TEXT_LAYER',
  sourceReason: 'test',
  elements: [
    para('The harbour office repairs the northern pier before winter.'),
    para('The northern pier repairs cost four thousand euros.'),
    { type: 'FIGURE', box, lines: [] },
  ],
};
async function* pages() {
  yield page;
}
async function result(provider?: GenerativeProvider) {
  const out = await writeDocumentResult(pages(), {
    assetId: '0',
    fileType: 'PDF',
    pageCount: 1,
    options: documentOptions(undefined),
    figureCrops: new Map(),
    provider,
  });
  const json = JSON.parse(await fs.readFile(out.file, 'utf8'));
  await out.cleanup();
  return DocumentStandardOutput.parse(json);
}

describe('generative fields', () => {
  it('are extractive by default, each sentence traced to its element; figures say no caption was generated', async () => {
    const r = await result();
    expect(r.document.summary).toContain('northern pier');
    expect(r.document.generative_source?.method).toMatch(/^extractive:textrank/);
    expect(r.document.generative_source?.sentences.every((s) => /^element-\d+$/.test(s.element_id))).toBe(true);
    const fig = r.elements?.find((e) => e.type === 'FIGURE');
    expect(fig && fig.type === 'FIGURE' && fig.summary_source).toMatch(/no captioning provider/);
  });
  it('come from a configured provider when there is one', async () => {
    const provider: GenerativeProvider = {
      name: 'fake:model',
      async generate() {
        return { text: '', json: { description: 'Pier repair plan', summary: 'The pier is repaired.' }, model: 'fake' };
      },
    };
    const r = await result(provider);
    expect(r.document.description).toBe('Pier repair plan');
    expect(r.document.generative_source?.method).toBe('provider:fake:model');
  });
});

describe('the summary on the generative queue', () => {
  const phrasing = (summary: string): GenerativeProvider => ({
    name: 'fake:model',
    async generate() {
      return { text: '', json: { description: 'Pier repair plan', summary }, model: 'fake' };
    },
  });

  async function deferred(provider: GenerativeProvider) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-summary-'));
    const out = await writeDocumentResult(pages(), {
      assetId: '0',
      fileType: 'PDF',
      pageCount: 1,
      options: documentOptions(undefined),
      figureCrops: new Map(),
      provider,
      deferSummary: true,
    });
    const resultFile = path.join(dir, 'result.json');
    await fs.copyFile(out.file, resultFile);
    await out.cleanup();
    const sourceFile = path.join(dir, 'summary-source.json');
    await fs.writeFile(sourceFile, JSON.stringify({ sentences: out.summarySource }));
    const before = DocumentStandardOutput.parse(JSON.parse(await fs.readFile(resultFile, 'utf8')));
    const storage = new StorageRouter(new FileStorage([dir]), new FileStorage([]));
    const { phraseDocumentSummary } = createSummaryActivities({
      config: loadConfig({}),
      storage,
      client: {} as Client,
      provider,
    });
    const r = await phraseDocumentSummary({
      standardOutputUri: pathToFileURL(resultFile).href,
      summarySourceUri: pathToFileURL(sourceFile).href,
    });
    const after = DocumentStandardOutput.parse(JSON.parse(await fs.readFile(resultFile, 'utf8')));
    const sourceLeft = await fs.stat(sourceFile).then(
      () => true,
      () => false,
    );
    await fs.rm(dir, { recursive: true });
    return { out, before, after, method: r.method, sourceLeft };
  }

  it('the writer leaves the extractive summary and the sentences; the generative activity phrases and rewrites it', async () => {
    const { out, before, after, method, sourceLeft } = await deferred(
      phrasing('The northern pier is repaired before winter.'),
    );
    expect(out.summarySource).toContain('The northern pier repairs cost four thousand euros.');
    expect(before.document.generative_source?.method).toMatch(/^extractive:textrank/);
    expect(after.document.summary).toBe('The northern pier is repaired before winter.');
    expect(after.document.generative_source?.method).toBe('provider:fake:model');
    expect(method).toBe('provider:fake:model');
    // the rest of the output is untouched
    expect(after.elements).toEqual(before.elements);
    expect(after.metadata).toEqual(before.metadata);
    expect(sourceLeft).toBe(false);
  });

  it('a summary naming what the document does not say is refused; the extractive one stays and says why', async () => {
    const { before, after } = await deferred(phrasing('Mayor Jansen pays 9,000 euros for the pier.'));
    expect(after.document.summary).toBe(before.document.summary);
    expect(after.document.generative_source?.provider_refused).toMatch(/9,000|Jansen/);
  });

  it('rewrites only the document line, whichever line ends the file', () => {
    const line = '"document":{"summary":"a","statistics":{"word_count":1}}';
    const set = (d: { summary?: string }) => {
      d.summary = 'b – ü';
    };
    expect(rewriteDocumentLine(`${line},`, set)).toBe('"document":{"summary":"b – ü","statistics":{"word_count":1}},');
    expect(rewriteDocumentLine(`${line}}`, set)).toBe('"document":{"summary":"b – ü","statistics":{"word_count":1}}}');
    expect(() => rewriteDocumentLine('"pages":[', set)).toThrow(/no "document" line/);
  });

  it('edits the second line of a stream that arrives in pieces, a character split between them', async () => {
    const text = '{"metadata":{}},\n"document":{"summary":"naïve – ü"},\n"pages":[]}\n';
    const bytes = Buffer.from(text, 'utf8');
    const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const out: Buffer[] = [];
    for await (const c of Readable.from(pieces).pipe(editSecondLine((l) => l.replace('naïve', 'plain')))) out.push(c);
    expect(Buffer.concat(out).toString('utf8')).toBe(text.replace('naïve', 'plain'));
    const last: Buffer[] = [];
    const noEnd = Buffer.from('{"metadata":{},\n"document":{"summary":"é"}}', 'utf8');
    for await (const c of Readable.from([noEnd]).pipe(editSecondLine((l) => l.replace('é', 'e')))) last.push(c);
    expect(Buffer.concat(last).toString('utf8')).toBe('{"metadata":{},\n"document":{"summary":"e"}}');
  });
});
