/**
 * Sensitive data (PII) in text, for the types whose form proves them: e-mail addresses, phone numbers, payment card
 * numbers (Luhn checksum and a card network's prefix) and IBANs (country length and ISO 7064 mod-97 check digits).
 * Each detection carries its BDA entity type, its character span and the evidence it was accepted on; redaction
 * replaces the spans with BDA's masks (`[PII]`, or the entity type: `[EMAIL]`). Pure.
 */

export type SensitiveDataType = 'EMAIL' | 'PHONE' | 'CREDIT_DEBIT_CARD_NUMBER' | 'INTERNATIONAL_BANK_ACCOUNT_NUMBER';
export const SENSITIVE_DATA_TYPES: readonly SensitiveDataType[] = [
  'EMAIL',
  'PHONE',
  'CREDIT_DEBIT_CARD_NUMBER',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
];

export interface SensitiveDataDetection {
  type: SensitiveDataType;
  /** character offsets in the text, end exclusive */
  start: number;
  end: number;
  text: string;
  /** why it was accepted, in words (e.g. "Luhn checksum valid, Visa prefix 4") */
  evidence: string;
  confidence: number;
}

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** The Luhn (mod 10) checksum of a card number's digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The card network a number's prefix and length belong to, or null. */
export function cardNetwork(digits: string): string | null {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'Visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'Mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'American Express';
  if ((digits.startsWith('6011') || digits.startsWith('65') || (p4 >= 6440 && p4 <= 6499)) && n >= 16 && n <= 19)
    return 'Discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'JCB';
  if ((p2 === 36 || p2 === 38 || (p4 >= 3000 && p4 <= 3059)) && n === 14) return 'Diners Club';
  return null;
}

/** IBAN lengths per country (ISO 13616 registry, the SEPA countries and the most common others). */
// biome-ignore format: a table
const IBAN_LENGTH: Record<string, number> = {
  AD: 24, AE: 23, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22,
  DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21,
  MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** ISO 7064 mod 97-10 over an IBAN (letters as 10..35, the first four characters moved to the end): 1 when valid. */
export function ibanMod97(iban: string): number {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rest = (v > 9 ? rest * 100 + v : rest * 10 + v) % 97;
  }
  return rest;
}

const EMAIL =
  /(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
/** 12–19 digits in groups of 2–6, separated by single spaces or hyphens */
const CARD = /(?<![\w-])\d{2,6}(?:[ -]?\d{2,6}){1,6}(?![\w-])/g;
/** two letters, two check digits, then 11–30 letters and digits, optionally in groups of four */
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
/** an optional +country code, then digit groups with spaces, hyphens, dots or an area code in parentheses */
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,8}(?:[ .-]\d{1,8}){0,5}(?![\w])/g;
const PHONE_WORDS =
  /(?:\b(?:tel|tél|telephone|téléphone|phone|ph|fax|mobile|mob|cell|call|hp|telefon|tlf|contact)\b\.?|\bno\.?)\s*[:.#]?\s*$/i;
/** a date (also one a time follows: `04-05-2018 16:07`) */
const DATE_LIKE = /^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2}$)|\d{4}[./-]\d{1,2}[./-]\d{1,2})/;

function emails(text: string): SensitiveDataDetection[] {
  return [...text.matchAll(EMAIL)].map((m) => ({
    type: 'EMAIL' as const,
    start: m.index,
    end: m.index + m[0].length,
    text: m[0],
    evidence: `address form local@domain.${m[0].split('.').pop()}`,
    confidence: 0.97,
  }));
}

function cards(text: string): SensitiveDataDetection[] {
  const out: SensitiveDataDetection[] = [];
  for (const m of text.matchAll(CARD)) {
    const digits = digitsOf(m[0]);
    if (digits.length < 12 || digits.length > 19 || /^(\d)\1+$/.test(digits)) continue;
    const network = cardNetwork(digits);
    if (!network || !luhnValid(digits)) continue;
    out.push({
      type: 'CREDIT_DEBIT_CARD_NUMBER',
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      evidence: `${digits.length} digits, ${network} prefix ${digits.slice(0, network === 'Visa' ? 1 : 2)}, Luhn checksum valid`,
      confidence: 0.95,
    });
  }
  return out;
}

