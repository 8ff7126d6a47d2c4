/**
 * Matching a document (or a logical sub-document) to one of several blueprints, and splitting a packet into
 * logical sub-documents. Evidence, in the user's terms: does the page say what the document is ("INVOICE",
 * "Payslip") near its top, how many of the blueprint's field labels are printed on it, and how much of the
 * blueprint's description it shares. BDA's rules: one blueprint and no fallback → forced match with
 * confidence 1; nothing good enough → NO_MATCH (or FALLBACK to the fallback blueprint). Pure.
 */
import type { Blueprint, Field } from './dialect.ts';
import { findLabel, labelPhrases, nameWords, tokensOf } from './labels.ts';
import type { LayoutDocument } from './layout.ts';
import { fold } from './normalize.ts';

export interface MatchCandidate {
  arn: string;
  name: string;
  version?: string;
  blueprint: Blueprint;
}

/** Words that announce a document class on its first page (several languages). */
const CLASS_WORDS: [RegExp, string[]][] = [
  [/invoice|bill$/, ['invoice', 'tax invoice', 'facture', 'factuur', 'rechnung', 'fattura', 'factura']],
  [
    /receipt/,
    [
      'receipt',
      'cash bill',
      'cash sales',
      'official receipt',
      'sales receipt',
      'simplified tax invoice',
      'thank you',
      'cashier',
      'change',
    ],
  ],
  [
    /payslip|pay ?stub|earnings/,
    [
      'payslip',
      'pay slip',
      'pay stub',
      'paystub',
      'earnings statement',
      'salary slip',
      'pay statement',
      'net pay',
      'gross pay',
    ],
  ],
  [
    /bank ?statement|statement/,
    ['bank statement', 'statement of account', 'account statement', 'opening balance', 'closing balance'],
  ],
  [/w ?2/, ['w 2', 'wage and tax statement']],
  [
    /driver|licen[cs]e|id ?card/,
    ['driver license', 'drivers license', 'driver licence', 'driving licence', 'identity card', 'id card'],
  ],
  [/passport/, ['passport', 'passeport', 'reisepass']],
  [/utility/, ['utility bill', 'electricity', 'gas bill', 'water bill', 'meter reading', 'kwh']],
  [/purchase ?order/, ['purchase order', 'p o number', 'po number']],
];

function classPhrases(bp: Blueprint): string[][] {
  const cls = nameWords(bp.class).join(' ');
  const out = new Set<string>([cls]);
  for (const [re, words] of CLASS_WORDS) if (re.test(cls)) for (const w of words) out.add(w);
  return [...out].map((p) => p.split(' '));
}

function leafFields(fields: readonly Field[]): Field[] {
  return fields.flatMap((f) =>
    f.kind === 'group' ? leafFields(f.fields) : f.kind === 'table' ? leafFields(f.columns) : [f],
  );
}

export interface BlueprintScore {
  index: number;
  /** 0..1 evidence that the document is of this blueprint's class */
  score: number;
  classHit: number;
  coverage: number;
  overlap: number;
}

/** Scores one blueprint against a document (or a page range of it). */
export function scoreBlueprint(
  bp: Blueprint,
  doc: LayoutDocument,
  pages?: ReadonlySet<number>,
): Omit<BlueprintScore, 'index'> {
  const lines = doc.lines.filter((l) => !pages || pages.has(l.page));
  if (!lines.length) return { score: 0, classHit: 0, coverage: 0, overlap: 0 };
  const tokens = lines.map((l) => tokensOf(l.words));
  // class words: strongest near the top of a page (a title), weaker elsewhere
  const cls = classPhrases(bp);
  let classHit = 0;
  lines.forEach((l, i) => {
    const hit = findLabel(tokens[i], cls);
    if (!hit || hit.score < 0.85) return;
    const title = hit.phrase === cls[0].join(' ') ? 1 : 0.8;
    const top = l.box.top < 0.3 ? 1 : 0.6;
    classHit = Math.max(classHit, hit.score * title * top);
  });
  // label coverage: share of explicit leaves whose label is printed
  const leaves = leafFields(bp.fields).filter((f) => f.kind !== 'leaf' || f.inferenceType === 'explicit');
  let found = 0;
  for (const f of leaves) {
    const phrases = labelPhrases(f).filter((p) => p.length > 1 || p[0].length > 4);
    if (phrases.length && tokens.some((t) => (findLabel(t, phrases)?.score ?? 0) >= 0.85)) found++;
  }
  const coverage = leaves.length ? found / leaves.length : 0;
  // description overlap: share of the description's content words that occur in the document
  const docWords = new Set(tokens.flat());
  const desc = fold(`${bp.description} ${bp.class}`)
    .split(' ')
    .filter((w) => w.length > 3);
  const overlap = desc.length ? desc.filter((w) => docWords.has(w)).length / desc.length : 0;
  const score = Math.min(1, 0.5 * classHit + 0.35 * coverage + 0.15 * overlap);
  return { score, classHit, coverage, overlap };
}

