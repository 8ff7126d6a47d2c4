/**
 * Typed parsing and normalisation of values copied from documents: ISO dates, amounts (either decimal
 * convention, currency symbols/codes), integers, booleans (yes/no, ticked boxes). Pure.
 */

const MONTHS: Record<string, number> = {};
[
  ['january', 'jan', 'janvier', 'janv', 'januar', 'januari', 'enero', 'gennaio', 'janeiro'],
  ['february', 'feb', 'fevrier', 'février', 'févr', 'fevr', 'februar', 'februari', 'febrero', 'febbraio', 'fevereiro'],
  ['march', 'mar', 'mars', 'märz', 'maerz', 'maart', 'marzo', 'março', 'mrt'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'aprile'],
  ['may', 'mai', 'mei', 'mayo', 'maggio', 'maio'],
  ['june', 'jun', 'juin', 'juni', 'junio', 'giugno', 'junho'],
  ['july', 'jul', 'juillet', 'juil', 'juli', 'julio', 'luglio', 'julho'],
  ['august', 'aug', 'août', 'aout', 'augustus', 'agosto'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'settembre', 'setembro'],
  ['october', 'oct', 'octobre', 'oktober', 'okt', 'octubre', 'ottobre', 'outubro'],
  ['november', 'nov', 'novembre', 'noviembre', 'novembro'],
  ['december', 'dec', 'décembre', 'decembre', 'déc', 'dezember', 'dez', 'diciembre', 'dicembre', 'dezembro'],
].forEach((names, i) => {
  for (const n of names) MONTHS[n] = i + 1;
});

