/**
 * DOCUMENT and IMAGE pipelines through the real workflows on a real Temporal server, with the real
 * activities (poppler, tesseract, LibreOffice, sharp): every input type gives a schema-valid standard output,
 * the acceptance cases hold, and bad inputs fail as ClientErrors while the worker keeps serving.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentActivities } from '../../activities/document/document-activities.ts';
import { runTool } from '../../engines/media/run-tool.ts';
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import { createImageActivities } from '../../activities/image/image-activities.ts';
import { DocumentStandardOutput } from '../../schemas/document-output.ts';
import { ImageStandardOutput } from '../../schemas/image-output.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import type { StandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import type { PipelineInput, PipelineResult } from '../../schemas/pipeline.ts';
import { clientErrorOf } from '../helpers/client-error-of.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let stack: Stack;
let n = 0;

beforeAll(async () => {
  stack = await createStack({
    address: inject('temporalAddress'),
    queues: [TaskQueue.orchestration, TaskQueue.document, TaskQueue.image],
    activities: (deps) => ({
      [TaskQueue.document]: createDocumentActivities(deps),
      [TaskQueue.image]: createImageActivities(deps),
    }),
  });
  await fs.mkdir(path.join(stack.root, 'in'), { recursive: true });
});
afterAll(async () => {
  await stack?.close();
  await closeOcrEngines();
});

const FULL: StandardOutputConfiguration = {
  document: {
    extraction: {
      granularity: { types: ['DOCUMENT', 'PAGE', 'ELEMENT', 'LINE', 'WORD'] },
      boundingBox: { state: 'ENABLED' },
    },
    generativeField: { state: 'ENABLED' },
    outputFormat: {
      textFormat: { types: ['PLAIN_TEXT', 'MARKDOWN', 'HTML', 'CSV'] },
      additionalFileFormat: { state: 'ENABLED' },
    },
  },
};

/** Copies a file into the input folder and makes the pipeline input for it. */
async function stage(
  workflow: 'documentPipeline' | 'imagePipeline',
  src: string,
  fileType: string,
  soc: StandardOutputConfiguration = {},
): Promise<PipelineInput> {
  const dest = path.join(stack.root, 'in', `${n}-${path.basename(src)}`);
  await fs.copyFile(src, dest);
  const uri = pathToFileURL(dest).href;
  const input: PipelineInput = {
    jobId: `job-${n}`,
    assetIndex: 0,
    assetUri: uri,
    assetOutputUri: pathToFileURL(path.join(stack.root, 'out', String(n++), '0')).href,
    asset: {
      uri,
      bytes: (await fs.stat(dest)).size,
      fileType,
      mediaType: '',
      modality: workflow === 'imagePipeline' ? 'IMAGE' : 'DOCUMENT',
    },
    modality: workflow === 'imagePipeline' ? 'IMAGE' : 'DOCUMENT',
    standardOutputConfiguration: soc,
    blueprints: [],
    sync: false,
  };
  return input;
}

async function run(
  workflow: 'documentPipeline' | 'imagePipeline',
  rel: string,
  fileType: string,
  soc: StandardOutputConfiguration = {},
) {
  const input = await stage(workflow, path.join(repo, rel), fileType, soc);
  const result: PipelineResult = await stack.client.workflow.execute(workflow, {
    taskQueue: TaskQueue.orchestration,
    workflowId: `${workflow}-${input.jobId}-${stack.namespace}`,
    args: [input],
  });
  return {
    result,
    output: await stack.storage.readJson<Record<string, any>>(result.segments[0].standardOutputUri),
    input,
  };
}

const texts = (out: Record<string, any>) =>
  (out.elements as any[]).map((e) => e.representation?.text ?? e.representation?.markdown ?? '');

