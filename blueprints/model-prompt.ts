/**
 * What the generative model is asked when it reads a blueprint's fields from a document: the document's lines
 * numbered (stable line ids: page markers and `12: text`; a recording's transcript segments with their times,
 * `12 [00:31.2-00:35.0]: text`), the blueprint's fields with their instructions and
 * the layout pass's candidates, and a JSON schema (turned into a grammar) that the answer must follow, built
 * from the blueprint — each value with the number of the line it was read from. Pure.
 */
import type { Blueprint, Field, LeafField, ListField, PrimitiveType } from './dialect.ts';
import type { ResultNode } from './evidence.ts';
import type { LayoutDocument } from './layout.ts';

/** Most table rows the model may list (a longer table is the layout pass's, not the model's, to read). */
export const MAX_MODEL_ROWS = 25;

export const READING_SYSTEM = [
  'You fill a form from a document. Every document line starts with its line number.',
  'For each field, find the line that holds the value and copy the value exactly as printed there.',
  'Follow each field instruction. If the document does not contain a field, answer null for its line and value: never guess, never make a value up.',
  'Numbers are plain JSON numbers without currency signs or thousands separators.',
].join('\n');

/** The same task on a recording: the lines are transcript segments, each with when it was said. */
export const TRANSCRIPT_READING_SYSTEM = [
  'You fill a form from the transcript of a recording. Every transcript line starts with its line number and the time it was spoken.',
  'For each field, find the line where the value is said and copy the value exactly as transcribed there (never the time).',
  'Follow each field instruction. If the recording does not contain a field, answer null for its line and value: never guess, never make a value up.',
  'Numbers are plain JSON numbers without currency signs or thousands separators.',
].join('\n');

const TYPE_WORDS: Record<PrimitiveType, string> = {
  string: 'text',
  number: 'number',
  integer: 'whole number',
  boolean: 'true/false',
};

/** JSON type of a blueprint primitive, nullable. */
function valueSchema(type: PrimitiveType, enumValues?: readonly (string | number | boolean)[]) {
  if (enumValues?.length) return { enum: [...enumValues, null] };
  return { type: [type, 'null'] };
}

const cited = (value: Record<string, unknown>) => ({
  type: 'object',
  properties: { line: { type: ['integer', 'null'] }, value },
  required: ['line', 'value'],
  additionalProperties: false,
});

function fieldSchema(f: Field): Record<string, unknown> {
  switch (f.kind) {
    case 'leaf':
      return cited(valueSchema(f.type, f.enum));
    case 'list':
      return { type: 'array', items: cited(valueSchema(f.itemType)), maxItems: MAX_MODEL_ROWS };
    case 'group':
      return objectSchema(f.fields);
    case 'table':
      return {
        type: 'array',
        maxItems: MAX_MODEL_ROWS,
        items: {
          type: 'object',
          properties: {
            line: { type: ['integer', 'null'] },
            ...Object.fromEntries(
              f.columns.filter(isPrimitive).map((c) => [c.name, valueSchema(c.kind === 'leaf' ? c.type : c.itemType)]),
            ),
          },
          required: ['line', ...f.columns.filter(isPrimitive).map((c) => c.name)],
          additionalProperties: false,
        },
      };
  }
}

const isPrimitive = (f: Field): f is LeafField | ListField => f.kind === 'leaf' || f.kind === 'list';

function objectSchema(fields: readonly Field[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    required: fields.map((f) => f.name),
    additionalProperties: false,
  };
}

/** The schema of the model's answer: the fields asked, in order, each value with its line number. */
export function answerSchema(fields: readonly Field[]): Record<string, unknown> {
  return objectSchema(fields);
}

/**
 * The fields the model is asked for: all but the tables whose rows the layout pass already read from the page's
 * structure (those rows, with their cells' geometry, stand; asking the model to copy them again costs most of an
 * answer's tokens for nothing).
 */
export function fieldsToAsk(fields: readonly Field[], nodes: readonly ResultNode[]): Field[] {
  const out: Field[] = [];
  for (const f of fields) {
    const node = nodes.find((n) => n.name === f.name);
    if (f.kind === 'table' && node?.kind === 'table' && node.rows.length) continue;
    if (f.kind === 'group') {
      const inner = fieldsToAsk(f.fields, node?.kind === 'group' ? node.children : []);
      if (inner.length) out.push({ ...f, fields: inner });
      continue;
    }
    out.push(f);
  }
  return out;
}

