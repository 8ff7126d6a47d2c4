/**
 * Tables to arrays of row objects, from word geometry: find the header row (the visual row where most of the
 * table's column labels appear), turn each matched header into a column zone, then read the rows below it —
 * each word goes to the nearest zone; a row without any number continues the previous row's text (wrapped
 * descriptions); a totals row or a wide gap ends the table. Pure.
 */
import type { LeafField, TableField } from './dialect.ts';
import type { FieldValue, ResultGroup } from './evidence.ts';
import { noFeatures } from './evidence.ts';
import { groundValue } from './grounding.ts';
import { findLabel, labelPhrases, nameWords, roleOf, tokensOf } from './labels.ts';
import type { Box } from '../schemas/box.ts';
import type { LayoutDocument, LayoutLine, LayoutWord } from './layout.ts';
import { lineOf } from './layout.ts';
import { findAmounts, findDates, fold } from './normalize.ts';

const COLUMN_SYNONYMS: [RegExp, string[]][] = [
  [
    /desc|item|product|service|name|detail|particular|article/,
    [
      'description',
      'item',
      'items',
      'product',
      'details',
      'particulars',
      'service',
      'article',
      'omschrijving',
      'bezeichnung',
      'designation',
      'libelle',
      'name',
      'item description',
    ],
  ],
  [/qty|quantity|units|count/, ['qty', 'quantity', 'units', 'aantal', 'menge', 'qte', 'quantite', 'pcs', 'hours']],
  [
    /unit price|price|rate|unit cost/,
    ['unit price', 'price', 'rate', 'unit cost', 'prix unitaire', 'einzelpreis', 'prijs', 'price unit', 'u price'],
  ],
  [
    /amount|total|line total|net|value/,
    ['amount', 'total', 'line total', 'net', 'betrag', 'montant', 'bedrag', 'value', 'amount usd', 'gesamt'],
  ],
  [/date/, ['date', 'posted', 'transaction date', 'value date', 'datum']],
  [/debit|withdrawal/, ['debit', 'withdrawal', 'withdrawals', 'money out', 'paid out']],
  [/credit|deposit/, ['credit', 'deposit', 'deposits', 'money in', 'paid in']],
  [/balance/, ['balance', 'running balance']],
  [/current|period|this period/, ['current', 'this period', 'period']],
  [/ytd|year to date/, ['ytd', 'year to date']],
  [/hours/, ['hours', 'hrs']],
  [/code|sku|part/, ['code', 'sku', 'part no', 'item code', 'article no']],
];

function columnPhrases(col: LeafField): string[][] {
  const base = labelPhrases(col);
  const n = nameWords(col.name).join(' ');
  for (const [re, syns] of COLUMN_SYNONYMS) if (re.test(n)) for (const s of syns) base.push(fold(s).split(' '));
  return base;
}

const STOP =
  /^(sub\s?total|total|tax|vat|gst|balance|amount due|grand total|thank|net total|rounding|totaal|summe|gesamtbetrag|montant total)\b/i;

interface VisualRow {
  page: number;
  top: number;
  bottom: number;
  words: LayoutWord[];
}

function visualRows(lines: readonly LayoutLine[]): VisualRow[] {
  const rows: VisualRow[] = [];
  for (const l of lines) {
    const mid = l.box.top + l.box.height / 2;
    const r = rows.find((x) => x.page === l.page && mid > x.top && mid < x.bottom);
    if (r) {
      r.words.push(...l.words);
      r.top = Math.min(r.top, l.box.top);
      r.bottom = Math.max(r.bottom, l.box.top + l.box.height);
    } else rows.push({ page: l.page, top: l.box.top, bottom: l.box.top + l.box.height, words: [...l.words] });
  }
  for (const r of rows) r.words.sort((a, b) => a.box.left - b.box.left);
  return rows.sort((a, b) => a.page - b.page || a.top - b.top);
}

interface Zone {
  column: LeafField | null;
  left: number;
  right: number;
  score: number;
}

function distance(w: Box, z: Zone) {
  const l = w.left;
  const r = w.left + w.width;
  if (r >= z.left && l <= z.right) return 0;
  return l > z.right ? l - z.right : z.left - r;
}

