/**
 * The view of a document that field extraction works on: words and lines with page (0-based), a normalised
 * bounding box (0..1, top-left origin) and OCR confidence (0..1), plus tables when layout analysis found them.
 * `layoutFromStandardOutput` builds it from the typed standard output (any of text_words / text_lines /
 * elements may be absent, as the request's granularity decides). A recording's transcript is such a view too,
 * its lines and words carrying their time on the recording (transcript-layout.ts).
 */
import type { AudioStandardOutput } from '../schemas/audio-output.ts';
import { type Box, unionBox } from '../schemas/box.ts';
import type { DocumentStandardOutput } from '../schemas/document-output.ts';
import type { ImageStandardOutput } from '../schemas/image-output.ts';
import type { StandardOutput } from '../schemas/standard-output.ts';
import type { VideoStandardOutput } from '../schemas/video-output.ts';
import { layoutOfTranscript, segmentsOfAudio, segmentsOfVideo } from './transcript-layout.ts';

/** Where a transcript word or line lies on the recording, in milliseconds from its start. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}
export interface LayoutWord {
  text: string;
  page: number;
  box: Box;
  confidence: number;
  /** audio/video: when the word was spoken (its evidence; the box is only its place on the transcript's page) */
  time?: TimeSpan;
}
export interface LayoutLine {
  text: string;
  page: number;
  box: Box;
  confidence: number;
  words: LayoutWord[];
  /** audio/video: the transcript segment's time */
  time?: TimeSpan;
  /** audio/video: the segment's speaker label (spk_0 …), when speakers were labelled */
  speaker?: string;
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

// ---- reading the typed standard output ------------------------------------------------------------------

/**
 * The layout of a standard output (parsed with schemas/standard-output.ts). Documents: words (or lines, or
 * element text when no finer granularity was asked for) and TABLE elements; images: detected text on page 0;
 * audio and video: the transcript, one line a segment, with times (transcript-layout.ts).
 */
export function layoutFromStandardOutput(output: StandardOutput): LayoutDocument {
  switch (output.metadata.semantic_modality) {
    case 'DOCUMENT':
      return layoutOfDocument(output as DocumentStandardOutput);
    case 'IMAGE':
      return layoutOfImage(output as ImageStandardOutput);
    case 'AUDIO':
      return layoutOfTranscript(segmentsOfAudio(output as AudioStandardOutput), output.metadata.duration_millis);
    case 'VIDEO':
      return layoutOfTranscript(segmentsOfVideo(output as VideoStandardOutput), output.metadata.duration_millis);
  }
}

function layoutOfImage(output: ImageStandardOutput): LayoutDocument {
  const words: LayoutWord[] = [];
  for (const w of output.image.text_words ?? []) {
    const box = w.locations[0]?.bounding_box;
    if (w.text.trim() && box) words.push({ text: w.text.trim(), page: 0, box, confidence: w.confidence });
  }
  const lines: LayoutLine[] = words.length ? linesFromWords(words) : [];
  if (!lines.length)
    for (const l of output.image.text_lines ?? []) {
      const box = l.locations[0]?.bounding_box;
      const text = l.text.trim();
      if (text && box)
        lines.push({ text, page: 0, box, confidence: l.confidence, words: wordsOfLine(text, 0, box, l.confidence) });
    }
  return { pageCount: 1, lines, tables: [] };
}

function layoutOfDocument(o: DocumentStandardOutput): LayoutDocument {
  const words: LayoutWord[] = [];
  const lines: LayoutLine[] = [];
  for (const w of o.text_words ?? []) {
    const text = w.text.trim();
    const box = w.locations?.bounding_box;
    if (text && box) words.push({ text, page: w.page_index, box, confidence: w.confidence ?? 1 });
  }
  if (words.length) lines.push(...linesFromWords(words));
  else
    for (const l of o.text_lines ?? []) {
      const text = l.text.trim();
      const box = l.locations?.bounding_box;
      if (!text || !box) continue;
      const c = l.confidence ?? 1;
      lines.push({ text, page: l.page_index, box, confidence: c, words: wordsOfLine(text, l.page_index, box, c) });
    }
  const elements = o.elements ?? [];
  if (lines.length === 0) {
    // no word/line granularity: fall back to element text with the element's box
    for (const e of elements) {
      if (e.type === 'TABLE') continue;
      const rep = e.representation ?? {};
      const text = (rep.text ?? plainFromMarkdown(rep.markdown ?? '')).trim();
      const loc = e.locations?.[0];
      if (!text || !loc?.bounding_box) continue;
      const { page_index: page, bounding_box: at } = loc;
      const parts = text.split('\n').filter((x) => x.trim());
      parts.forEach((part, i) => {
        const h = at.height / parts.length;
        const box = { ...at, top: at.top + i * h, height: h };
        lines.push({ text: part.trim(), page, box, confidence: 1, words: wordsOfLine(part.trim(), page, box, 1) });
      });
    }
  }
  const tables: LayoutTable[] = [];
  for (const e of elements) {
    if (e.type !== 'TABLE') continue;
    const rep = e.representation ?? {};
    const rows =
      rep.csv !== undefined ? parseCsv(rep.csv) : rep.markdown !== undefined ? parseMarkdownTable(rep.markdown) : [];
    if (rows.length === 0) continue;
    const loc = e.locations?.[0];
    tables.push({ page: loc?.page_index ?? e.page_indices[0], box: loc?.bounding_box, headers: e.headers ?? [], rows });
  }
  const pageCount = Math.max(o.metadata.number_of_pages, o.pages?.length ?? 0, ...lines.map((l) => l.page + 1), 1);
  return { pageCount, lines, tables };
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
