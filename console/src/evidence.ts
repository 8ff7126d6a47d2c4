/**
 * What the console draws over a page: every box of a document's or image's standard output (elements, tables,
 * lines, words) and of its custom output (fields), on one page, with its text and confidence. Pure.
 */
import type { BoundingBox } from '../../schemas/box.ts';
import type { DocumentStandardOutput } from '../../schemas/document-output.ts';
import type { ImageStandardOutput } from '../../schemas/image-output.ts';

export type BoxKind = 'element' | 'table' | 'line' | 'word' | 'field';

export interface DrawnBox {
  /** unique over the page set: `<kind>:<id>` */
  id: string;
  kind: BoxKind;
  /** 0-based page index */
  page: number;
  box: BoundingBox;
  label: string;
  text: string;
  confidence?: number;
}

/** A custom-output field, flattened: `LineItems[0].Amount`. */
export interface FieldEvidence {
  path: string;
  value: unknown;
  confidence: number;
  success: boolean;
  reason?: string;
  engine?: string;
  /** boxes (0-based pages) for documents and images */
  boxes: { page: number; box: BoundingBox }[];
  /** times for audio and video */
  startMs?: number;
  endMs?: number;
}

/** Below this a field is shown as doubtful. */
export const LOW_CONFIDENCE = 0.5;

interface Explained {
  confidence?: number;
  value?: unknown;
  success?: boolean;
  reason?: string;
  engine?: string;
  geometry?: { page: number; boundingBox: BoundingBox }[];
  start_timestamp_millis?: number;
  end_timestamp_millis?: number;
}

const isExplained = (v: unknown): v is Explained =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'confidence' in v && 'value' in v;

/** Every leaf of `explainability_info[0]`, in blueprint order, tables and lists indexed. */
export function fieldsOf(custom: unknown): FieldEvidence[] {
  const info = (custom as { explainability_info?: unknown[] } | null)?.explainability_info?.[0];
  const out: FieldEvidence[] = [];
  const walk = (node: unknown, path: string) => {
    if (isExplained(node)) {
      out.push({
        path,
        value: node.value,
        confidence: node.confidence ?? 0,
        success: node.success ?? node.value !== null,
        reason: node.reason,
        engine: node.engine,
        boxes: (node.geometry ?? []).map((g) => ({ page: g.page - 1, box: g.boundingBox })),
        startMs: node.start_timestamp_millis,
        endMs: node.end_timestamp_millis,
      });
    } else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`);
    } else if (typeof node === 'object' && node !== null)
      for (const [k, v] of Object.entries(node)) if (!k.startsWith('_')) walk(v, path ? `${path}.${k}` : k);
  };
  walk(info, '');
  return out;
}

const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The boxes of a document's standard output, every page. */
export function documentBoxes(doc: DocumentStandardOutput): DrawnBox[] {
  const out: DrawnBox[] = [];
  for (const e of doc.elements ?? []) {
    const kind: BoxKind = e.type === 'TABLE' ? 'table' : 'element';
    const label = e.type === 'TEXT' ? e.sub_type : e.type;
    const text = e.representation?.text ?? e.representation?.markdown ?? e.representation?.csv ?? '';
    (e.locations ?? []).forEach((l, i) => {
      if (l.bounding_box)
        out.push({
          id: `${kind}:${e.id}:${i}`,
          kind,
          page: l.page_index,
          box: l.bounding_box,
          label,
          text: clip(text),
          confidence: e.confidence,
        });
    });
  }
  for (const l of doc.text_lines ?? [])
    if (l.locations?.bounding_box)
      out.push({
        id: `line:${l.id}`,
        kind: 'line',
        page: l.page_index,
        box: l.locations.bounding_box,
        label: 'LINE',
        text: l.text,
        confidence: l.confidence,
      });
  for (const w of doc.text_words ?? [])
    if (w.locations?.bounding_box)
      out.push({
        id: `word:${w.id}`,
        kind: 'word',
        page: w.page_index,
        box: w.locations.bounding_box,
        label: 'WORD',
        text: w.text,
        confidence: w.confidence,
      });
  return out;
}

/** The boxes of an image's text detection (one page: 0). */
export function imageBoxes(img: ImageStandardOutput): DrawnBox[] {
  const out: DrawnBox[] = [];
  for (const l of img.image.text_lines ?? []) {
    const b = l.locations[0]?.bounding_box;
    if (b)
      out.push({
        id: `line:${l.id}`,
        kind: 'line',
        page: 0,
        box: b,
        label: 'LINE',
        text: l.text,
        confidence: l.confidence,
      });
  }
  for (const w of img.image.text_words ?? []) {
    const b = w.locations[0]?.bounding_box;
    if (b)
      out.push({
        id: `word:${w.id}`,
        kind: 'word',
        page: 0,
        box: b,
        label: 'WORD',
        text: w.text,
        confidence: w.confidence,
      });
  }
  return out;
}

/** A field's boxes, to draw with the rest. */
export function fieldBoxes(fields: readonly FieldEvidence[]): DrawnBox[] {
  return fields.flatMap((f) =>
    f.boxes.map((b, i) => ({
      id: `field:${f.path}:${i}`,
      kind: 'field' as const,
      page: b.page,
      box: b.box,
      label: f.path,
      text: f.value === null || f.value === undefined ? '' : String(f.value),
      confidence: f.confidence,
    })),
  );
}

/** A box in the pixels of a page image `width` × `height`. */
export const toPixels = (b: BoundingBox, width: number, height: number) => ({
  x: b.left * width,
  y: b.top * height,
  width: b.width * width,
  height: b.height * height,
});

/** Rows of a table element: its grid (Quarry's table_structure) when present, else its CSV. */
export function tableRows(e: {
  table_structure?: { rows: number; columns: number; cells: { row: number; column: number; text: string }[] };
  representation?: { csv?: string };
}): string[][] {
  const t = e.table_structure;
  if (t) {
    const rows = Array.from({ length: t.rows }, () => Array.from({ length: t.columns }, () => ''));
    for (const c of t.cells) if (rows[c.row] && c.column < t.columns) rows[c.row][c.column] = c.text;
    return rows;
  }
  return (e.representation?.csv ?? '').split('\n').filter(Boolean).map(parseCsvLine);
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}

const vttTime = (ms: number) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const sec = (ms % 60_000) / 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${sec.toFixed(3).padStart(6, '0')}`;
};

/** WebVTT captions from transcript segments (the player's captions track). */
export function webVtt(
  segments: readonly {
    start_timestamp_millis: number;
    end_timestamp_millis: number;
    text: string;
    speaker?: { speaker_label: string };
  }[],
): string {
  const cues = segments.map(
    (s) =>
      `${vttTime(s.start_timestamp_millis)} --> ${vttTime(s.end_timestamp_millis)}\n${s.speaker ? `<v ${s.speaker.speaker_label}>` : ''}${s.text.replace(/-->/g, '→')}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}