export type MatchStatus = 'MATCH' | 'NO_MATCH' | 'FALLBACK';
export interface MatchResult {
  status: MatchStatus;
  /** index into the candidates (or -1 with NO_MATCH; the fallback is not in `candidates`) */
  index: number;
  confidence: number;
  scores: BlueprintScore[];
}

/** Below this evidence a document is not of any of the blueprints' classes. */
export const MATCH_THRESHOLD = 0.22;

export function matchBlueprint(
  candidates: readonly MatchCandidate[],
  doc: LayoutDocument,
  opts: { hasFallback?: boolean; pages?: ReadonlySet<number> } = {},
): MatchResult {
  if (candidates.length === 1 && !opts.hasFallback) {
    // BDA: a single blueprint is applied without a matcher
    return {
      status: 'MATCH',
      index: 0,
      confidence: 1,
      scores: [{ index: 0, score: 1, classHit: 1, coverage: 1, overlap: 1 }],
    };
  }
  const scores = candidates.map((c, index) => ({ index, ...scoreBlueprint(c.blueprint, doc, opts.pages) }));
  const ranked = [...scores].sort((a, b) => b.score - a.score || a.index - b.index);
  const best = ranked[0];
  if (!best || best.score < MATCH_THRESHOLD) {
    return {
      status: opts.hasFallback ? 'FALLBACK' : 'NO_MATCH',
      index: -1,
      confidence: best ? Math.round((1 - best.score) * 1e4) / 1e4 : 1,
      scores,
    };
  }
  // confidence: softmax margin over the others, scaled by how strong the evidence is
  const temp = 0.08;
  const z = ranked.map((r) => Math.exp((r.score - best.score) / temp));
  const share = 1 / z.reduce((a, b) => a + b, 0);
  const strength = Math.min(1, best.score / 0.6);
  const confidence = Math.round(Math.min(0.999, share * (0.5 + 0.5 * strength)) * 1e4) / 1e4;
  return { status: 'MATCH', index: best.index, confidence, scores };
}

export interface SplitSegment {
  pageIndices: number[];
}

/**
 * Splits a packet into logical sub-documents: a page starts a new document when it is better explained by
 * another blueprint than the current document's, or when it opens with a class title (e.g. a second invoice)
 * and does not say it continues ("page 2", "continued"). Pages without evidence stay with the document before.
 */
export function splitDocument(candidates: readonly MatchCandidate[], doc: LayoutDocument): SplitSegment[] {
  const pages = Array.from({ length: doc.pageCount }, (_, i) => i);
  if (pages.length <= 1 || candidates.length === 0) return [{ pageIndices: pages }];
  const segments: { pages: number[]; cls: number }[] = [];
  for (const p of pages) {
    const set = new Set([p]);
    const scores = candidates.map((c) => scoreBlueprint(c.blueprint, doc, set));
    let best = 0;
    scores.forEach((s, i) => {
      if (s.score > scores[best].score) best = i;
    });
    const pageText = fold(
      doc.lines
        .filter((l) => l.page === p)
        .map((l) => l.text)
        .join(' '),
    );
    const continues =
      /\b(page ([2-9]|\d\d)|continued|suite|vervolg|fortsetzung)\b/.test(pageText) && !/\bpage 1\b/.test(pageText);
    const cur = segments[segments.length - 1];
    const strong = scores[best].score >= MATCH_THRESHOLD;
    const titled = scores[best].classHit >= 0.8;
    if (!cur) segments.push({ pages: [p], cls: strong ? best : -1 });
    else if (strong && !continues && (cur.cls !== best || titled) && cur.cls !== -1)
      segments.push({ pages: [p], cls: best });
    else if (strong && cur.cls === -1) {
      cur.pages.push(p);
      cur.cls = best;
    } else cur.pages.push(p);
  }
  return segments.map((s) => ({ pageIndices: s.pages }));
}

/** The part of a layout on some pages (page numbers keep their place in the whole file). */
export function pagesOf(doc: LayoutDocument, pageIndices: readonly number[]): LayoutDocument {
  const set = new Set(pageIndices);
  return {
    pageCount: doc.pageCount,
    lines: doc.lines.filter((l) => set.has(l.page)),
    tables: doc.tables.filter((t) => set.has(t.page)),
  };
}
