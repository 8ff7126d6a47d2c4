/**
 * Extractive summaries without a model: TextRank (Mihalcea & Tarau, 2004) over sentences.
 *
 * Pure and explainable: every sentence of the summary is a sentence of the source, `picks` says which ones and
 * with what score, and `method` names the algorithm so outputs can state how a summary was written.
 * Hand-written (about 150 lines) because the npm TextRank packages are unmaintained, untyped or pull in NLP
 * toolkits many times this size; the algorithm itself is a power iteration over a similarity graph.
 *
 * Similarity between two sentences is the cosine of their term-frequency vectors (lower-cased words, stop words
 * removed, a crude plural/suffix fold), so two sentences sharing content words are linked in proportion to
 * what they share, and short sentences are not penalised the way the original overlap measure penalises them.
 */

export interface SummarySentence {
  text: string;
  /** anything the caller wants back for a picked sentence (page, time range, element id, ...) */
  ref?: unknown;
}
export interface SummaryOptions {
  /** the summary never exceeds this many words (a lone over-long top sentence is cut at a word boundary) */
  maxWords: number;
  maxSentences?: number;
}
export interface SummaryPick {
  /** index into the input array */
  index: number;
  /** TextRank score, normalised so the scores of all sentences sum to 1 */
  score: number;
  ref?: unknown;
}
export interface Summary {
  text: string;
  /** picked sentences in source order */
  picks: SummaryPick[];
  method: string;
}

export const SUMMARY_METHOD = 'extractive:textrank-cosine';

const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also us may might must shall let lets yes ok okay um uh oh like well ' +
    "get got going gonna really thing things i'm it's that's don't can't we're you're they're i've"
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** Words of a text in source order (letters/digits with inner apostrophes or hyphens). */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** A light suffix fold so "invoices"/"invoice" and "charged"/"charge" meet; not a full stemmer. */
function fold(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'");
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  return w;
}

/** Content terms of a sentence: folded words that are not stop words. */
export function terms(text: string): string[] {
  return words(text)
    .map((w) => w.toLowerCase())
    .filter((w) => !STOP_WORDS.has(w) && !(w.length === 1 && !/\d/.test(w)))
    .map(fold);
}

function vector(termList: string[]): Map<string, number> {
  const v = new Map<string, number>();
  for (const t of termList) v.set(t, (v.get(t) ?? 0) + 1);
  return v;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return dot / Math.sqrt(na * nb);
}

/**
 * TextRank scores (sum to 1). Sentences with no link to any other keep the teleport share only, so
 * a document of unrelated sentences ranks them by position (ties are broken by earlier-first downstream).
 */
export function rankSentences(sentences: readonly string[], damping = 0.85): number[] {
  const n = sentences.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  const vecs = sentences.map((s) => vector(terms(s)));
  const w: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = cosine(vecs[i], vecs[j]);
      w[i][j] = s;
      w[j][i] = s;
    }
  }
  const outSum = w.map((row) => row.reduce((a, b) => a + b, 0));
  let score = new Array<number>(n).fill(1 / n);
  for (let iter = 0; iter < 200; iter++) {
    // dangling sentences (no links) spread their score evenly, as in PageRank
    let dangling = 0;
    for (let j = 0; j < n; j++) if (outSum[j] === 0) dangling += score[j];
    const next = new Array<number>(n);
    let delta = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) if (w[j][i] > 0) sum += (w[j][i] / outSum[j]) * score[j];
      next[i] = (1 - damping) / n + damping * (sum + dangling / n);
      delta += Math.abs(next[i] - score[i]);
    }
    score = next;
    if (delta < 1e-9) break;
  }
  const total = score.reduce((a, b) => a + b, 0);
  return score.map((s) => s / total);
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cut a text to its first `max` words, keeping the source spelling and spacing between them. */
function leadingWords(text: string, max: number): string {
  if (max <= 0) return '';
  let count = 0;
  for (const m of text.matchAll(WORD)) {
    count++;
    if (count === max) return text.slice(0, (m.index ?? 0) + m[0].length);
  }
  return text;
}

/**
 * Pick the highest-ranked sentences that fit in `maxWords` (and `maxSentences`), and join them in source order.
 * Deterministic: equal scores go to the earlier sentence.
 */
export function summarize(sentences: readonly SummarySentence[], opts: SummaryOptions): Summary {
  const maxWords = Math.max(0, Math.floor(opts.maxWords));
  const maxSentences = opts.maxSentences ?? Number.POSITIVE_INFINITY;
  const texts = sentences.map((s) => clean(s.text ?? ''));
  const usable = texts.map((t, i) => ({ i, n: words(t).length })).filter((x) => x.n > 0);
  if (usable.length === 0 || maxWords === 0 || maxSentences <= 0)
    return { text: '', picks: [], method: SUMMARY_METHOD };
  const scores = rankSentences(usable.map((u) => texts[u.i]));
  const order = usable.map((u, k) => ({ ...u, score: scores[k] })).sort((a, b) => b.score - a.score || a.i - b.i);

  const chosen: typeof order = [];
  let used = 0;
  for (const cand of order) {
    if (chosen.length >= maxSentences) break;
    if (used + cand.n <= maxWords) {
      chosen.push(cand);
      used += cand.n;
    }
  }
  let truncated: string | undefined;
  if (chosen.length === 0) {
    // even the best sentence is too long: keep its leading words rather than return nothing
    chosen.push(order[0]);
    truncated = leadingWords(texts[order[0].i], maxWords);
  }
  chosen.sort((a, b) => a.i - b.i);
  const text = truncated ?? chosen.map((c) => texts[c.i]).join(' ');
  return {
    text,
    picks: chosen.map((c) => ({
      index: c.i,
      score: c.score,
      ...(sentences[c.i].ref !== undefined ? { ref: sentences[c.i].ref } : {}),
    })),
    method: SUMMARY_METHOD,
  };
}

/**
 * A short description (≤ maxWords words, default 10) built only from source words: the leading words of the
 * top-ranked sentence, without trailing stop words or dangling punctuation.
 */
export function describe(sentences: readonly SummarySentence[], maxWords = 10): string {
  const top = summarize(sentences, { maxWords: Number.MAX_SAFE_INTEGER, maxSentences: 1 });
  if (top.picks.length === 0) return '';
  let text = leadingWords(clean(sentences[top.picks[0].index].text), maxWords);
  // drop trailing stop words ("the invoice of the" → "the invoice") while something remains
  for (;;) {
    const ws = words(text);
    if (ws.length <= 1) break;
    const last = ws[ws.length - 1];
    if (!STOP_WORDS.has(last.toLowerCase())) break;
    const at = text.lastIndexOf(last);
    text = text.slice(0, at);
  }
  return text.replace(/[\s,;:–—-]+$/u, '').trim();
}

/**
 * Split running text into sentences for `summarize` (., !, ? or line breaks followed by a capital/digit).
 * Keeps abbreviations such as "e.g." or "Dr." and decimals such as "3.5" inside one sentence.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const parts = text.split(/(?<=[.!?])\s+(?=["'“([]?[\p{Lu}\p{N}])|\n{2,}/u);
  const abbrev = /\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|prof|inc|ltd|co|no|st|jr|sr)\.$/i;
  let carry = '';
  for (const p of parts) {
    const s = clean(carry ? `${carry} ${p}` : p);
    if (abbrev.test(s)) {
      carry = s;
      continue;
    }
    carry = '';
    if (s) out.push(s);
  }
  if (carry) out.push(carry);
  return out;
}
