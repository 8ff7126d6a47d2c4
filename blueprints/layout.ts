/**
 * The view of a document that field extraction works on: words and lines with page (0-based), a normalised
 * bounding box (0..1, top-left origin) and OCR confidence (0..1), plus tables when layout analysis found them.
 * `layoutFromStandardOutput` builds it from BDA-shaped document standard output (defensively: any of
 * text_words / text_lines / elements may be missing).
 */
import { type Box, unionBox } from '../schemas/box.ts';

export interface LayoutWord {
  text: string;
  page: number;
  box: Box;
  confidence: number;
}
export interface LayoutLine {
  text: string;
  page: number;
  box: Box;
  confidence: number;
  words: LayoutWord[];
}
export interface LayoutTable {
  page: number;
  box?: Box;
  /** header cells, then body rows (cell texts); the first row is the header when `headers` is empty */
  headers: string[];
  rows: string[][];
}
export interface LayoutDocument {
  pageCount: number;
  /** lines in reading order */
  lines: LayoutLine[];
  tables: LayoutTable[];
}


/** Splits a line into words with boxes proportional to character offsets (when OCR gave lines only). */
export function wordsOfLine(text: string, page: number, box: Box, confidence: number): LayoutWord[] {
  const out: LayoutWord[] = [];
  const len = Math.max(1, text.length);
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    out.push({
      text: m[0],
      page,
      confidence,
      box: {
        left: box.left + (box.width * start) / len,
        top: box.top,
        width: (box.width * m[0].length) / len,
        height: box.height,
      },
    });
  }
  return out;
}

/** Builds lines from words by grouping words that share a page and overlap vertically, left to right. */
export function linesFromWords(words: readonly LayoutWord[]): LayoutLine[] {
  const byPage = new Map<number, LayoutWord[]>();
  for (const w of words) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
  const lines: LayoutLine[] = [];
  for (const page of [...byPage.keys()].sort((a, b) => a - b)) {
    const ws = [...(byPage.get(page) ?? [])].sort(
      (a, b) => a.box.top + a.box.height / 2 - (b.box.top + b.box.height / 2),
    );
    const rows: LayoutWord[][] = [];
    for (const w of ws) {
      const mid = w.box.top + w.box.height / 2;
      const row = rows.find((r) => {
        const b = unionBox(r.map((x) => x.box));
        return (
          mid >= b.top &&
          mid <= b.top + b.height &&
          Math.abs(b.height - w.box.height) < Math.max(b.height, w.box.height)
        );
      });
      if (row) row.push(w);
      else rows.push([w]);
    }
    for (const r of rows) {
      r.sort((a, b) => a.box.left - b.box.left);
      // split a visual row at wide horizontal gaps: "Invoice No:   12345        Date: 1/2/2020" stays one line,
      // but two columns far apart become separate lines
      let cur: LayoutWord[] = [];
      const flush = () => {
        if (cur.length) lines.push(lineOf(cur));
        cur = [];
      };
      for (const w of r) {
        const prev = cur[cur.length - 1];
        if (prev) {
          const gap = w.box.left - (prev.box.left + prev.box.width);
          const h = Math.max(prev.box.height, w.box.height);
          if (gap > h * 4) flush();
        }
        cur.push(w);
      }
      flush();
    }
  }
  return lines;
}

export function lineOf(words: readonly LayoutWord[]): LayoutLine {
  return {
    text: words.map((w) => w.text).join(' '),
    page: words[0].page,
    box: unionBox(words.map((w) => w.box)),
    confidence: words.reduce((a, w) => a + w.confidence, 0) / words.length,
    words: [...words],
  };
}

// ---- adapter from BDA document standard output -------------------------------------------------------------