export function extractTable(
  field: TableField,
  doc: LayoutDocument,
  _tokens: string[][],
  opts: { monthFirst?: boolean },
): { rows: ResultGroup[]; reason?: string } {
  const columns = field.columns.filter((c): c is LeafField => c.kind === 'leaf');
  if (!columns.length) return { rows: [], reason: 'table rows have no primitive columns' };
  const rows = visualRows(doc.lines);
  const phrases = columns.map(columnPhrases);
  let header: { index: number; zones: Zone[] } | null = null;
  const need = Math.min(2, columns.length);
  rows.forEach((row, index) => {
    const toks = tokensOf(row.words);
    const used = new Set<number>();
    const zones: Zone[] = [];
    columns.forEach((col, ci) => {
      const hit = findLabel(toks, phrases[ci]);
      if (!hit || hit.score < 0.8) return;
      for (let k = hit.start; k < hit.end; k++) if (used.has(k)) return;
      for (let k = hit.start; k < hit.end; k++) used.add(k);
      const ws = row.words.slice(hit.start, hit.end);
      zones.push({
        column: col,
        left: Math.min(...ws.map((w) => w.box.left)),
        right: Math.max(...ws.map((w) => w.box.left + w.box.width)),
        score: hit.score,
      });
    });
    const matched = zones.length;
    if (matched < need) return;
    // header words that name no blueprint column still own their zone, so their values do not leak
    row.words.forEach((w, k) => {
      if (!used.has(k) && /\p{L}/u.test(w.text))
        zones.push({ column: null, left: w.box.left, right: w.box.left + w.box.width, score: 0 });
    });
    if (!header || matched > header.zones.filter((z) => z.column).length) header = { index, zones };
  });
  if (!header) {
    const fromLayout = tableFromLayoutTables(field, columns, phrases, doc, opts);
    if (fromLayout) return fromLayout;
    return {
      rows: [],
      reason: `no header row naming at least ${need} of the columns (${columns.map((c) => c.name).join(', ')}) was found`,
    };
  }
  const { index, zones } = header as { index: number; zones: Zone[] };
  const headerRow = rows[index];
  const numeric = new Set(
    columns.filter((c) => c.type !== 'string' || ['amount', 'total', 'quantity'].includes(roleOf(c))),
  );
  const heights = rows.map((r) => r.bottom - r.top).sort((a, b) => a - b);
  const rowHeight = heights[Math.floor(heights.length / 2)] || 0.02;

  const out: { cells: Map<LeafField, LayoutWord[]>; hasNumber: boolean }[] = [];
  let prevBottom = headerRow.bottom;
  for (let i = index + 1; i < rows.length; i++) {
    const row = rows[i];
    if (row.page !== headerRow.page) break;
    if (row.top - prevBottom > rowHeight * 3.5) break;
    const text = row.words.map((w) => w.text).join(' ');
    if (STOP.test(text.trim()) || STOP.test(fold(text))) break;
    const cells = new Map<LeafField, LayoutWord[]>();
    for (const w of row.words) {
      let best: Zone | null = null;
      let bestD = Number.POSITIVE_INFINITY;
      for (const z of zones) {
        const d = distance(w.box, z);
        if (d < bestD) {
          best = z;
          bestD = d;
        }
      }
      if (best?.column) cells.set(best.column, [...(cells.get(best.column) ?? []), w]);
    }
    const hasNumber = [...cells.entries()].some(
      ([c, ws]) => numeric.has(c) && findAmounts(ws.map((w) => w.text).join(' ')).length > 0,
    );
    prevBottom = row.bottom;
    if (!hasNumber && numeric.size && out.length) {
      // a wrapped description: append its text to the previous row's text cells
      const last = out[out.length - 1];
      for (const [c, ws] of cells) if (!numeric.has(c)) last.cells.set(c, [...(last.cells.get(c) ?? []), ...ws]);
      continue;
    }
    if (!hasNumber && numeric.size) continue;
    out.push({ cells, hasNumber });
  }
  const score = (col: LeafField) => zones.find((z) => z.column === col)?.score ?? 0;
  const result: ResultGroup[] = out.map((r) => ({
    kind: 'group',
    name: field.rowType,
    children: columns.map((col): FieldValue => {
      const ws = r.cells.get(col) ?? [];
      const text = ws
        .map((w) => w.text)
        .join(' ')
        .trim();
      const role = roleOf(col);
      const base = { kind: 'value' as const, name: col.name, type: col.type, inferenceType: col.inferenceType, role };
      if (col.inferenceType === 'inferred') {
        return {
          ...base,
          value: null,
          words: [],
          grounded: false,
          features: noFeatures(),
          confidence: 0,
          reason: 'inferred field: needs a generative provider (none configured)',
        };
      }
      if (!text) {
        return {
          ...base,
          value: null,
          words: [],
          grounded: false,
          features: noFeatures(),
          confidence: 0,
          reason: score(col) ? 'empty cell' : 'column not found in the table header',
        };
      }
      let value: string | number | boolean | null = text;
      let parse = 1;
      let raw = text;
      let words = ws;
      if (col.type === 'number' || col.type === 'integer') {
        const a = findAmounts(text);
        const pick = a.filter((x) => x.decimals).pop() ?? a[a.length - 1];
        if (pick) {
          value = col.type === 'integer' ? Math.round(pick.value) : pick.value;
          raw = pick.raw;
          const inSpan = ws.filter((w) => w.text.includes(pick.raw.split(/\s/)[0]));
          if (inSpan.length) words = inSpan;
        } else {
          value = null;
          parse = 0;
        }
      } else if (role === 'date') {
        const d = findDates(text, opts)[0];
        if (d) value = /yyyy|iso/i.test(col.instruction) ? d.iso : d.raw;
        else parse = 0;
      }
      const ocr = words.reduce((a, w) => a + w.confidence, 0) / Math.max(1, words.length);
      return {
        ...base,
        value,
        raw,
        words,
        grounded: words.length > 0,
        features: {
          ocr,
          label: Math.max(0.5, score(col)),
          position: 0.9,
          parse,
          rule: 0,
          agreement: 0,
          source: 'table',
        },
        confidence: 0,
      };
    }),
  }));
  return { rows: result };
}