describe('document pipeline', () => {
  it('every input type gives a valid BDA standard output', async () => {
    for (const [rel, type] of [
      ['samples/sample.pdf', 'PDF'],
      ['samples/sample-scanned.pdf', 'PDF'],
      ['samples/sample.png', 'PNG'],
      ['samples/sample.jpg', 'JPEG'],
      ['samples/sample.tiff', 'TIFF'],
      ['samples/sample.docx', 'DOCX'],
    ]) {
      const { output, result } = await run('documentPipeline', rel, type, rel.endsWith('.pdf') ? FULL : {});
      const parsed = DocumentStandardOutput.safeParse(output);
      expect(parsed.success, `${rel}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`).toBe(true);
      expect(output.document.statistics.word_count, rel).toBeGreaterThan(5);
      expect(result.semanticModality).toBe('DOCUMENT');
      if (type === 'TIFF') expect(output.metadata.number_of_pages).toBe(2);
      if (type === 'DOCX') expect(output.elements.some((e: any) => e.type === 'TABLE')).toBe(true);
    }
  });

  it('reads a two-column page column by column', async () => {
    const { output } = await run('documentPipeline', 'test/fixtures/documents/two-column.pdf', 'PDF', FULL);
    const all = texts(output).join('\n');
    const order = [
      'Field Notes',
      'Alpha column starts',
      'Alpha paragraph continues',
      'Beta column follows',
      'Beta paragraph ends',
    ].map((s) => all.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(output.elements[0].sub_type).toBe('TITLE');
    expect(output.pages[0].detected_page_number).toBe(1);
    expect(output.text_words.length).toBe(output.document.statistics.word_count);
  });

  it('stitches a table that crosses a page break into one table with CSV, Markdown and HTML', async () => {
    const { output } = await run('documentPipeline', 'test/fixtures/documents/table-across-pages.pdf', 'PDF', FULL);
    const tables = output.elements.filter((e: any) => e.type === 'TABLE');
    expect(tables).toHaveLength(1);
    expect(tables[0].page_indices).toEqual([0, 1]);
    expect(tables[0].headers).toEqual(['Item', 'Quantity', 'Price']);
    expect(tables[0].table_structure.rows).toBe(31); // header + 30 rows, the repeated header dropped
    expect(tables[0].representation.csv.split('\r\n')[1]).toBe('Widget A0,1,3.50');
    expect(tables[0].representation.html).toContain('<th>Item</th>');
    const csv = await stack.storage.readBytes(tables[0].csv_s3_uri);
    expect(csv.toString()).toContain('Widget D29,30,90.50');
  });

  it('OCRs a scanned PDF whose text layer is garbage', async () => {
    const { output } = await run('documentPipeline', 'test/fixtures/documents/scanned-garbage-layer.pdf', 'PDF', FULL);
    expect(output.pages[0].text_source.source).toBe('OCR');
    const text = output.document.representation.text as string;
    expect(text).toContain('fishing cooperative');
    expect(text).not.toContain('xqzv');
    expect(output.text_words.every((w: any) => w.confidence > 0 && w.confidence <= 1)).toBe(true);
  });

  it('turns bad inputs into ClientErrors and keeps serving', async () => {
    const corrupt = await clientErrorOf(run('documentPipeline', 'test/fixtures/documents/corrupt.pdf', 'PDF'));
    expect(corrupt.type).toBe('InvalidInput');
    expect(corrupt.message).toMatch(/corrupt/);
    const encrypted = await clientErrorOf(run('documentPipeline', 'test/fixtures/documents/encrypted.pdf', 'PDF'));
    expect(encrypted.message).toMatch(/password|encrypted/);
    const huge = await clientErrorOf(run('documentPipeline', 'test/fixtures/documents/huge-page.pdf', 'PDF'));
    expect(huge.type).toBe('LimitExceeded');
    expect(huge.message).toMatch(/50\.0 x 50\.0 in/);
    const { output } = await run('documentPipeline', 'test/fixtures/documents/two-column.pdf', 'PDF');
    expect(DocumentStandardOutput.safeParse(output).success).toBe(true);
  });

  it('leaves no work area behind when a document is cancelled mid-way', async () => {
    // an 8-page scan: OCR takes seconds per page, so the cancel lands while page JSONs are being written
    const scan = path.join(repo, 'samples/sample-scanned.pdf');
    const multi = path.join(stack.root, 'in', 'eight-pages.pdf');
    await runTool('pdfunite', [...Array(8).fill(scan), multi]);
    const input = await stage('documentPipeline', multi, 'PDF');
    const outDir = fileURLToPath(input.assetOutputUri);
    const handle = await stack.client.workflow.start('documentPipeline', {
      taskQueue: TaskQueue.orchestration,
      workflowId: `documentPipeline-cancel-${stack.namespace}`,
      args: [input],
    });
    const pagesDir = path.join(outDir, '.work', 'document', 'pages');
    for (let i = 0; i < 600 && !(await fs.readdir(pagesDir).catch(() => [])).length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await fs.readdir(pagesDir)).length).toBeGreaterThan(0);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await fs.readdir(outDir).catch(() => [])).not.toContain('.work');
  }, 120_000);
});

describe('image pipeline', () => {
  it('detects text words and lines with boxes and confidences, and says what it did not judge', async () => {
    const { output } = await run('imagePipeline', 'samples/sample.png', 'PNG');
    const parsed = ImageStandardOutput.safeParse(output);
    expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
    expect(output.image.text_lines.map((l: any) => l.text).join(' ')).toContain('harbour');
    expect(output.image.text_words[0].locations[0].polygon).toHaveLength(4);
    expect(output.image.not_generated.CONTENT_MODERATION).toMatch(/^partial: Non-Explicit Nudity .* not judged/);
    expect(output.image.moderation_categories).toHaveLength(7);
    expect(output.metadata.image_width_pixels).toBe(1000);
  });
});
