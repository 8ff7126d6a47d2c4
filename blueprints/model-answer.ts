/**
 * From the generative model's answer to field values with evidence. Grounding is the hallucination guard: an
 * explicit value must be found (fuzzy, after normalisation) in the line the model cited or the few lines after
 * it (a value may run on), else anywhere in the document with weaker evidence; a value found nowhere is
 * returned as null with the reason, never passed off. Inferred values carry the lines they were read from.
 * The layout pass's value of each field is compared with the model's (agreement moves confidence). Pure.
 */
import { agreementOf } from './agreement.ts';
import type { Field, LeafField, ListField, PrimitiveType, TableField } from './dialect.ts';
import { type FieldValue, noFeatures, type ResultGroup, type ResultNode, type ResultTable } from './evidence.ts';
import { isoHint } from './extract.ts';
import { groundValue } from './grounding.ts';
import { findLabel, isGenericDate, labelPhrases, roleLabels, roleOf, tokensOf } from './labels.ts';
import { isTranscript } from './model-prompt.ts';
import type { LayoutDocument, LayoutWord } from './layout.ts';
import { parseDate, parseNumberText } from './normalize.ts';

/** Lines after the cited one that a value may continue on (addresses run over two or three lines). */
const RUN_ON_LINES = 3;

export interface ModelAnswer {
  json: unknown;
  /** probability of each leaf of `json`, by JSON pointer (the embedded model's token probabilities) */
  probabilities?: ReadonlyMap<string, number>;
  /** the engine that answered, e.g. `embedded:qwen2.5-coder-1.5b-instruct-q4_k_m` */
  model: string;
}

interface Ctx {
  doc: LayoutDocument;
  answer: ModelAnswer;
  monthFirst?: boolean;
}

const pointerPart = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const lineOf = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);

/** The answer's value in the blueprint's type, or null when it is not of that type. */
function typed(
  v: unknown,
  type: PrimitiveType,
  isoDate: boolean,
  monthFirst?: boolean,
): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (type === 'boolean') return typeof v === 'boolean' ? v : null;
  if (type === 'number' || type === 'integer') {
    const n = typeof v === 'number' ? v : parseNumberText(String(v));
    if (n === null || !Number.isFinite(n)) return null;
    return type === 'integer' ? (Number.isInteger(n) ? n : null) : n;
  }
  const text = String(v).replace(/\s+/g, ' ').trim();
  if (!text) return null;
  // a date field takes only a date (the model may cite an amount for a date it cannot find)
  return isoDate ? parseDate(text, { monthFirst }) : text;
}

/** The document restricted to the cited line and the lines a value may run on to. */
function near(doc: LayoutDocument, line: number): LayoutDocument {
  return { ...doc, lines: doc.lines.slice(line - 1, line - 1 + 1 + RUN_ON_LINES) };
}

function mean(words: readonly LayoutWord[]): number {
  return words.length ? words.reduce((a, w) => a + w.confidence, 0) / words.length : 0;
}

/** Index (0-based) of the line holding a word, or -1. */
function lineHolding(doc: LayoutDocument, word: LayoutWord | undefined): number {
  return word ? doc.lines.findIndex((l) => l.words.includes(word)) : -1;
}

/**
 * Fields printed without a label, where the guard does not apply: a shop's name and address head the slip, and a
 * free-text field of no known role ("what the agreement is about") is where following the instruction matters.
 */
const UNLABELLED_ROLES = new Set(['vendor', 'address', 'boolean', 'text']);
const MONEY_ROLES = new Set(['total', 'subtotal', 'tax', 'amount']);
const MONEY_LABELS = [
  ...roleLabels('total'),
  ...roleLabels('subtotal'),
  ...roleLabels('tax'),
  ...['amount', 'cash', 'paid', 'sum', 'due', 'balance', 'payable', 'price'].map((w) => [w]),
];

/**
 * The absent-field guard. A small model asked for a field a document does not have (an IBAN on a till receipt)
 * tends to copy some text that is there. So a value the layout pass did not also find needs a label of the field
 * (its name, the instruction's quoted label, the role's usual words: "total", "tel", ...) on the value's line or
 * the line above it (documents and images; not transcripts). Vendors, addresses and free text are exempt (UNLABELLED_ROLES), and so is a generic date (it must parse
 * as a date); a qualified date (`due_date`, `date_of_birth`) needs its own label. Returns the label's match
 * score (0..1; 0 for an exempt field), or null when no label is near.
 */
