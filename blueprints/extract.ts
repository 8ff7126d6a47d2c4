/**
 * Field extraction without a model (the embedded default): for every explicit field, find its label on the
 * page (name-, synonym- and instruction-aware, fuzzy), take the value beside, after or below it, parse it into
 * the declared type and keep the words it came from. Tables become arrays of row objects (header line →
 * column zones → rows), lists collect the items after their label. Fields with a semantic role (vendor, address,
 * date, total) fall back to layout cues when no label is printed, with a lower confidence. Inferred fields are
 * left to a generative provider (null with a reason here). Pure.
 */

import { unionBox } from '../schemas/box.ts';
import type { Blueprint, Field, LeafField, ListField, TableField } from './dialect.ts';
import type { Candidate } from './candidate.ts';
import type { FieldValue, ResultGroup, ResultNode, ResultTable } from './evidence.ts';
import { noFeatures } from './evidence.ts';
import { findLabel, isGenericDate, labelPhrases, nameWords, type Role, roleOf, tokensOf } from './labels.ts';
import type { LayoutDocument, LayoutLine, LayoutWord } from './layout.ts';
import { findAmounts, findCurrency, findDates, fold, parseBoolean, parseTyped } from './normalize.ts';
import { addressAfter, vendorAtTop } from './page-top.ts';
import { type KeyValuePair, keyValuePairs } from './pairs.ts';
import { extractTable } from './table-fields.ts';

export interface ExtractOptions {
  /** read numeric dates month-first (US) */
  monthFirst?: boolean;
}

interface Ctx {
  doc: LayoutDocument;
  tokens: string[][];
  /** label phrases of every field of the blueprint, to stop a value where the next label starts */
  allPhrases: string[][];
  opts: ExtractOptions;
  /** the form's generic key → value pairs (blueprints/pairs.ts) with their keys' tokens, computed once, on first use */
  pairs: () => { pair: KeyValuePair; keyTokens: string[] }[];
}

const ocrOf = (words: readonly LayoutWord[]) =>
  words.length ? words.reduce((a, w) => a + w.confidence, 0) / words.length : 0;
