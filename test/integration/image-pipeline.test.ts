/**
 * The IMAGE pipeline through the real workflow on a real Temporal server with the real activities (sharp,
 * tesseract, nsfwjs, CenterNet): a generated poster in every input format gives a schema-valid standard output
 * with text, moderation over all 7 categories (judged, or said not judged), IAB and a summary; bad inputs fail as
 * ClientErrors with their message while the worker keeps serving.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createImageActivities } from '../../activities/image/image-activities.ts';
import { createSummaryActivities } from '../../activities/summary/summary-activities.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { FULL_IMAGE } from '../../bench/images.bench.ts';
import { GENERATED_IMAGES, renderImage } from '../../bench/images/posters.ts';
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import { BDA_IMAGE_MODERATION_CATEGORIES } from '../../engines/vision/moderation.ts';
import { ImageStandardOutput } from '../../schemas/image-output.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../../schemas/pipeline.ts';
import { noiseImage, pixelBombPng, truncated } from '../helpers/bad-images.ts';
import { clientErrorOf } from '../helpers/client-error-of.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

let stack: Stack;
let n = 0;
const MAX_BYTES = 1024 * 1024;

beforeAll(async () => {
  stack = await createStack({
    address: inject('temporalAddress'),
    queues: [TaskQueue.orchestration, TaskQueue.image],
    activities: (deps) => ({ [TaskQueue.image]: createImageActivities(deps) }),
    env: { QUARRY_IMAGE_MAX_BYTES: String(MAX_BYTES) },
  });
  await fs.mkdir(path.join(stack.root, 'in'), { recursive: true });
});
afterAll(async () => {
  await stack?.close();
  await closeOcrEngines();
});

async function run(body: Buffer, name: string, fileType: string, on: Stack = stack) {
  const file = path.join(on.root, 'in', `${n}-${name}`);
  await fs.writeFile(file, body);
  const uri = pathToFileURL(file).href;
  const input: PipelineInput = {
    jobId: `job-${n}`,
    assetIndex: 0,
    assetUri: uri,
    assetOutputUri: pathToFileURL(path.join(on.root, 'out', String(n++), '0')).href,
    asset: { uri, bytes: body.length, fileType, mediaType: '', modality: 'IMAGE' },
    modality: 'IMAGE',
    standardOutputConfiguration: FULL_IMAGE,
    blueprints: [],
    sync: false,
  };
  const result: PipelineResult = await on.client.workflow.execute('imagePipeline', {
    taskQueue: TaskQueue.orchestration,
    workflowId: `imagePipeline-${input.jobId}-${on.namespace}`,
    args: [input],
  });
  return on.storage.readJson<unknown>(result.segments[0].standardOutputUri);
}

const poster = GENERATED_IMAGES.find((g) => g.name === 'adopt')!;

describe('image pipeline: every input format', () => {
  it.each([
    ['png', 'PNG'],
    ['jpeg', 'JPEG'],
    ['webp', 'WEBP'],
    ['gif', 'GIF'],
    ['tiff', 'TIFF'],
  ] as const)('%s gives text, moderation for all 7 categories, IAB and a summary', async (format, fileType) => {
    const parsed = ImageStandardOutput.safeParse(
      await run(await renderImage(poster, format), `poster.${format}`, fileType),
    );
    expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
    const output = parsed.data as ImageStandardOutput;
    const img = output.image;
    expect(output.metadata).toMatchObject({
      image_width_pixels: 1000,
      image_height_pixels: 1200,
      image_encoding: format,
    });
    // TEXT_DETECTION: the white title on its colour band and the dark body
    const text = (img.text_lines ?? []).map((l) => l.text).join(' ');
    expect(text).toContain('ADOPT A PET');
    expect(text).toMatch(/puppies need a home/);
    expect(img.text_words?.[0].locations[0].polygon).toHaveLength(4);
    // CONTENT_MODERATION: every category judged by a named engine, or said not judged and why
    expect(img.moderation_categories?.map((c) => c.category)).toEqual([...BDA_IMAGE_MODERATION_CATEGORIES]);
    for (const c of img.moderation_categories ?? []) {
      if (c.judged) expect(c.judged_by.length, c.category).toBeGreaterThan(0);
      else expect(c.note, c.category).toMatch(/not judged/);
    }
    expect(img.moderation_categories?.filter((c) => c.judged)).toHaveLength(6);
    expect(img.content_moderation).toEqual([]);
    expect(img.not_generated?.CONTENT_MODERATION).toMatch(/^partial: Non-Explicit Nudity/);
    // IAB and the summary, with the engines that wrote them
    expect(img.iab_categories?.[0]).toMatchObject({ type: 'IAB', category: 'Pets', taxonomy_level: 1 });
    expect(output.statistics.iab_category_count).toBe(img.iab_categories?.length);
    expect(img.summary).toMatch(/^A mostly .* image with the text "ADOPT A PET/);
    expect(img.summary_engine).toBe('template:image-detections-v1');
    expect(img.iab_engine).toMatch(/^keyword-match/);
    // logos are not analysed, and the output says so
    expect(img.logos).toEqual([]);
    expect(img.not_generated?.LOGOS).toMatch(/^not analysed/);
  });
});

describe('image pipeline: bad inputs are ClientErrors', () => {
  it('refuses a pixel bomb, truncated files, an oversized file and a non-image, and keeps serving', async () => {
    const bomb = await clientErrorOf(run(pixelBombPng(), 'bomb.png', 'PNG'));
    expect(bomb.type).toBe('LimitExceeded');
    expect(bomb.message).toMatch(/declares 50000 x 50000 px .* not decoded/);
    const cutJpeg = await clientErrorOf(run(truncated(await noiseImage('jpeg')), 'cut.jpg', 'JPEG'));
    expect(cutJpeg.type).toBe('InvalidInput');
    expect(cutJpeg.message).toMatch(/^the image file is truncated/);
    const cutPng = await clientErrorOf(run(truncated(await noiseImage('png')), 'cut.png', 'PNG'));
    expect(cutPng.type).toBe('InvalidInput');
    const big = await noiseImage('png', 800, 800);
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const oversized = await clientErrorOf(run(big, 'big.png', 'PNG'));
    expect(oversized.type).toBe('LimitExceeded');
    expect(oversized.message).toMatch(/the limit is 1\.0 MB \(QUARRY_IMAGE_MAX_BYTES\)/);
    const svg = await clientErrorOf(run(Buffer.from(poster.svg), 'poster.svg', 'UNKNOWN'));
    expect(svg.type).toBe('UnsupportedMediaType');
    // the worker still serves
    const ok = ImageStandardOutput.parse(await run(await renderImage(poster, 'png'), 'again.png', 'PNG'));
    expect(ok.image.text_lines?.length).toBeGreaterThan(0);
  });
});

describe('image pipeline: the summary phrased on the generative queue', () => {
  let gen: Stack;
  const answers = [
    'A mostly white and blue image with the text ADOPT A PET.',
    'A golden retriever puppy on a sunny beach.',
  ];
  const prompts: string[] = [];
  const fake: GenerativeProvider = {
    name: 'fake',
    async generate(req) {
      prompts.push(req.prompt);
      return { text: answers[prompts.length - 1] ?? '', model: 'fake' };
    },
  };
  beforeAll(async () => {
    gen = await createStack({
      address: inject('temporalAddress'),
      queues: [TaskQueue.orchestration, TaskQueue.image, TaskQueue.generative],
      activities: (deps) => ({
        [TaskQueue.image]: createImageActivities(deps),
        [TaskQueue.generative]: createSummaryActivities({ ...deps, provider: fake }),
      }),
      // a provider is configured (never called by the image worker); the generative worker holds the fake one
      env: { QUARRY_GENERATIVE: 'openai-compatible', QUARRY_GENERATIVE_URL: 'http://127.0.0.1:9/v1' },
    });
    await fs.mkdir(path.join(gen.root, 'in'), { recursive: true });
  });
  afterAll(() => gen?.close());

  it('keeps a grounded phrasing, and the template with the reason when the model invents', async () => {
    const png = await renderImage(poster, 'png');
    const phrased = ImageStandardOutput.parse(await run(png, 'a.png', 'PNG', gen));
    expect(prompts[0]).toMatch(/Text read: ADOPT A PET/);
    expect(phrased.image.summary).toBe(answers[0]);
    expect(phrased.image.summary_engine).toBe('generative:fake');
    const refused = ImageStandardOutput.parse(await run(png, 'b.png', 'PNG', gen));
    expect(refused.image.summary_engine).toBe('template:image-detections-v1');
    expect(refused.image.summary).toMatch(/^A mostly .* image with the text "ADOPT A PET/);
    expect(refused.image.not_generated?.IMAGE_SUMMARY).toMatch(/not detected: template kept/);
  });
});
