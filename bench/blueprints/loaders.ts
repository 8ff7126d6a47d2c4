/**
 * Loaders that turn the evaluation sets (../shared/eval, read in place, never copied) into the layout that
 * blueprint extraction reads: SROIE line OCR ground truth, invoice2data PDFs through poppler's text layer
 * (`pdftotext -bbox-layout`, the same tool the document pipeline uses for born-digital PDFs), FUNSD words.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { type LayoutDocument, type LayoutWord, linesFromWords, wordsOfLine } from '../../blueprints/layout.ts';

const run = promisify(execFile);
export const EVAL = process.env.QUARRY_EVAL_DIR ?? path.resolve(import.meta.dirname, '../../../shared/eval');

export async function evalAvailable(): Promise<boolean> {
  return fs
    .access(path.join(EVAL, 'sroie'))
    .then(() => true)
    .catch(() => false);
}

/** For tests on the evaluation data: fails with what is missing and where to get it (never skips). */
export async function requireEval(): Promise<void> {
  if (!(await evalAvailable()))
    throw new Error(
      `the evaluation data is not at ${EVAL} (research-licensed, not shipped with Quarry): put the shared eval folder there or set QUARRY_EVAL_DIR`,
    );
}

/** A SROIE receipt from its line-level OCR ground truth (4-point polygons in pixels). */
export async function sroieLayout(id: string, page = 0): Promise<LayoutDocument> {
  const img = await sharp(path.join(EVAL, 'sroie/images', `${id}.jpg`)).metadata();
  const W = img.width ?? 1;
  const H = img.height ?? 1;
  const csv = (await fs.readFile(path.join(EVAL, 'sroie/ocr_lines', `${id}.csv`), 'utf8'))
    .split('\n')
    .filter((l) => l.trim());
  const words: LayoutWord[] = [];
  for (const line of csv) {
    const p = line.split(',');
    const n = p.slice(0, 8).map(Number);
    const text = p.slice(8).join(',').trim();
    if (!text || n.some((x) => !Number.isFinite(x))) continue;
    const xs = [n[0], n[2], n[4], n[6]];
    const ys = [n[1], n[3], n[5], n[7]];
    const box = {
      left: Math.min(...xs) / W,
      top: Math.min(...ys) / H,
      width: (Math.max(...xs) - Math.min(...xs)) / W,
      height: (Math.max(...ys) - Math.min(...ys)) / H,
    };
    words.push(...wordsOfLine(text, page, box, 1));
  }
  return { pageCount: page + 1, lines: linesFromWords(words), tables: [] };
}

export async function sroieTruth(
  id: string,
): Promise<{ company: string; date: string; address: string; total: string }> {
  return JSON.parse(await fs.readFile(path.join(EVAL, 'sroie/labels', `${id}.json`), 'utf8'));
}

export async function sroieIds(): Promise<string[]> {
  return (await fs.readdir(path.join(EVAL, 'sroie/labels')))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A born-digital PDF's words with boxes from poppler (`pdftotext -bbox-layout`), pages 0-based. */
export async function pdfLayout(file: string, pageOffset = 0): Promise<LayoutDocument> {
  const { stdout } = await run('pdftotext', ['-bbox-layout', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
  const words: LayoutWord[] = [];
  let page = -1;
  let W = 1;
  let H = 1;
  for (const m of stdout.matchAll(
    /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    if (m[1]) {
      page++;
      W = Number(m[1]);
      H = Number(m[2]);
      continue;
    }
    const [x0, y0, x1, y1] = [m[3], m[4], m[5], m[6]].map(Number);
    const text = m[7]
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'");
    words.push({
      text,
      page: page + pageOffset,
      confidence: 1,
      box: { left: x0 / W, top: y0 / H, width: (x1 - x0) / W, height: (y1 - y0) / H },
    });
  }
  return { pageCount: page + 1 + pageOffset, lines: linesFromWords(words), tables: [] };
}

export async function invoiceNames(): Promise<string[]> {
  return (await fs.readdir(path.join(EVAL, 'invoices/labels')))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export async function invoiceTruth(name: string): Promise<Record<string, unknown>> {
  return (
    JSON.parse(await fs.readFile(path.join(EVAL, 'invoices/labels', `${name}.json`), 'utf8')) as Record<
      string,
      unknown
    >[]
  )[0];
}

interface FunsdEntity {
  id: number;
  label: string;
  text: string;
  box: number[];
  words: { text: string; box: number[] }[];
  linking: number[][];
}

/** A FUNSD form from its word annotations (image pixels → 0..1). */
export async function funsdLayout(id: string): Promise<{ doc: LayoutDocument; entities: FunsdEntity[] }> {
  const ann = JSON.parse(await fs.readFile(path.join(EVAL, 'funsd/annotations', `${id}.json`), 'utf8')) as {
    form: FunsdEntity[];
  };
  const img = await sharp(path.join(EVAL, 'funsd/images', `${id}.png`)).metadata();
  const W = img.width ?? 1;
  const H = img.height ?? 1;
  const words: LayoutWord[] = [];
  for (const e of ann.form) {
    for (const w of e.words) {
      if (!w.text.trim()) continue;
      const [x0, y0, x1, y1] = w.box;
      words.push({
        text: w.text,
        page: 0,
        confidence: 1,
        box: { left: x0 / W, top: y0 / H, width: (x1 - x0) / W, height: (y1 - y0) / H },
      });
    }
  }
  return { doc: { pageCount: 1, lines: linesFromWords(words), tables: [] }, entities: ann.form };
}

export async function funsdIds(): Promise<string[]> {
  return (await fs.readdir(path.join(EVAL, 'funsd/annotations')))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export async function funsdPairs(): Promise<Record<string, { question: string; answer: string }[]>> {
  return JSON.parse(await fs.readFile(path.join(EVAL, 'funsd/kv_pairs_derived.json'), 'utf8'));
}