export { lineOf };

/**
 * Fallback when no header row is found in the words: the TABLE elements layout analysis found (cells as text).
 * Each cell is grounded back to words on the table's page; a cell that cannot be grounded stays ungrounded.
 */
function tableFromLayoutTables(
  field: TableField,
  columns: LeafField[],
  phrases: string[][][],
  doc: LayoutDocument,
  opts: { monthFirst?: boolean },
): { rows: ResultGroup[] } | null {
  for (const t of doc.tables) {
    const head = t.headers.length ? t.headers : (t.rows[0] ?? []);
    const body = t.headers.length ? t.rows : t.rows.slice(1);
    const colOf = new Map<LeafField, { index: number; score: number }>();
    columns.forEach((col, ci) => {
      let best: { index: number; score: number } | undefined;
      head.forEach((cell, index) => {
        const hit = findLabel(fold(cell).split(' ').filter(Boolean), phrases[ci]);
        if (hit && hit.score >= 0.8 && (!best || hit.score > best.score)) best = { index, score: hit.score };
      });
      if (best) colOf.set(col, best);
    });
    if (colOf.size < Math.min(2, columns.length)) continue;
    const page: LayoutDocument = { ...doc, lines: doc.lines.filter((l) => l.page === t.page) };
    const rows: ResultGroup[] = body
      .filter((r) => r.some((c) => c.trim()))
      .map((r) => ({
        kind: 'group' as const,
        name: field.rowType,
        children: columns.map((col): FieldValue => {
          const role = roleOf(col);
          const base = {
            kind: 'value' as const,
            name: col.name,
            type: col.type,
            inferenceType: col.inferenceType,
            role,
          };
          const at = colOf.get(col);
          const text = at ? (r[at.index] ?? '').trim() : '';
          if (!text || col.inferenceType === 'inferred') {
            return {
              ...base,
              value: null,
              words: [],
              grounded: false,
              features: noFeatures(),
              confidence: 0,
              reason: at ? 'empty cell' : 'column not found in the table header',
            };
          }
          let value: string | number | null = text;
          let parse = 1;
          if (col.type === 'number' || col.type === 'integer') {
            const a = findAmounts(text);
            const pick = a.filter((x) => x.decimals).pop() ?? a[a.length - 1];
            value = pick ? (col.type === 'integer' ? Math.round(pick.value) : pick.value) : null;
            parse = pick ? 1 : 0;
          } else if (role === 'date') {
            const d = findDates(text, opts)[0];
            if (d && /yyyy|iso/i.test(col.instruction)) value = d.iso;
            else if (!d) parse = 0;
          }
          const g = groundValue(text, page, { threshold: 0.8 });
          const words = g?.words ?? [];
          const ocr = words.reduce((s, w) => s + w.confidence, 0) / Math.max(1, words.length);
          return {
            ...base,
            value,
            raw: text,
            words,
            grounded: words.length > 0,
            features: {
              ocr,
              label: Math.max(0.5, at?.score ?? 0),
              position: 0.85,
              parse,
              rule: 0,
              agreement: 0,
              source: 'table',
            },
            confidence: 0,
          };
        }),
      }));
    if (rows.length) return { rows };
  }
  return null;
}