function ibans(text: string): SensitiveDataDetection[] {
  const out: SensitiveDataDetection[] = [];
  for (const m of text.matchAll(IBAN)) {
    // the longest prefix of the match that is the country's length (the text may go on after the IBAN)
    const compact = m[0].replace(/ /g, '');
    const country = compact.slice(0, 2);
    const length = IBAN_LENGTH[country];
    if (!length || compact.length < length) continue;
    const iban = compact.slice(0, length);
    if (ibanMod97(iban) !== 1) continue;
    // the span ends after the length-th character of the IBAN
    let seen = 0;
    let end = m.index;
    while (seen < length) if (text[end++] !== ' ') seen++;
    out.push({
      type: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
      start: m.index,
      end,
      text: text.slice(m.index, end),
      evidence: `${country} IBAN of ${length} characters, mod-97 check digits ${iban.slice(2, 4)} valid`,
      confidence: 0.98,
    });
  }
  return out;
}

function phones(text: string, taken: (s: number, e: number) => boolean): SensitiveDataDetection[] {
  const out: SensitiveDataDetection[] = [];
  for (const m of text.matchAll(PHONE)) {
    const s = m[0];
    const start = m.index;
    const end = start + s.length;
    const digits = digitsOf(s);
    if (digits.length < 7 || digits.length > 15 || taken(start, end) || DATE_LIKE.test(s)) continue;
    if (/^\d+$/.test(s) && !s.startsWith('0')) continue; // a bare number is an id or an amount, not a phone
    if (/\d[.,]\d{2}$/.test(s) && !/[ -]/.test(s)) continue; // 1234.50: an amount
    const before = text.slice(Math.max(0, start - 24), start);
    const international = s.startsWith('+');
    const keyword = PHONE_WORDS.test(before);
    // a national number: trunk prefix 0, an area code of 1-4 digits, 9-11 digits in all (the national maximum + the 0)
    const trunk = /^(?:0[1-9]\d{0,3}|\(0[1-9]\d{0,3}\))[ .-]/.test(s) && digits.length >= 9 && digits.length <= 11;
    if (!international && !keyword && !trunk) continue;
    out.push({
      type: 'PHONE',
      start,
      end,
      text: s,
      evidence: international
        ? `international prefix ${s.match(/^\+\d{1,3}/)?.[0]}, ${digits.length} digits`
        : keyword
          ? `after '${before.trim().slice(-12)}', ${digits.length} digits`
          : `national trunk prefix 0, ${digits.length} digits in groups`,
      confidence: international || keyword ? 0.9 : 0.75,
    });
  }
  return out;
}

/** Every detection of the asked types in `text`, in text order, none overlapping (the checksum types win). */
export function detectSensitiveData(
  text: string,
  types: readonly SensitiveDataType[] = SENSITIVE_DATA_TYPES,
): SensitiveDataDetection[] {
  const want = new Set(types);
  const found: SensitiveDataDetection[] = [];
  const overlaps = (s: number, e: number) => found.some((d) => s < d.end && d.start < e);
  const add = (ds: SensitiveDataDetection[]) => {
    for (const d of ds) if (!overlaps(d.start, d.end)) found.push(d);
  };
  if (want.has('EMAIL')) add(emails(text));
  if (want.has('INTERNATIONAL_BANK_ACCOUNT_NUMBER')) add(ibans(text));
  if (want.has('CREDIT_DEBIT_CARD_NUMBER')) add(cards(text));
  if (want.has('PHONE')) add(phones(text, overlaps));
  return found.sort((a, b) => a.start - b.start);
}

/** `text` with each detection replaced by BDA's mask: `[PII]` (mode PII) or its type, e.g. `[EMAIL]` (ENTITY_TYPE). */
export function redactSensitiveData(
  text: string,
  detections: readonly SensitiveDataDetection[],
  mode: 'PII' | 'ENTITY_TYPE' = 'ENTITY_TYPE',
): string {
  let out = '';
  let at = 0;
  for (const d of [...detections].sort((a, b) => a.start - b.start)) {
    if (d.start < at) continue;
    out += `${text.slice(at, d.start)}[${mode === 'PII' ? 'PII' : d.type}]`;
    at = d.end;
  }
  return out + text.slice(at);
}
