/**
 * `npm run bench -- ocr-photos`: word F1 of Quarry's OCR on photographed and scanned pages, side by side with
 * the bare tesseract CLI (`tesseract img -`, default settings) on the same files, and seconds per image for
 * each. Quarry is measured the two ways a user's photo goes: as a DOCUMENT page (`--as document`,
 * extractPageGroup) and as an IMAGE (TEXT_DETECTION, analyzeImage), both in-process without Temporal. One
 * scorer for all (bench/documents/metrics.ts: bag of words, case-insensitive, punctuation trimmed).
 *
 * Sets (eval data read in place, never copied): SROIE receipts, the 10 dev receipts the OCR was tuned on and
 * the 30 held out; FUNSD's 50 test forms (~100 dpi scans); the 4 invoice PNG renders (reference: the PDF's
 * text layer of the same page). BENCH_PHOTOS_SETS=sroie-dev,funsd (any of sroie-dev, sroie-held-out, funsd,
 * invoices) and BENCH_PHOTOS_PATHS=document,cli (any of document, image, cli) run parts and print their rows
 * without touching README.md. Images are processed one at a time (seconds/image is one image's latency; the
 * CLI gets one thread, as Quarry gives each tesseract process).
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { createImageActivities } from '../activities/image/image-activities.ts';
import { closeOcrEngines } from '../engines/ocr/choose-engine.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { loadConfig } from '../schemas/config.ts';
import type { StandardOutputConfiguration } from '../schemas/output-configuration.ts';
import { bagOfWords, tokens } from './documents/metrics.ts';
import { runDocumentDirect } from './documents/run-direct.ts';

const run = promisify(execFile);
const EVAL = path.resolve(process.env.QUARRY_EVAL_DIR ?? '../shared/eval');

/** the SROIE receipts the OCR fixes were developed on; the other 30 of the 40 are held out */
export const SROIE_DEV = ['000', '006', '031', '037', '043', '049', '055', '062', '069', '076'];

interface Item {
  file: string;
  fileType: 'JPEG' | 'PNG';
  reference: () => Promise<string[]>;
}
interface PhotoSet {
  name: string;
  label: string;
  items: Item[];
}

/** SROIE ocr_lines/<id>.csv: 8 polygon coordinates, then the transcript (which may itself hold commas) */
const sroieText = (csv: string) =>
  csv
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split(',').slice(8).join(','))
    .join('\n');

async function photoSets(): Promise<PhotoSet[]> {
  const sets: PhotoSet[] = [];
  const sroie = path.join(EVAL, 'sroie');
  if (existsSync(sroie)) {
    const ids = (await fs.readdir(path.join(sroie, 'images')))
      .filter((f) => f.endsWith('.jpg'))
      .map((f) => f.replace('.jpg', ''))
      .sort();
    const item = (id: string): Item => ({
      file: path.join(sroie, 'images', `${id}.jpg`),
      fileType: 'JPEG',
      reference: async () => tokens(sroieText(await fs.readFile(path.join(sroie, 'ocr_lines', `${id}.csv`), 'utf8'))),
    });
    sets.push({ name: 'sroie-dev', label: 'SROIE receipts, dev (tuned on)', items: SROIE_DEV.map(item) });
    sets.push({
      name: 'sroie-held-out',
      label: 'SROIE receipts, held out',
      items: ids.filter((id) => !SROIE_DEV.includes(id)).map(item),
    });
  }
  const funsd = path.join(EVAL, 'funsd');
  if (existsSync(funsd)) {
    const ids = (await fs.readdir(path.join(funsd, 'images'))).filter((f) => f.endsWith('.png')).sort();
    sets.push({
      name: 'funsd',
      label: 'FUNSD forms (~100 dpi scans)',
      items: ids.map((id) => ({
        file: path.join(funsd, 'images', id),
        fileType: 'PNG',
        reference: async () => {
          const ann = JSON.parse(
            await fs.readFile(path.join(funsd, 'annotations', id.replace('.png', '.json')), 'utf8'),
          ) as { form: { words: { text: string }[] }[] };
          return ann.form.flatMap((e) => e.words.map((w) => w.text)).flatMap(tokens);
        },
      })),
    });
  }
  const invoices = path.join(EVAL, 'invoices');
  if (existsSync(invoices)) {
    const names = (await fs.readdir(path.join(invoices, 'png'))).filter((f) => f.endsWith('.png')).sort();
    sets.push({
      name: 'invoices',
      label: 'invoice PNG renders (reference: the PDF text layer)',
      items: names.map((n) => ({
        file: path.join(invoices, 'png', n),
        fileType: 'PNG',
        reference: async () => {
          const pdf = path.join(invoices, 'pdf', n.replace('.png', '.pdf'));
          const { stdout } = await run('pdftotext', ['-f', '1', '-l', '1', pdf, '-']);
          return tokens(stdout);
        },
      })),
    });
  }
  return sets;
}