const pad = (n: number) => String(n).padStart(2, '0');
function iso(y: number, m: number, d: number): string | null {
  if (y < 100) y += y < 70 ? 2000 : 1900;
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

export interface DateMatch {
  iso: string;
  /** the text that was read as the date */
  raw: string;
  index: number;
}

/**
 * Finds dates in text. Numeric dates are read day-first (dd/mm/yyyy) unless that is impossible or `monthFirst`
 * is set (US documents); ISO yyyy-mm-dd is always year-month-day.
 */
export function findDates(text: string, opts: { monthFirst?: boolean } = {}): DateMatch[] {
  const out: DateMatch[] = [];
  const push = (raw: string, index: number, v: string | null) => {
    if (v && !out.some((o) => o.index === index)) out.push({ iso: v, raw, index });
  };
  for (const m of text.matchAll(/\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/g))
    push(m[0], m.index ?? 0, iso(+m[1], +m[2], +m[3]));
  for (const m of text.matchAll(/\b(\d{1,2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?(\d{4}|\d{2})\b/g)) {
    const a = +m[1];
    const b = +m[2];
    const y = +m[3];
    const v = opts.monthFirst ? (iso(y, a, b) ?? iso(y, b, a)) : (iso(y, b, a) ?? iso(y, a, b));
    push(m[0], m.index ?? 0, v);
  }
  const monthWord = '([A-Za-zÀ-ÿ]{3,10})\\.?';
  for (const m of text.matchAll(
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th|er|\\.)?[\\s-]+${monthWord}[\\s,-]+(\\d{4}|\\d{2})\\b`, 'gu'),
  )) {
    const mo = MONTHS[m[2].toLowerCase()];
    if (mo) push(m[0], m.index ?? 0, iso(+m[3], mo, +m[1]));
  }
  for (const m of text.matchAll(
    new RegExp(`\\b${monthWord}[\\s-]+(\\d{1,2})(?:st|nd|rd|th)?,?[\\s-]+(\\d{4})\\b`, 'gu'),
  )) {
    const mo = MONTHS[m[1].toLowerCase()];
    if (mo) push(m[0], m.index ?? 0, iso(+m[3], mo, +m[2]));
  }
  return out.sort((a, b) => a.index - b.index);
}

export function parseDate(text: string, opts: { monthFirst?: boolean } = {}): string | null {
  return findDates(text, opts)[0]?.iso ?? null;
}

const CURRENCY_SYMBOLS: [RegExp, string][] = [
  [/€|\bEUR\b|\beuros?\b/i, 'EUR'],
  [/£|\bGBP\b/i, 'GBP'],
  [/₹|\bINR\b|\bRs\.?(?=\s|\d|$)/i, 'INR'],
  [/\bRM\b|\bMYR\b/i, 'MYR'],
  [/¥|\bJPY\b/i, 'JPY'],
  [/\bCHF\b/i, 'CHF'],
  [/\bCAD\b|C\$/i, 'CAD'],
  [/\bAUD\b|A\$/i, 'AUD'],
  [/\bUSD\b|US\$|\$/i, 'USD'],
];
export function findCurrency(text: string): string | null {
  for (const [re, code] of CURRENCY_SYMBOLS) if (re.test(text)) return code;
  return null;
}

export interface AmountMatch {
  value: number;
  raw: string;
  index: number;
  /** true when the number has a decimal part (2 digits), which amounts nearly always do */
  decimals: boolean;
}

/** Reads "1,234.56", "1.234,56", "1 234,56", "-12.00", "(12.00)", "12.-" as numbers. */
export function parseNumberText(raw: string): number | null {
  let s = raw.replace(/[^\d.,\-()\s']/g, '').trim();
  const negative = /^\(.*\)$/.test(s) || s.startsWith('-') || (/-$/.test(raw.trim()) && !/\d-$/.test(raw.trim()));
  s = s.replace(/[()\-\s']/g, '');
  if (!/\d/.test(s)) return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let normal: string;
  if (lastDot >= 0 && lastComma >= 0) {
    normal = lastDot > lastComma ? s.replace(/,/g, '') : s.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    const decimals = s.length - lastComma - 1;
    const commas = s.split(',').length - 1;
    normal = commas === 1 && decimals !== 3 ? s.replace(',', '.') : s.replace(/,/g, '');
  } else if (lastDot >= 0) {
    const dots = s.split('.').length - 1;
    const decimals = s.length - lastDot - 1;
    normal = dots > 1 || (decimals === 3 && dots === 1 && s.length > 4 && false) ? s.replace(/\./g, '') : s;
    if (dots > 1) {
      // 1.234.567,00 handled above; "1.234.567" is grouping
      normal = s.replace(/\./g, '');
    }
  } else normal = s;
  const v = Number.parseFloat(normal);
  if (!Number.isFinite(v)) return null;
  return negative ? -Math.abs(v) : v;
}

/** Every number in a text that looks like an amount, with its position. */
export function findAmounts(text: string): AmountMatch[] {
  const out: AmountMatch[] = [];
  for (const m of text.matchAll(
    /\(?-?\d{1,3}(?:[.,' ]\d{3})*(?:[.,]\d{1,2})?\)?-?(?!\d)|\(?-?\d+(?:[.,]\d{1,2})?\)?(?!\d)/g,
  )) {
    const raw = m[0].trim();
    const v = parseNumberText(raw);
    if (v === null) continue;
    // a value glued to letters ("A4", "No.53") is not an amount
    const before = text[(m.index ?? 0) - 1];
    if (before && /[A-Za-z]/.test(before)) continue;
    out.push({ value: v, raw, index: m.index ?? 0, decimals: /[.,]\d{1,2}\)?-?$/.test(raw) });
  }
  return out;
}

export function parseBoolean(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (/^(yes|y|true|oui|ja|si|sí|checked|selected|x|✓|✔|☑|☒|\[x\]|1)$/.test(t)) return true;
  if (/^(no|n|false|non|nein|unchecked|not selected|☐|\[ \]|0|none)$/.test(t)) return false;
  return null;
}

export type PrimitiveType = 'string' | 'number' | 'integer' | 'boolean';

export interface Parsed {
  ok: boolean;
  value: string | number | boolean | null;
}

/** Parses a raw string as a blueprint primitive; `hint` steers strings (dates to ISO when the instruction asks). */
export function parseTyped(
  raw: string,
  type: PrimitiveType,
  hint: { isoDate?: boolean; monthFirst?: boolean } = {},
): Parsed {
  const text = raw.trim();
  if (!text) return { ok: false, value: null };
  switch (type) {
    case 'number': {
      const a = findAmounts(text).filter((x) => !/^\d{4}$/.test(x.raw) || x.decimals);
      if (!a.length) return { ok: false, value: null };
      const best = a.find((x) => x.decimals) ?? a[0];
      return { ok: true, value: best.value };
    }
    case 'integer': {
      const m = text.replace(/[,\s.](?=\d{3}\b)/g, '').match(/-?\d+/);
      return m ? { ok: true, value: Number.parseInt(m[0], 10) } : { ok: false, value: null };
    }
    case 'boolean': {
      const b = parseBoolean(text);
      return b === null ? { ok: false, value: null } : { ok: true, value: b };
    }
    default: {
      if (hint.isoDate) {
        const d = parseDate(text, hint);
        return d ? { ok: true, value: d } : { ok: false, value: text };
      }
      return { ok: true, value: text };
    }
  }
}

/** Lower-case, accents removed, punctuation to spaces, collapsed. For fuzzy text comparison. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Levenshtein distance (iterative, two rows). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** 1 − normalised edit distance, on folded text. */
export function similarity(a: string, b: string): number {
  const x = fold(a);
  const y = fold(b);
  if (!x.length && !y.length) return 1;
  return 1 - editDistance(x, y) / Math.max(x.length, y.length);
}