/** A time on a recording as a reader writes it: `mm:ss.d`, or `h:mm:ss.d` from an hour on. */
export function clock(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor(tenths / 600) % 60;
  const sec = `${String(Math.floor(tenths / 10) % 60).padStart(2, '0')}.${tenths % 10}`;
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${String(m).padStart(2, '0')}:${sec}`;
}

/** Whether a layout is a recording's transcript (its lines carry times). */
export const isTranscript = (doc: LayoutDocument) => doc.lines.some((l) => l.time);

/**
 * The document's lines with their ids (1-based, in reading order), pages marked when there are several; a
 * transcript's lines with their times, and their speakers when more than one speaks.
 */
export function numberedLines(doc: LayoutDocument, lineIds: readonly number[] = doc.lines.map((_, i) => i)): string {
  const out: string[] = [];
  const speakers = new Set(doc.lines.map((l) => l.speaker).filter(Boolean)).size > 1;
  let page = -1;
  for (const i of lineIds) {
    const l = doc.lines[i];
    if (doc.pageCount > 1 && l.page !== page) out.push(`--- page ${l.page + 1} ---`);
    page = l.page;
    const when = l.time ? ` [${clock(l.time.startMs)}-${clock(l.time.endMs)}]` : '';
    const who = speakers && l.speaker ? ` ${l.speaker}` : '';
    out.push(`${i + 1}${when}${who}: ${l.text}`);
  }
  return out.join('\n');
}

/** The layout pass's value of a field, said so the model can confirm or correct it. */
function hintOf(node: ResultNode | undefined, doc: LayoutDocument): string {
  if (node?.kind !== 'value' || node.value === null || !node.words.length) return '';
  const line = doc.lines.findIndex((l) => l.words.includes(node.words[0]));
  return ` (a layout pass read ${JSON.stringify(node.raw ?? node.value)}${line >= 0 ? ` on line ${line + 1}` : ''}; check it)`;
}

function describe(fields: readonly Field[], nodes: readonly ResultNode[], doc: LayoutDocument, indent = ''): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const node = nodes.find((n) => n.name === f.name);
    const how =
      f.kind !== 'group' && f.kind !== 'table' && f.inferenceType === 'inferred'
        ? ', may be inferred from the lines'
        : '';
    switch (f.kind) {
      case 'leaf': {
        const choices = f.enum?.length ? `, one of ${f.enum.map((e) => JSON.stringify(e)).join(', ')}` : '';
        out.push(`${indent}- ${f.name} (${TYPE_WORDS[f.type]}${choices}${how}): ${f.instruction}${hintOf(node, doc)}`);
        break;
      }
      case 'list':
        out.push(`${indent}- ${f.name} (list of ${TYPE_WORDS[f.itemType]}${how}): ${f.instruction}`);
        break;
      case 'group':
        out.push(`${indent}- ${f.name} (group): ${f.instruction}`);
        out.push(...describe(f.fields, node?.kind === 'group' ? node.children : [], doc, `${indent}  `));
        break;
      case 'table':
        out.push(
          `${indent}- ${f.name} (table, one entry per row, with the row's line): ${f.instruction}. Columns: ${f.columns
            .map((c) => `${c.name} — ${c.instruction}`)
            .join('; ')}`,
        );
        break;
    }
  }
  return out;
}

export interface ReadingPrompt {
  system: string;
  prompt: string;
  jsonSchema: Record<string, unknown>;
  /** the document lines the prompt shows (indices into doc.lines) */
  lineIds: number[];
  /** the fields the answer holds (see `fieldsToAsk`) */
  asked: Field[];
}

/**
 * The request that asks the model for a blueprint's fields. `lineIds` chooses the lines when a document is too
 * long to show whole (see `chooseLines`); the layout pass's `nodes` become hints.
 */
export function readingPrompt(
  bp: Blueprint,
  doc: LayoutDocument,
  nodes: readonly ResultNode[],
  lineIds: number[] = doc.lines.map((_, i) => i),
): ReadingPrompt {
  const about = [bp.class, bp.description].filter(Boolean).join(': ');
  const asked = fieldsToAsk(bp.fields, nodes);
  const transcript = isTranscript(doc);
  const prompt = [
    `${transcript ? 'Transcript' : 'Document'}${about ? ` (expected: ${about})` : ''}:`,
    '"""',
    numberedLines(doc, lineIds),
    '"""',
    '',
    'Fields to fill:',
    ...describe(asked, nodes, doc),
  ].join('\n');
  return {
    system: transcript ? TRANSCRIPT_READING_SYSTEM : READING_SYSTEM,
    prompt,
    jsonSchema: answerSchema(asked),
    lineIds,
    asked,
  };
}
