/**
 * `npm run bench -- images`: the IMAGE standard output on the generated posters and slides (bench/images/
 * posters.ts: known text and topic) through analyzeImage in-process: word recall and precision of TEXT_DETECTION
 * (bag of words, bench/documents/metrics.ts) beside the bare tesseract CLI on the same files, IAB right (the
 * top category's tier-1 is the poster's topic), summaries written, moderation categories judged, seconds/image.
 * BENCH_IMAGES_DETAIL=1 prints each image's words missed, IAB and summary.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import sharp from 'sharp';
import { createImageActivities } from '../activities/image/image-activities.ts';
import { createSummaryActivities } from '../activities/summary/summary-activities.ts';
import { loadIabTaxonomy } from '../engines/language/iab-categories.ts';
import { closeOcrEngines } from '../engines/ocr/choose-engine.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { loadConfig } from '../schemas/config.ts';
import type { StandardOutputConfiguration } from '../schemas/output-configuration.ts';
import { bagOfWords, tokens } from './documents/metrics.ts';
import { GENERATED_IMAGES, renderImage } from './images/posters.ts';

const run = promisify(execFile);

export const FULL_IMAGE: StandardOutputConfiguration = {
  image: {
    extraction: {
      category: { state: 'ENABLED', types: ['CONTENT_MODERATION', 'TEXT_DETECTION', 'LOGOS'] },
      boundingBox: { state: 'ENABLED' },
    },
    generativeField: { state: 'ENABLED', types: ['IMAGE_SUMMARY', 'IAB'] },
  },
};

interface Out {
  image: {
    text_words?: { text: string }[];
    iab_categories?: { category: string; parent_name?: string }[];
    summary?: string;
    summary_engine?: string;
    moderation_categories?: { judged: boolean }[];
  };
}

const pr = ([hits, predicted, reference]: number[]) =>
  `${(hits / reference).toFixed(2)} | ${(hits / Math.max(1, predicted)).toFixed(2)}`;

/** as rendered (PNG), and as a screenshot or photo of it arrives: half size, JPEG quality 70 */
const VARIANTS = [
  { name: 'PNG as rendered', ext: 'png', render: async (png: Buffer) => png },
  {
    name: 'half-size JPEG q70',
    ext: 'jpg',
    render: async (png: Buffer) => {
      const w = (await sharp(png).metadata()).width ?? 1000;
      return sharp(png)
        .resize(Math.round(w / 2))
        .jpeg({ quality: 70 })
        .toBuffer();
    },
  },
];

/** the tier-1 ancestor of a category name */
function tier1(name: string): string {
  const node = loadIabTaxonomy().find((n) => n.name === name);
  return node?.path[0] ?? name;
}

export default async function bench(): Promise<string> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-images-'));
  const detail = process.env.BENCH_IMAGES_DETAIL === '1';
  try {
    const config = loadConfig({
      QUARRY_HOME: path.join(work, '.quarry'),
      QUARRY_ALLOWED_ROOTS: work,
      // QUARRY_GENERATIVE=embedded npm run bench -- images: summaries phrased by the model, when grounded (default off)
      QUARRY_GENERATIVE: process.env.QUARRY_GENERATIVE ?? process.env.QUARRY_GENERATIVE_PROVIDER ?? 'off',
      QUARRY_GGUF_PATH: process.env.QUARRY_GGUF_PATH,
    });
    const deps = { config, storage: openStorage(config), client: undefined as unknown as Client };
    const image = createImageActivities(deps);
    const summaries = createSummaryActivities(deps);
    const rows: string[] = [];
    let n = 0;
    const only = process.env.BENCH_IMAGES_VARIANTS?.split(',');
    for (const variant of VARIANTS.filter((v) => !only || only.includes(v.ext))) {
      const sum = {
        q: [0, 0, 0],
        cli: [0, 0, 0],
        iabRight: 0,
        topical: 0,
        summaries: 0,
        byModel: 0,
        judged: 0,
        categories: 0,
        ms: 0,
      };
      for (const g of GENERATED_IMAGES) {
        const file = path.join(work, `${g.name}.${variant.ext}`);
        await fs.writeFile(file, await variant.render(await renderImage(g)));
        const uri = pathToFileURL(file).href;
        const t0 = performance.now();
        const r = await image.analyzeImage({
          jobId: 'bench',
          assetIndex: 0,
          assetUri: uri,
          assetOutputUri: pathToFileURL(path.join(work, 'out', String(n++))).href,
          asset: {
            uri,
            bytes: (await fs.stat(file)).size,
            fileType: variant.ext === 'png' ? 'PNG' : 'JPEG',
            mediaType: '',
            modality: 'IMAGE',
          },
          modality: 'IMAGE',
          standardOutputConfiguration: FULL_IMAGE,
          blueprints: [],
          sync: false,
        });
        // what the workflow does next on the generative queue
        if (r.phraseSummary) await summaries.phraseImageSummary({ standardOutputUri: r.uri });
        sum.ms += performance.now() - t0;
        const out = JSON.parse(await fs.readFile(new URL(r.uri), 'utf8')) as Out;
        const ref = tokens(g.text);
        const words = (out.image.text_words ?? []).map((w) => w.text).flatMap(tokens);
        const q = bagOfWords(words, ref);
        const { stdout } = await run('tesseract', [file, '-'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
        const c = bagOfWords(tokens(stdout), ref);
        sum.q = [sum.q[0] + q.hits, sum.q[1] + q.predicted, sum.q[2] + q.reference];
        sum.cli = [sum.cli[0] + c.hits, sum.cli[1] + c.predicted, sum.cli[2] + c.reference];
        const top = out.image.iab_categories?.[0]?.category;
        if (g.topic) {
          sum.topical++;
          if (top && tier1(top) === g.topic) sum.iabRight++;
        }
        if (out.image.summary?.trim()) sum.summaries++;
        if (out.image.summary_engine?.startsWith('generative:')) sum.byModel++;
        const cats = out.image.moderation_categories ?? [];
        sum.categories += 7;
        sum.judged += cats.filter((x) => x.judged).length;
        if (detail) {
          const missed = ref.filter((w) => !words.includes(w));
          console.log(
            `${variant.name} ${g.name}: recall ${q.recall.toFixed(2)} missed [${missed.join(' ')}] · IAB ${top ?? '-'} (want ${g.topic ?? '-'}) · ${out.image.summary ?? ''}`,
          );
        }
      }
      rows.push(
        `| ${variant.name} | Quarry analyzeImage${config.generative.provider === 'off' ? '' : ` (${config.generative.provider} summaries)`} | ${pr(sum.q)} | ${sum.iabRight}/${sum.topical} | ${sum.summaries}/${GENERATED_IMAGES.length} (${sum.byModel} by the model) | ${sum.judged}/${sum.categories} | ${(sum.ms / 1000 / GENERATED_IMAGES.length).toFixed(2)} |`,
        `| ${variant.name} | bare \`tesseract img -\` | ${pr(sum.cli)} | — | — | — | — |`,
      );
    }
    return [
      `Generated set: ${GENERATED_IMAGES.length} images (${GENERATED_IMAGES.filter((g) => g.topic).length} topical posters, white titles on colour bands; ${GENERATED_IMAGES.filter((g) => g.name.endsWith('-notice')).length} notices with light coloured headings on white; the rest slides with white titles on coloured bars), ${os.cpus().length} cores.`,
      '',
      '| variant | path | word recall | word precision | IAB right | summaries written | moderation categories judged | s/image |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
  } finally {
    await closeOcrEngines();
    await fs.rm(work, { recursive: true, force: true });
  }
}