const WORDS_ONLY: StandardOutputConfiguration = {
  document: {
    extraction: { granularity: { types: ['WORD'] }, boundingBox: { state: 'ENABLED' } },
  },
};
const TEXT_DETECTION: StandardOutputConfiguration = {
  image: {
    extraction: { category: { state: 'ENABLED', types: ['TEXT_DETECTION'] }, boundingBox: { state: 'ENABLED' } },
  },
};

type PathName = 'document' | 'image' | 'cli';
type Reader = (item: Item) => Promise<string[]>;

async function readers(work: string): Promise<Record<PathName, Reader>> {
  const config = loadConfig({
    QUARRY_HOME: path.join(work, '.quarry'),
    QUARRY_ALLOWED_ROOTS: [work, EVAL].join(','),
  });
  const storage = openStorage(config);
  const image = createImageActivities({ config, storage, client: undefined as unknown as Client });
  let n = 0;
  return {
    document: async (item) => {
      const r = await runDocumentDirect(item.file, item.fileType, WORDS_ONLY);
      await r.cleanup();
      return ((r.result as { text_words?: { text: string }[] }).text_words ?? []).map((w) => w.text).flatMap(tokens);
    },
    image: async (item) => {
      const uri = pathToFileURL(item.file).href;
      const out = await image.analyzeImage({
        jobId: 'bench',
        assetIndex: 0,
        assetUri: uri,
        assetOutputUri: pathToFileURL(path.join(work, 'image', String(n++))).href,
        asset: {
          uri,
          bytes: (await fs.stat(item.file)).size,
          fileType: item.fileType,
          mediaType: '',
          modality: 'IMAGE',
        },
        modality: 'IMAGE',
        standardOutputConfiguration: TEXT_DETECTION,
        blueprints: [],
        sync: false,
      });
      const result = JSON.parse(await fs.readFile(new URL(out.uri), 'utf8')) as {
        image: { text_words?: { text: string }[] };
      };
      return (result.image.text_words ?? []).map((w) => w.text).flatMap(tokens);
    },
    cli: async (item) => {
      const { stdout } = await run('tesseract', [item.file, '-'], {
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        maxBuffer: 1 << 26,
      });
      return tokens(stdout);
    },
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

export default async function ocrPhotosBench(): Promise<string> {
  const wantSets = process.env.BENCH_PHOTOS_SETS?.split(',').map((s) => s.trim());
  const wantPaths = process.env.BENCH_PHOTOS_PATHS?.split(',').map((s) => s.trim()) as PathName[] | undefined;
  const paths: PathName[] = wantPaths ?? ['document', 'image', 'cli'];
  const sets = (await photoSets()).filter((s) => !wantSets || wantSets.includes(s.name));
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-photos-'));
  const read = await readers(work);
  const loadBefore = load();
  const rows: string[][] = [];
  try {
    for (const set of sets) {
      const refs: string[][] = [];
      for (const item of set.items) refs.push(await item.reference());
      const cells: Record<PathName, { f1: string; secs: string }> = {} as never;
      for (const p of paths) {
        let predicted: string[] = [];
        let seconds = 0;
        for (const item of set.items) {
          const t0 = performance.now();
          predicted = predicted.concat(await read[p](item));
          seconds += (performance.now() - t0) / 1000;
        }
        const b = bagOfWords(predicted, refs.flat());
        cells[p] = {
          f1: `${pct(b.f1)} (P ${pct(b.precision)}, R ${pct(b.recall)})`,
          secs: (seconds / set.items.length).toFixed(2),
        };
        console.error(`[ocr-photos] ${set.name} ${p}: F1 ${pct(b.f1)}, ${cells[p].secs} s/image (load ${load()})`);
      }
      const refWords = refs.reduce((s, r) => s + r.length, 0);
      rows.push([
        set.label,
        `${set.items.length} (${refWords} words)`,
        ...paths.map((p) => cells[p].f1),
        paths.map((p) => cells[p].secs).join(' / '),
      ]);
    }
  } finally {
    await closeOcrEngines();
    await fs.rm(work, { recursive: true, force: true });
  }
  const names: Record<PathName, string> = {
    document: 'Quarry, image as document',
    image: 'Quarry, IMAGE text detection',
    cli: 'bare `tesseract img -`',
  };
  const table = [
    `| set | images (reference words) | ${paths.map((p) => `${names[p]}: word F1`).join(' | ')} | s/image (${paths.join(' / ')}) |`,
    `|---|---|${paths.map(() => '---|').join('')}---|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Word F1: bag of words, case-insensitive, punctuation trimmed (bench/documents/metrics.ts). Engines: Quarry's as configured (QUARRY_OCR_ENGINE=${process.env.QUARRY_OCR_ENGINE ?? 'auto'}: PP-OCRv4 for image files unless set, with the document path's contrast stretch and deskew; docs/documents.md#ocr-engines); the CLI is native tesseract (Debian 5.3, eng fast model). Images one at a time, one thread each; load average (1/5/15 min) ${loadBefore} at the start, ${load()} at the end, on a 2-core machine shared with other work.`,
  ].join('\n');
  if (wantSets || wantPaths) {
    // a partial table must not replace README's full one (bench/run.ts writes whatever is returned)
    console.log(table);
    process.exit(0);
  }
  return table;
}