function labelNear(field: Field, doc: LayoutDocument, lines: readonly number[]): number | null {
  // speech names things in sentences, not under labels: a transcript's values are not held to one
  if (isTranscript(doc)) return 0;
  const role = roleOf(field);
  if (UNLABELLED_ROLES.has(role)) return 0;
  if (role === 'date' && isGenericDate(field)) return 0;
  // a money field is held to any money label ("total", "amount due", "tax"): users word the same total many ways
  const money =
    MONEY_ROLES.has(role) || (field.kind === 'leaf' && (field.type === 'number' || field.type === 'integer'));
  const phrases = [
    ...labelPhrases(field),
    ...(money ? MONEY_LABELS : role === 'identifier' || role === 'date' ? [] : roleLabels(role)),
  ];
  let best: number | null = null;
  for (const i of new Set(lines.flatMap((l) => [l, l - 1])))
    if (i >= 0 && i < doc.lines.length) {
      const hit = findLabel(tokensOf(doc.lines[i].words), phrases);
      if (hit && (best === null || hit.score > best)) best = hit.score;
    }
  return best;
}

type Spec = {
  name: string;
  type: PrimitiveType;
  inferenceType: 'explicit' | 'inferred';
  isoDate: boolean;
  /** the leaf field itself, when the absent-field guard applies (not table cells or list items) */
  field?: Field;
};

/** One value of the answer, grounded. `layout` is the layout pass's reading of the same field, if any. */
function readValue(
  spec: Spec,
  cell: { line: unknown; value: unknown },
  pointer: string,
  layout: FieldValue | undefined,
  ctx: Ctx,
): FieldValue {
  const base = {
    kind: 'value' as const,
    name: spec.name,
    type: spec.type,
    inferenceType: spec.inferenceType,
    ...(layout?.role ? { role: layout.role } : {}),
  };
  const empty = (reason: string): FieldValue => ({
    ...base,
    value: null,
    words: [],
    grounded: false,
    features: noFeatures(),
    confidence: 0,
    reason,
  });
  const value = typed(cell.value, spec.type, spec.isoDate, ctx.monthFirst);
  if (value === null) {
    if (cell.value !== null && cell.value !== undefined)
      return empty(
        `the model answered ${JSON.stringify(cell.value)}, which is not a ${spec.isoDate ? 'date' : spec.type}`,
      );
    const had =
      layout?.value !== null && layout?.value !== undefined
        ? ` (a layout pass had read ${JSON.stringify(layout.raw ?? layout.value)})`
        : '';
    return empty(`not in the document: the model found no value${had}`);
  }
  const line = lineOf(cell.line);
  const cites = line !== null && line >= 1 && line <= ctx.doc.lines.length;
  const opts = { monthFirst: ctx.monthFirst };
  const atLine = cites ? groundValue(value, near(ctx.doc, line), opts) : null;
  const anywhere = atLine ? null : groundValue(value, ctx.doc, opts);
  const g = atLine ?? anywhere;
  if (!g && spec.inferenceType === 'explicit')
    return empty(
      `the model answered ${JSON.stringify(value)}, which is not in the document${cites ? ` (it cited line ${line}: ${JSON.stringify(ctx.doc.lines[line - 1].text)})` : ''}: refused, not grounded`,
    );
  const words = g?.words ?? (cites ? ctx.doc.lines[line - 1].words : []);
  const layoutRead = layout?.value !== null && layout?.value !== undefined;
  let label = 0;
  if (spec.field && spec.inferenceType === 'explicit' && !layoutRead) {
    const at = [lineHolding(ctx.doc, words[0]), ...(cites ? [line - 1] : [])].filter((i) => i >= 0);
    const near = labelNear(spec.field, ctx.doc, at);
    if (near === null)
      return empty(
        `the model answered ${JSON.stringify(value)}${at.length ? ` (line ${at[0] + 1}: ${JSON.stringify(ctx.doc.lines[at[0]].text)})` : ''}, but no label of "${spec.name}" is on that line or the one above and the layout pass did not find the field: not accepted (a model asked for a field the document lacks copies other text)`,
      );
    label = near;
  }
  const probability = ctx.answer.probabilities?.get(`${pointer}/value`) ?? ctx.answer.probabilities?.get(pointer);
  return {
    ...base,
    value,
    raw: words.map((w) => w.text).join(' '),
    words,
    grounded: Boolean(g),
    features: {
      ocr: mean(words),
      label: Math.max(label, g?.score ?? 0),
      position: atLine ? 1 : anywhere ? 0.5 : 0,
      parse: 1,
      rule: 0,
      agreement: layoutRead && layout?.value != null ? agreementOf(layout.value, value) : 0,
      ...(probability !== undefined ? { model: probability } : {}),
      source: 'model',
    },
    confidence: 0,
  };
}

