import { promises as fs } from 'node:fs';
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