type Json = Record<string, unknown>;
const num = (v: unknown, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const conf = (v: unknown) => {
  const c = num(v, 1);
  return c > 1 ? c / 100 : c;
};
function boxOf(loc: unknown): { page: number; box: Box } | undefined {
  const l = (Array.isArray(loc) ? loc[0] : loc) as Json | undefined;
  if (!l || typeof l !== 'object') return undefined;
  const b = (l.bounding_box ?? l.boundingBox) as Json | undefined;
  if (!b) return undefined;
  return {
    page: num(l.page_index),
    box: { left: num(b.left), top: num(b.top), width: num(b.width), height: num(b.height) },
  };
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((x) => x.trim()));
}

function parseMarkdownTable(md: string): string[][] {
  return md
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|') && !/^\|[\s:|-]+\|$/.test(l))
    .map((l) =>
      l
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
}

/** The page range an output covers, from `metadata.start_page_index` / `number_of_pages` or the pages seen. */
export function layoutFromStandardOutput(output: unknown): LayoutDocument {
  const o = (output ?? {}) as Json;
  const words: LayoutWord[] = [];
  const lines: LayoutLine[] = [];
  const rawWords = Array.isArray(o.text_words) ? (o.text_words as Json[]) : [];
  const rawLines = Array.isArray(o.text_lines) ? (o.text_lines as Json[]) : [];
  for (const w of rawWords) {
    const text = String(w.text ?? '').trim();
    const g = boxOf(w.locations ?? w.location);
    if (!text || !g) continue;
    words.push({ text, page: num(w.page_index, g.page), box: g.box, confidence: conf(w.confidence) });
  }
  if (words.length) {
    lines.push(...linesFromWords(words));
  } else {
    for (const l of rawLines) {
      const text = String(l.text ?? '').trim();
      const g = boxOf(l.locations ?? l.location);
      if (!text || !g) continue;
      const page = num(l.page_index, g.page);
      const c = conf(l.confidence);
      lines.push({ text, page, box: g.box, confidence: c, words: wordsOfLine(text, page, g.box, c) });
    }
  }
  const elements = Array.isArray(o.elements) ? (o.elements as Json[]) : [];
  if (lines.length === 0) {
    // no word/line granularity: fall back to element text with the element's box
    for (const e of elements) {
      const rep = (e.representation ?? {}) as Json;
      const text = String(rep.text ?? plainFromMarkdown(String(rep.markdown ?? ''))).trim();
      const g = boxOf(e.locations);
      if (!text || !g || e.type === 'TABLE') continue;
      const parts = text.split('\n').filter((s) => s.trim());
      parts.forEach((part, i) => {
        const h = g.box.height / parts.length;
        const box = { ...g.box, top: g.box.top + i * h, height: h };
        lines.push({
          text: part.trim(),
          page: g.page,
          box,
          confidence: 1,
          words: wordsOfLine(part.trim(), g.page, box, 1),
        });
      });
    }
  }
  const tables: LayoutTable[] = [];
  for (const e of elements) {
    if (e.type !== 'TABLE') continue;
    const rep = (e.representation ?? {}) as Json;
    let rows: string[][] = [];
    if (typeof rep.csv === 'string') rows = parseCsv(rep.csv);
    else if (typeof rep.markdown === 'string') rows = parseMarkdownTable(rep.markdown);
    if (rows.length === 0) continue;
    const g = boxOf(e.locations);
    const headers = Array.isArray(e.headers) ? (e.headers as unknown[]).map(String) : [];
    tables.push({ page: g?.page ?? 0, box: g?.box, headers, rows });
  }
  const meta = (o.metadata ?? {}) as Json;
  const pages = Array.isArray(o.pages) ? o.pages.length : 0;
  const pageCount = Math.max(num(meta.number_of_pages), pages, ...lines.map((l) => l.page + 1), 1);
  return { pageCount, lines, tables };
}

/** Markdown-only representations (BDA's default text format): the words without the markup (#, list marks, emphasis). */
export function plainFromMarkdown(md: string): string {
  return md
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '')
        .replace(/(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1/g, '$2'),
    )
    .join('\n');
}