const SEPARATORS = /^[:\-–—=#.|]+$/;
const TOTAL_EXCLUDE =
  /\b(sub|subtotal|qty|quantity|excl|exclusive|discount|saving|savings|items?|rounding|change|tendered|before)\b/i;

function scoreOf(c: Candidate): number {
  return c.label * c.position * (c.parse ? 1 : 0.35) * Math.sqrt(Math.max(0.05, ocrOf(c.words)));
}

/** Words of `words` that overlap the character span [start, end) of their ' '-joined text. */
function wordsInSpan(words: readonly LayoutWord[], start: number, end: number): LayoutWord[] {
  const out: LayoutWord[] = [];
  let pos = 0;
  for (const w of words) {
    const s = pos;
    const e = pos + w.text.length;
    if (e > start && s < end) out.push(w);
    pos = e + 1;
  }
  return out;
}

function textOf(words: readonly LayoutWord[]) {
  return words.map((w) => w.text).join(' ');
}

/** Whether a text field holds a date the blueprint wants as an ISO day (by its instruction or its name). */
export function isoHint(field: LeafField | ListField) {
  return /yyyy|iso|date/i.test(field.instruction) || /date|dob/i.test(nameWords(field.name).join(' '));
}

/** Takes the part of `words` that holds a value of the field's type. */
function valueFrom(
  words: LayoutWord[],
  field: LeafField | ListField,
  role: Role,
  ctx: Ctx,
): Omit<Candidate, 'label' | 'position' | 'source'> | null {
  let ws = words;
  while (ws.length && SEPARATORS.test(ws[0].text)) ws = ws.slice(1);
  if (!ws.length) return null;
  const text = textOf(ws);
  const type = field.kind === 'leaf' ? field.type : field.itemType;
  if (role === 'date' && type === 'string') {
    const d = findDates(text, ctx.opts)[0];
    if (!d) return { words: ws, raw: text, value: text, parse: 0 };
    const span = wordsInSpan(ws, d.index, d.index + d.raw.length);
    return { words: span, raw: d.raw, value: isoHint(field) ? d.iso : d.raw, parse: 1 };
  }
  if (
    type === 'number' ||
    type === 'integer' ||
    ((role === 'total' || role === 'subtotal' || role === 'tax') && type === 'string')
  ) {
    const amounts = findAmounts(text).filter(
      (a) => !(a.raw.length === 4 && /^\d{4}$/.test(a.raw) && !a.decimals) || type === 'integer',
    );
    if (!amounts.length) return { words: ws, raw: text, value: null, parse: 0 };
    // amounts with decimals beat bare integers ("Qty 3 ... 9.00"); the last such one is the usual layout
    const withDecimals = amounts.filter((a) => a.decimals);
    const a =
      type === 'integer'
        ? amounts[0]
        : withDecimals.length
          ? withDecimals[withDecimals.length - 1]
          : amounts[amounts.length - 1];
    const span = wordsInSpan(ws, a.index, a.index + a.raw.length);
    const value = type === 'integer' ? Math.round(a.value) : type === 'string' ? a.raw : a.value;
    // money is printed with decimals; a bare integer under a total label is usually a count ("Total Qty: 6")
    const money = role === 'total' || role === 'subtotal' || role === 'tax';
    return { words: span, raw: a.raw, value, parse: money && !a.decimals ? 0.8 : 1 };
  }
  if (type === 'boolean') {
    for (const w of ws.slice(0, 3)) {
      const b = parseBoolean(w.text);
      if (b !== null) return { words: [w], raw: w.text, value: b, parse: 1 };
    }
    return null;
  }
  if (role === 'currency') {
    const c = findCurrency(text);
    return c ? { words: ws.slice(0, 1), raw: ws[0].text, value: c, parse: 1 } : null;
  }
  // strings: stop where another field's label starts
  let cut = ws.length;
  const toks = tokensOf(ws);
  for (let i = 1; i < toks.length; i++) {
    const hit = findLabel(toks.slice(i, i + 4), ctx.allPhrases);
    if (hit && hit.start === 0 && hit.score >= 0.9 && (hit.end > 1 || /:$/.test(ws[i].text))) {
      cut = i;
      break;
    }
  }
  ws = ws.slice(0, cut);
  if (role === 'identifier') {
    const i = ws.findIndex((w) => /\d/.test(w.text));
    // identifiers nearly always carry a digit; a word without one ("Summary", "at") is not the value
    if (i < 0 || i > 2) return null;
    const pick = ws.slice(i, i + 1);
    const raw = textOf(pick)
      .replace(/^[#:]+/, '')
      .replace(/[,;:.]+$/, '');
    return raw ? { words: pick, raw, value: raw, parse: 1 } : null;
  }
  if (role === 'phone') {
    const m = /\+?\(?\d[\d\s().-]{5,}\d/.exec(textOf(ws));
    if (!m) return null;
    return { words: wordsInSpan(ws, m.index, m.index + m[0].length), raw: m[0], value: m[0], parse: 1 };
  }
  if (role === 'email') {
    const w = ws.find((x) => /@/.test(x.text));
    return w ? { words: [w], raw: w.text, value: w.text, parse: 1 } : null;
  }
  const raw = textOf(ws).trim();
  if (!raw) return null;
  const p = parseTyped(raw, 'string', { isoDate: false });
  return { words: ws, raw, value: p.value, parse: p.ok ? 1 : 0 };
}

function sameRow(a: LayoutLine, b: LayoutLine) {
  const ca = a.box.top + a.box.height / 2;
  const cb = b.box.top + b.box.height / 2;
  return a.page === b.page && Math.abs(ca - cb) < Math.max(a.box.height, b.box.height) * 0.6;
}

function labelCandidates(field: LeafField | ListField, role: Role, ctx: Ctx, phrases: string[][]): Candidate[] {
  const { doc } = ctx;
  const out: Candidate[] = [];
  doc.lines.forEach((line, li) => {
    const hit = findLabel(ctx.tokens[li], phrases);
    if (!hit || hit.score < 0.75) return;
    let label = hit.score;
    const after = line.words.slice(hit.end);
    const before = line.words.slice(0, hit.start);
    if (
      role === 'total' &&
      TOTAL_EXCLUDE.test(
        `${textOf(before)} ${line.words
          .slice(hit.start, hit.end + 2)
          .map((w) => w.text)
          .join(' ')}`,
      )
    )
      label *= 0.55;
    if (
      role === 'total' &&
      /\b(gst|tax|vat)\b/i.test(textOf(line.words.slice(hit.end, hit.end + 1))) &&
      !/incl/i.test(line.text)
    )
      label *= 0.6;
    // a label deep inside a sentence is weaker than one starting the line
    if (hit.start > 3) label *= 0.9;
    const labelWords = line.words.slice(hit.start, hit.end);
    const labelBox = unionBox(labelWords.map((w) => w.box));
    const push = (words: LayoutWord[], position: number) => {
      if (!words.length) return;
      const v = valueFrom(words, field, role, ctx);
      // a total of zero is nearly always a zero-rated tax or rounding line printed under a "total" label
      if (v && role === 'total' && v.value === 0) v.parse = 0.5;
      if (v) out.push({ ...v, label, position, source: 'label' });
    };
    push(after, 1);
    // the nearest line to the right on the same row
    const right = doc.lines
      .filter((l) => l !== line && sameRow(l, line) && l.box.left >= line.box.left + line.box.width - 0.005)
      .sort((a, b) => a.box.left - b.box.left)[0];
    if (right && (after.length === 0 || after.every((w) => SEPARATORS.test(w.text)))) push(right.words, 0.95);
    else if (right) push(right.words, 0.8);
    // the nearest line below that overlaps the label horizontally
    const bottom = line.box.top + line.box.height;
    const below = doc.lines
      .filter(
        (l) =>
          l.page === line.page &&
          l.box.top >= bottom - line.box.height * 0.3 &&
          l.box.top - bottom < line.box.height * 2.5 &&
          l.box.left < labelBox.left + labelBox.width + 0.02 &&
          l.box.left + l.box.width > labelBox.left - 0.02,
      )
      .sort((a, b) => a.box.top - b.box.top)[0];
    if (below) push(below.words, after.length ? 0.7 : 0.85);
  });
  // the form pairing is the fallback: when the line search found a value that parses, it stands
  if (!out.some((c) => c.parse > 0)) out.push(...pairCandidates(field, role, ctx, phrases));
  return out;
}

/**
 * Values the generic form pairing found for a key that names this field: it knows form shapes the
 * line-by-line search above does not (a column heading over its cells, a key printed on two lines, a value
 * wrapped onto the next line, a check mark beside its label).
 */
function pairCandidates(field: LeafField | ListField, role: Role, ctx: Ctx, phrases: string[][]): Candidate[] {
  const out: Candidate[] = [];
  for (const { pair, keyTokens } of ctx.pairs()) {
    const hit = findLabel(keyTokens, phrases);
    // the field's label must be most of the key, not one word of a longer one ("date" in "date of birth")
    if (!hit || hit.score < 0.75 || (hit.end - hit.start) / keyTokens.length < 0.6) continue;
    const v = valueFrom(pair.valueWords, field, role, ctx);
    if (v) out.push({ ...v, label: hit.score, position: 0.9, source: 'label' });
  }
  return out;
}

function roleFallback(field: LeafField | ListField, role: Role, ctx: Ctx): Candidate | null {
  const { doc } = ctx;
  if (role === 'vendor' || (role === 'person' && /vendor|merchant|company|store/i.test(field.instruction)))
    return vendorAtTop(ctx.doc)?.cand ?? null;
  if (role === 'address') {
    const v = vendorAtTop(ctx.doc);
    return addressAfter(ctx.doc, v ? v.line : -1);
  }
  // a qualified date (`due_date`) is read only under its own label, never as "the first date on the page"
  if (role === 'date' && isGenericDate(field)) {
    for (const l of doc.lines) {
      const d = findDates(l.text, ctx.opts)[0];
      if (d) {
        const v = valueFrom(l.words, field, role, ctx);
        if (v) return { ...v, label: 0.4, position: 0.7, source: 'layout' };
      }
    }
    return null;
  }
  if (role === 'total') {
    let best: Candidate | null = null;
    for (const l of doc.lines) {
      for (const a of findAmounts(l.text)) {
        if (!a.decimals) continue;
        if (!best || a.value > (best.value as number)) {
          const words = wordsInSpan(l.words, a.index, a.index + a.raw.length);
          best = {
            words,
            raw: a.raw,
            value: field.kind === 'leaf' && field.type === 'string' ? a.raw : a.value,
            parse: 1,
            label: 0.3,
            position: 0.6,
            source: 'layout',
          };
        }
      }
    }
    return best;
  }
  if (role === 'currency') {
    for (const l of doc.lines) {
      const c = findCurrency(l.text);
      if (c)
        return {
          words: l.words.filter((w) => findCurrency(w.text)).slice(0, 1),
          raw: c,
          value: c,
          parse: 1,
          label: 0.4,
          position: 0.7,
          source: 'layout',
        };
    }
  }
  return null;
}

function toValue(field: LeafField | ListField, role: Role, c: Candidate | null, reasonIfNone: string): FieldValue {
  const type = field.kind === 'leaf' ? field.type : field.itemType;
  if (!c) {
    return {
      kind: 'value',
      name: field.name,
      type,
      inferenceType: field.inferenceType,
      value: null,
      words: [],
      grounded: false,
      features: noFeatures(),
      confidence: 0,
      reason: reasonIfNone,
      role,
    };
  }
  return {
    kind: 'value',
    name: field.name,
    type,
    inferenceType: field.inferenceType,
    value: c.value,
    raw: c.raw,
    words: c.words,
    grounded: c.words.length > 0,
    features: {
      ocr: ocrOf(c.words),
      label: c.label,
      position: c.position,
      parse: c.parse,
      rule: 0,
      agreement: 0,
      source: c.source,
    },
    confidence: 0,
    role,
  };
}

function extractLeaf(field: LeafField, ctx: Ctx, extraPhrases: string[][] = []): FieldValue {
  const role = roleOf(field);
  if (field.inferenceType === 'inferred') {
    return toValue(field, role, null, 'inferred field: needs a generative provider (none configured)');
  }
  const phrases = [...labelPhrases(field), ...extraPhrases];
  const cands = labelCandidates(field, role, ctx, phrases);
  // a value that parses into the declared type beats one that does not, whatever the label score
  let best =
    cands.sort(
      (a, b) =>
        b.parse - a.parse || scoreOf(b) - scoreOf(a) || (role === 'total' ? Number(b.value) - Number(a.value) : 0),
    )[0] ?? null;
  if (!best?.parse) {
    const fb = roleFallback(field, role, ctx);
    if (fb && (!best?.parse || scoreOf(fb) > scoreOf(best))) best = fb;
  }
  return toValue(field, role, best, 'no label or value for this field was found in the document');
}

function extractList(field: ListField, ctx: Ctx): ResultNode {
  const role = roleOf(field);
  if (field.inferenceType === 'inferred') {
    return {
      kind: 'list',
      name: field.name,
      items: [],
      reason: 'inferred field: needs a generative provider (none configured)',
    };
  }
  const phrases = labelPhrases(field);
  const { doc } = ctx;
  let bestLine = -1;
  let bestHit: ReturnType<typeof findLabel> = null;
  doc.lines.forEach((_, li) => {
    const hit = findLabel(ctx.tokens[li], phrases);
    if (hit && hit.score >= 0.8 && (!bestHit || hit.score > bestHit.score)) {
      bestHit = hit;
      bestLine = li;
    }
  });
  if (bestLine < 0 || !bestHit)
    return { kind: 'list', name: field.name, items: [], reason: 'no label for this list was found in the document' };
  const hit = bestHit as NonNullable<ReturnType<typeof findLabel>>;
  const line = doc.lines[bestLine];
  const items: FieldValue[] = [];
  const add = (words: LayoutWord[], position: number) => {
    // items on one line are separated by commas or semicolons
    let group: LayoutWord[] = [];
    const flush = () => {
      const v = group.length ? valueFrom(group, field, role, ctx) : null;
      if (v?.raw.replace(/[,;]/g, '').trim())
        items.push(toValue(field, role, { ...v, label: hit.score, position, source: 'label' }, ''));
      group = [];
    };
    for (const w of words) {
      if (SEPARATORS.test(w.text) && group.length === 0) continue;
      group.push(w);
      if (/[,;]$/.test(w.text)) flush();
    }
    flush();
  };
  add(line.words.slice(hit.end), 1);
  // following lines that start at about the same x as the value column, until a gap or another label
  let prev = line;
  for (let i = bestLine + 1; i < doc.lines.length && items.length < 50; i++) {
    const l = doc.lines[i];
    if (l.page !== line.page || l.box.top - (prev.box.top + prev.box.height) > prev.box.height * 1.5) break;
    if (sameRow(l, line)) continue;
    if (Math.abs(l.box.left - line.box.left) > 0.15 && l.box.left < line.box.left - 0.02) break;
    const other = findLabel(ctx.tokens[i], ctx.allPhrases);
    if (other && other.start === 0 && other.score >= 0.9) break;
    add(l.words, 0.85);
    prev = l;
  }
  return { kind: 'list', name: field.name, items };
}

function extractField(field: Field, ctx: Ctx, parentWords: string[] = []): ResultNode {
  switch (field.kind) {
    case 'leaf':
      return extractLeaf(field, ctx, parentWords.length ? [[...parentWords, ...nameWords(field.name)]] : []);
    case 'list':
      return extractList(field, ctx);
    case 'group':
      return {
        kind: 'group',
        name: field.name,
        children: field.fields.map((f) => extractField(f, ctx, nameWords(field.name))),
      } satisfies ResultGroup;
    case 'table':
      return extractTableField(field, ctx);
  }
}

function extractTableField(field: TableField, ctx: Ctx): ResultTable {
  const t = extractTable(field, ctx.doc, ctx.tokens, ctx.opts);
  return { kind: 'table', name: field.name, rows: t.rows, ...(t.reason ? { reason: t.reason } : {}) };
}

function phrasesOfAll(fields: readonly Field[]): string[][] {
  const out: string[][] = [];
  for (const f of fields) {
    if (f.kind === 'group') out.push(...phrasesOfAll(f.fields));
    else if (f.kind === 'table') continue;
    else out.push(...labelPhrases(f).filter((p) => p.length > 1 || p[0].length > 3));
  }
  return out;
}

/** Extracts every field of a blueprint from a document's layout. Confidences are filled in by `scoreResult`. */
export function extractFields(bp: Blueprint, doc: LayoutDocument, opts: ExtractOptions = {}): ResultNode[] {
  let pairs: { pair: KeyValuePair; keyTokens: string[] }[] | undefined;
  const ctx: Ctx = {
    doc,
    tokens: doc.lines.map((l) => tokensOf(l.words)),
    allPhrases: phrasesOfAll(bp.fields),
    opts,
    pairs: () => {
      pairs ??= keyValuePairs(doc).map((pair) => ({ pair, keyTokens: tokensOf(pair.keyWords).filter(Boolean) }));
      return pairs;
    },
  };
  return bp.fields.map((f) => extractField(f, ctx));
}

export { fold };
