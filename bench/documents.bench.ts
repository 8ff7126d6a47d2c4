/**
 * `npm run bench -- documents`: born-digital pages/s and peak RSS on a generated 1,500-page PDF; scanned
 * seconds/page for each OCR engine (tesseract, tesseract.js, ppocr) and for the bare native tesseract CLI on the same page images (ratio);
 * OCR word accuracy on ../shared/eval/scanned_pdf and FUNSD; table structure (ICDAR-2013 cell-adjacency F1)
 * on ../shared/eval/pdf_tables_icdar2013; reading order on the two-column scanned page (linn.pdf).
 * Eval data is read in place, never copied. Sizes: BENCH_DOC_PAGES (1500), BENCH_FUNSD_N (20).
 * BENCH_DOC_ONLY=scanned,funsd (any of born-digital, scanned, funsd, tables) runs only those parts and
 * prints their rows without touching README.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeLargePdf } from './documents/make-large-pdf.ts';
import { adjacencyRelations, bagOfWords, readingOrderScore, setF1, tokens } from './documents/metrics.ts';
import { loadConfig } from '../schemas/config.ts';

const run = promisify(execFile);
const EVAL = path.resolve(process.env.QUARRY_EVAL_DIR ?? '../shared/eval');
const WORK = path.resolve('bench/.work/documents');

interface ChildOut {
  file: string;
  seconds: number;
  pages: number;
  ocrPages: number;
  result?: any;
}

async function child(
  files: string[],
  env: Record<string, string> = {},
): Promise<{ runs: ChildOut[]; maxRssMb: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/documents/child.ts', ...files], {
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { runs: lines.slice(0, -1), maxRssMb: lines[lines.length - 1].maxRssMb };
}

const elementsText = (r: any) => (r.elements as any[]).map((e) => e.representation?.text ?? '').join('\n');
const f = (v: number, d = 2) => v.toFixed(d);
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

async function nativeCli(images: string[]): Promise<number> {
  // the bare CLI, one process per core (OMP_THREAD_LIMIT=1), same PSM as the pipeline
  const t0 = performance.now();
  const queue = [...images];
  await Promise.all(
    Array.from({ length: os.availableParallelism() }, async () => {
      for (let img = queue.shift(); img; img = queue.shift())
        await run('tesseract', [img, 'stdout', '--psm', String(loadConfig().documents.ocr.psm), 'tsv'], {
          env: { ...process.env, OMP_THREAD_LIMIT: '1' },
          maxBuffer: 1 << 26,
        });
    }),
  );
  return (performance.now() - t0) / 1000;
}

const only = process.env.BENCH_DOC_ONLY?.split(',').map((s) => s.trim());
const part = (name: 'born-digital' | 'scanned' | 'funsd' | 'tables') => !only || only.includes(name);

export default async function documentsBench(): Promise<string> {
  await fs.mkdir(WORK, { recursive: true });
  const rows: string[][] = [];
  const add = (metric: string, value: string, note = '') => rows.push([metric, value, note]);

  // 1. born-digital scale
  const nPages = Number(process.env.BENCH_DOC_PAGES ?? 1500);
  if (part('born-digital')) {
    const big = path.join(WORK, `born-digital-${nPages}.pdf`);
    if (!existsSync(big)) await makeLargePdf(big, nPages);
    const t0 = performance.now();
    await run('pdftotext', ['-bbox', big, '/dev/null']);
    const textLayerOnly = nPages / ((performance.now() - t0) / 1000);
    const scale = await child([`${big}:PDF`], { BENCH_DEFAULT_OPTIONS: '1' });
    add(
      `born-digital pipeline, ${nPages}-page generated PDF`,
      `${f(nPages / scale.runs[0].seconds, 1)} pages/s`,
      `${f(scale.runs[0].seconds, 1)} s end to end (text layer + 50-dpi page analysis + layout + result.json); pdftotext -bbox alone: ${f(textLayerOnly, 0)} pages/s`,
    );
    add(
      `peak RSS, ${nPages}-page PDF`,
      `${f(scale.maxRssMb, 0)} MB`,
      'whole process (Node + activities), default output options',
    );
  }

  // 2. scanned: each engine vs the bare CLI on the same 300-dpi page images
  const scanned = ['linn.pdf', 'huckfinn_c02-22.pdf', 'funsd_scan_3pages.pdf'].map((n) =>
    path.join(EVAL, 'scanned_pdf', n),
  );
  if (!part('scanned')) {
    // skipped (BENCH_DOC_ONLY)
  } else if (scanned.every(existsSync)) {
    // like the pipeline: documents one after another, the pages of a document in parallel (one process per core)
    let cliSeconds = 0;
    let cliPages = 0;
    for (const pdf of scanned) {
      const base = path.join(WORK, path.basename(pdf, '.pdf'));
      await run('pdftoppm', ['-r', '300', '-gray', pdf, base]);
      const images = (await fs.readdir(WORK))
        .filter((fl) => fl.startsWith(path.basename(base)) && fl.endsWith('.pgm'))
        .map((fl) => path.join(WORK, fl));
      cliSeconds += await nativeCli(images);
      cliPages += images.length;
    }
    const cliPerPage = cliSeconds / cliPages;
    add(
      'native tesseract CLI alone, scanned pages (300 dpi PGM, PSM 3)',
      `${f(cliPerPage)} s/page`,
      `${cliPages} pages of 3 PDFs; per PDF its pages in parallel, ${os.availableParallelism()} processes`,
    );
    const engines: Record<string, ChildOut[]> = {};
    for (const engine of ['tesseract', 'tesseract.js', 'ppocr']) {
      const r = await child(
        scanned.map((s) => `${s}:PDF`),
        { QUARRY_OCR_ENGINE: engine, BENCH_KEEP_RESULT: '1' },
      );
      engines[engine] = r.runs;
      const secs = r.runs.reduce((s, x) => s + x.seconds, 0);
      const pages = r.runs.reduce((s, x) => s + x.pages, 0);
      add(
        `scanned PDF pipeline, engine ${engine}`,
        `${f(secs / pages)} s/page`,
        `ratio to the bare CLI: ${f(secs / pages / cliPerPage)}× (pipeline = rasterise + deskew + OCR + layout + output); peak RSS ${f(r.maxRssMb, 0)} MB`,
      );
    }
    for (const [engine, runs] of Object.entries(engines)) {
      const [linn, huck, funsd] = runs.map((x) => x.result);
      const huckRef = tokens(
        await fs.readFile(path.join(EVAL, 'scanned_pdf', 'huckfinn_c02-22_reference.txt'), 'utf8'),
      );
      const linnRef = tokens(await fs.readFile(path.join(EVAL, 'scanned_pdf', 'linn_reference.txt'), 'utf8'));
      const hb = bagOfWords(tokens(elementsText(huck)), huckRef);
      const lb = bagOfWords(tokens(elementsText(linn)), linnRef);
      const words = JSON.parse(
        await fs.readFile(path.join(EVAL, 'scanned_pdf', 'funsd_scan_3pages_words.json'), 'utf8'),
      ) as { words: string[] }[];
      const fb = bagOfWords(
        (funsd.text_words as any[]).map((w) => w.text).flatMap(tokens),
        words.flatMap((p) => p.words).flatMap(tokens),
      );
      add(
        `OCR word accuracy (bag-of-words F1), ${engine}`,
        `huckfinn ${pct(hb.f1)}, linn ${pct(lb.f1)}, funsd 3 pages ${pct(fb.f1)}`,
        'order-free, case/punctuation folded; linn reference is itself a Tesseract transcript',
      );
      if (engine === 'tesseract') {
        const ro = readingOrderScore(tokens(elementsText(linn)), linnRef);
        add(
          'reading order, two-column scanned page (linn.pdf)',
          pct(ro.score),
          `${ro.anchors} unique 3-gram anchors in reference order`,
        );
        const rh = readingOrderScore(tokens(elementsText(huck)), huckRef);
        add('reading order, one-column page with figure (huckfinn)', pct(rh.score), `${rh.anchors} anchors`);
      }
    }
  } else add('scanned PDFs', 'skipped', `${EVAL}/scanned_pdf not found`);

  // 3. FUNSD forms (image pages)
  const funsdDir = path.join(EVAL, 'funsd');
  if (part('funsd') && existsSync(funsdDir)) {
    const n = Number(process.env.BENCH_FUNSD_N ?? 20);
    const ids = (await fs.readdir(path.join(funsdDir, 'images')))
      .filter((x) => x.endsWith('.png'))
      .sort()
      .slice(0, n);
    const r = await child(
      ids.map((id) => `${path.join(funsdDir, 'images', id)}:PNG`),
      { BENCH_KEEP_RESULT: '1' },
    );
    let pred: string[] = [];
    let ref: string[] = [];
    for (const [k, id] of ids.entries()) {
      const ann = JSON.parse(
        await fs.readFile(path.join(funsdDir, 'annotations', id.replace('.png', '.json')), 'utf8'),
      ) as { form: { words: { text: string }[] }[] };
      ref = ref.concat(ann.form.flatMap((e) => e.words.map((w) => w.text)).flatMap(tokens));
      pred = pred.concat((r.runs[k].result.text_words as any[]).map((w) => w.text).flatMap(tokens));
    }
    const b = bagOfWords(pred, ref);
    const secs = r.runs.reduce((s, x) => s + x.seconds, 0);
    add(
      `FUNSD word accuracy (${ids.length} of 50 forms, ${process.env.QUARRY_OCR_ENGINE ?? 'auto: ppocr for image files'})`,
      `F1 ${pct(b.f1)}`,
      `precision ${pct(b.precision)}, recall ${pct(b.recall)}, ${b.reference} reference words; ${f(secs / ids.length)} s/form`,
    );
  }

  // 4. ICDAR-2013 tables
  const icdar = path.join(EVAL, 'pdf_tables_icdar2013');
  if (part('tables') && existsSync(icdar)) {
    const gt = JSON.parse(await fs.readFile(path.join(icdar, 'tables_derived.json'), 'utf8')) as Record<
      string,
      { cells: { start_row: number; end_row: number; start_col: number; end_col: number; text: string }[] }[]
    >;
    const docs = Object.keys(gt).sort();
    const r = await child(
      docs.map((d) => `${path.join(icdar, 'pdf', `${d}.pdf`)}:PDF`),
      { BENCH_KEEP_RESULT: '1' },
    );
    let P: string[] = [];
    let R: string[] = [];
    let predTables = 0;
    let gtTables = 0;
    const perDoc: number[] = [];
    let pages = 0;
    let secs = 0;
    for (const [k, d] of docs.entries()) {
      const res = r.runs[k].result;
      pages += r.runs[k].pages;
      secs += r.runs[k].seconds;
      const tables = (res.elements as any[]).filter((e) => e.type === 'TABLE');
      predTables += tables.length;
      const ids = new Set<string>();
      const ref = gt[d].flatMap((t: any) => {
        ids.add(t.table_id);
        return adjacencyRelations(
          t.cells.map((c: any) => ({
            row: c.start_row,
            col: c.start_col,
            rowSpan: c.end_row - c.start_row + 1,
            colSpan: c.end_col - c.start_col + 1,
            text: c.text,
          })),
        );
      });
      gtTables += ids.size;
      const pred = tables.flatMap((t) =>
        adjacencyRelations(
          t.table_structure.cells.map((c: any) => ({
            row: c.row,
            col: c.column,
            rowSpan: c.row_span,
            colSpan: c.column_span,
            text: c.text,
          })),
        ),
      );
      P = P.concat(pred.map((x) => `${d}|${x}`));
      R = R.concat(ref.map((x) => `${d}|${x}`));
      perDoc.push(setF1(pred, ref).f1);
    }
    const all = setF1(P, R);
    add(
      'table structure, ICDAR-2013 cell-adjacency F1 (24 PDFs)',
      `F1 ${pct(all.f1)}`,
      `precision ${pct(all.precision)}, recall ${pct(all.recall)} over ${all.reference} reference relations; mean per-document F1 ${pct(perDoc.reduce((s, x) => s + x, 0) / perDoc.length)}; ${predTables} tables found vs ${gtTables} in ground truth`,
    );
    add(
      'born-digital pipeline on ICDAR-2013 (97 real pages)',
      `${f(pages / secs, 1)} pages/s`,
      'one process, documents one after another, words + CSV output',
    );
  }

  const table = [
    '| metric | value | notes |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '_Run on a 2-core machine shared with other work (measurements under contention)._',
  ].join('\n');
  if (only) {
    // a partial table must not replace README's full one (bench/run.ts writes whatever is returned)
    console.log(table);
    process.exit(0);
  }
  return table;
}