const specOf = (f: LeafField | ListField): Spec => ({
  name: f.name,
  type: f.kind === 'leaf' ? f.type : f.itemType,
  inferenceType: f.inferenceType,
  isoDate: (f.kind === 'leaf' ? f.type : f.itemType) === 'string' && isoHint(f),
});

function readTable(
  f: TableField,
  rows: unknown,
  layout: ResultTable | undefined,
  pointer: string,
  ctx: Ctx,
): ResultTable {
  // a table the layout pass read from the page's structure keeps every row and its cells' geometry
  if (layout?.rows.length) return layout;
  const columns = f.columns.filter((c): c is LeafField | ListField => c.kind === 'leaf' || c.kind === 'list');
  const out: ResultGroup[] = [];
  for (const [i, row] of (Array.isArray(rows) ? rows : []).entries()) {
    const r = obj(row);
    const children = columns.map((c) =>
      readValue(
        { ...specOf(c), name: c.name },
        { line: r.line, value: r[c.name] },
        `${pointer}/${i}/${pointerPart(c.name)}`,
        undefined,
        ctx,
      ),
    );
    if (children.some((c) => c.value !== null)) out.push({ kind: 'group', name: f.rowType, children });
  }
  return {
    kind: 'table',
    name: f.name,
    rows: out,
    ...(out.length ? {} : { reason: 'the model found no rows of this table' }),
  };
}

function readFields(
  fields: readonly Field[],
  answer: unknown,
  layout: readonly ResultNode[],
  pointer: string,
  ctx: Ctx,
): ResultNode[] {
  const a = obj(answer);
  return fields.map((f): ResultNode => {
    const at = `${pointer}/${pointerPart(f.name)}`;
    const before = layout.find((n) => n.name === f.name);
    switch (f.kind) {
      case 'leaf': {
        const cell = obj(a[f.name]);
        return readValue(
          { ...specOf(f), field: f },
          { line: cell.line, value: cell.value },
          at,
          before?.kind === 'value' ? before : undefined,
          ctx,
        );
      }
      case 'list': {
        const items = (Array.isArray(a[f.name]) ? (a[f.name] as unknown[]) : [])
          .map((item, i) =>
            readValue(specOf(f), { line: obj(item).line, value: obj(item).value }, `${at}/${i}`, undefined, ctx),
          )
          .filter((v) => v.value !== null);
        return {
          kind: 'list',
          name: f.name,
          items,
          ...(items.length ? {} : { reason: 'not in the document: the model found no items' }),
        };
      }
      case 'group':
        return {
          kind: 'group',
          name: f.name,
          children: readFields(f.fields, a[f.name], before?.kind === 'group' ? before.children : [], at, ctx),
        };
      default:
        return readTable(f, a[f.name], before?.kind === 'table' ? before : undefined, at, ctx);
    }
  });
}

/** The blueprint's result from the model's answer, grounded in `doc`; `layout` is the layout pass's result. */
export function resultFromAnswer(
  fields: readonly Field[],
  answer: ModelAnswer,
  doc: LayoutDocument,
  layout: readonly ResultNode[],
  opts: { monthFirst?: boolean } = {},
): ResultNode[] {
  return readFields(fields, answer.json, layout, '', { doc, answer, monthFirst: opts.monthFirst });
}
