/**
 * What a field is called on paper: label phrases derived from the field's name, its instruction and a small
 * synonym table per semantic role (dates, totals, identifiers, names, addresses, ...), and fuzzy matching of
 * those phrases against the words of a line. Pure.
 */
import type { Field } from './dialect.ts';
import { editDistance, fold } from './normalize.ts';

export type Role =
  | 'date'
  | 'total'
  | 'subtotal'
  | 'tax'
  | 'amount'
  | 'vendor'
  | 'address'
  | 'identifier'
  | 'phone'
  | 'email'
  | 'currency'
  | 'person'
  | 'boolean'
  | 'quantity'
  | 'text';

/** Words a name is made of: `InvoiceNumber`, `invoice_number`, `W2_Box1` → ["invoice","number"], ... */
export function nameWords(name: string): string[] {
  return fold(
    name
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .replace(/([A-Za-z])(\d)/g, '$1 $2')
      .replace(/[_.-]+/g, ' '),
  )
    .split(' ')
    .filter(Boolean);
}

const SYNONYMS: Partial<Record<Role, string[]>> = {
  date: [
    'date',
    'dated',
    'invoice date',
    'date of issue',
    'issue date',
    'issued',
    'datum',
    'factuurdatum',
    'rechnungsdatum',
    'date de facture',
    'fecha',
  ],
  total: [
    'total',
    'grand total',
    'total amount',
    'amount due',
    'total due',
    'balance due',
    'total payable',
    'amount payable',
    'total incl',
    'total inclusive',
    'nett total',
    'net total',
    'rounded total',
    'total to pay',
    'totaal',
    'te betalen',
    'gesamtbetrag',
    'rechnungsbetrag',
    'montant total',
    'total ttc',
    'net a payer',
  ],
  subtotal: [
    'subtotal',
    'sub total',
    'total excl',
    'total before tax',
    'net amount',
    'total ht',
    'amount untaxed',
    'nettobetrag',
    'subtotaal',
  ],
  tax: ['tax', 'vat', 'gst', 'sales tax', 'tax amount', 'total tax', 'btw', 'tva', 'mwst', 'ust', 'iva'],
  identifier: ['no', 'number', 'nr', 'num', 'id', '#', 'ref', 'reference'],
  phone: ['tel', 'phone', 'telephone', 'mobile', 'fax'],
  email: ['email', 'e mail'],
  vendor: ['vendor', 'seller', 'supplier', 'company', 'merchant', 'store', 'issuer', 'from', 'bill from', 'sold by'],
  address: ['address', 'addr', 'adres', 'adresse'],
};

/** Extra label phrases for common field names (BDA public blueprints' names → how forms print them). */
const NAME_SYNONYMS: Record<string, string[]> = {
  'invoice number': [
    'invoice no',
    'invoice #',
    'invoice number',
    'invoice',
    'inv no',
    'bill no',
    'factuurnummer',
    'rechnungsnummer',
    'facture n',
    'numero de facture',
    'invoice id',
  ],
  'receipt number': [
    'receipt no',
    'receipt #',
    'receipt',
    'bill no',
    'doc no',
    'invoice no',
    'trans no',
    'transaction no',
    'cash bill no',
  ],
  'purchase order number': ['po number', 'po no', 'p o', 'purchase order', 'order number', 'po #'],
  'due date': ['due date', 'payment due', 'due', 'pay by', 'vervaldatum', 'date d echeance', 'fällig'],
  'invoice date': [
    'invoice date',
    'date',
    'date of issue',
    'issue date',
    'factuurdatum',
    'rechnungsdatum',
    'date de facture',
  ],
  'receipt date': ['receipt date', 'date', 'transaction date', 'purchase date'],
  'order date': ['order date', 'po date', 'date'],
  'pay date': ['pay date', 'payment date', 'date paid', 'pay day'],
  'account number': ['account number', 'account no', 'acct no', 'a c no', 'account #'],
  'statement date': ['statement date', 'date', 'statement period'],
  'employee name': ['employee name', 'employee', 'name'],
  'employer name': ['employer name', 'employer', 'company'],
  'document number': [
    'document number',
    'document no',
    'licence number',
    'license number',
    'dl no',
    'id no',
    'passport no',
    'passport number',
    'lic no',
  ],
  'date of birth': ['date of birth', 'dob', 'birth date', 'born'],
  'expiration date': ['expiration date', 'expiry date', 'expires', 'exp', 'date of expiry', 'valid until'],
  'issue date': ['issue date', 'date of issue', 'issued', 'iss'],
  'gross pay': ['gross pay', 'gross earnings', 'gross', 'total gross', 'gross salary'],
  'net pay': ['net pay', 'net salary', 'take home', 'net amount', 'net'],
  'opening balance': [
    'opening balance',
    'beginning balance',
    'previous balance',
    'balance brought forward',
    'starting balance',
  ],
  'closing balance': ['closing balance', 'ending balance', 'new balance', 'balance carried forward'],
  'amount due': ['amount due', 'total due', 'balance due', 'amount payable', 'total amount due', 'please pay'],
  'wages tips other compensation': ['wages tips other compensation', 'wages tips other comp', 'wages'],
  'federal income tax withheld': ['federal income tax withheld', 'federal income tax'],
  'social security wages': ['social security wages'],
  'social security tax withheld': ['social security tax withheld'],
  'medicare wages and tips': ['medicare wages and tips'],
  'medicare tax withheld': ['medicare tax withheld'],
  'employee ssn': ['employee s social security number', 'social security number', 'ssn'],
  'employer ein': ['employer identification number', 'ein'],
  'tax year': ['tax year', 'year'],
  'vendor name': ['vendor', 'seller', 'supplier', 'from', 'company'],
  'customer name': ['customer', 'bill to', 'sold to', 'client', 'customer name'],
  'ship to': ['ship to', 'deliver to', 'shipping address'],
  'bill to': ['bill to', 'invoice to', 'billed to', 'sold to'],
  'account holder': ['account holder', 'account name', 'customer name', 'name'],
  'service address': ['service address', 'supply address', 'premises'],
  'meter number': ['meter number', 'meter no', 'meter'],
  nationality: ['nationality', 'nationalite'],
  'place of birth': ['place of birth', 'lieu de naissance'],
  surname: ['surname', 'last name', 'nom'],
  'given names': ['given names', 'given name', 'first name', 'prenoms'],
  sex: ['sex', 'gender'],
  class: ['class', 'cls'],
  'period start': ['period start', 'pay period start', 'from', 'period from', 'period beginning'],
  'period end': ['period end', 'pay period end', 'to', 'period to', 'period ending'],
  iban: ['iban'],
  bic: ['bic', 'swift'],
  currency: ['currency'],
};

/**
 * The semantic role of a field, from its name; a name that says nothing of the role (`where`, `seller`'s
 * siblings like `when`) takes it from the instruction's words ("the store's address" → address).
 */
export function roleOf(field: Field): Role {
  const byName = roleOfWords(field, nameWords(field.name));
  if (byName !== 'text' || !field.instruction.trim()) return byName;
  return roleOfWords(field, nameWords(field.instruction));
}

function roleOfWords(field: Field, words: readonly string[]): Role {
  const n = words.join(' ');
  const instr = fold(field.instruction);
  if (field.kind === 'leaf' && field.type === 'boolean') return 'boolean';
  const has = (...w: string[]) => w.some((x) => words.includes(x));
  if (has('date', 'dob', 'dated') || /\b(date|day)\b/.test(n)) return 'date';
  if (has('currency')) return 'currency';
  if (has('subtotal') || n.includes('sub total') || n.includes('untaxed')) return 'subtotal';
  if ((has('tax', 'vat', 'gst') && !has('id', 'number', 'no', 'year', 'withheld', 'wages')) || n === 'tax amount')
    return 'tax';
  if (has('total') || (has('amount') && has('due', 'paid', 'payable'))) return 'total';
  if (has('phone', 'tel', 'telephone', 'fax', 'mobile')) return 'phone';
  if (has('email')) return 'email';
  if (has('address', 'addr')) return 'address';
  if (has('number', 'no', 'id', 'nr', 'num', 'ssn', 'ein', 'iban', 'bic', 'code', 'reference', 'ref'))
    return 'identifier';
  if (
    has(
      'company',
      'vendor',
      'merchant',
      'store',
      'seller',
      'supplier',
      'issuer',
      'employer',
      'bank',
      'provider',
      'shop',
    )
  )
    return 'vendor';
  if (has('name', 'surname', 'holder', 'employee', 'customer')) return 'person';
  if (has('quantity', 'qty', 'count', 'units')) return 'quantity';
  if (
    has(
      'amount',
      'price',
      'pay',
      'balance',
      'wages',
      'withheld',
      'fee',
      'charge',
      'cost',
      'rate',
      'salary',
      'deductions',
      'earnings',
    )
  )
    return 'amount';
  if (field.kind === 'leaf' && (field.type === 'number' || field.type === 'integer')) return 'amount';
  if (/\b(yyyy|date)\b/.test(instr)) return 'date';
  return 'text';
}

/** Words that leave a date generic: the one date a receipt or invoice prints, often labelled just "Date". */
const GENERIC_DATE_WORDS = new Set([
  'date',
  'day',
  'when',
  'dated',
  'transaction',
  'purchase',
  'receipt',
  'invoice',
  'bill',
  'sale',
  'issue',
  'issued',
  'document',
  'statement',
  'order',
  'of',
  'the',
]);

/**
 * A date field that any date of the document may answer (`date`, `receipt_date`, `when`), as opposed to a
 * qualified one (`due_date`, `date_of_birth`, `warranty_end_date`) that needs its own label.
 */
export function isGenericDate(field: Field): boolean {
  return nameWords(field.name).every((w) => GENERIC_DATE_WORDS.has(w));
}

/** The usual printed labels of a role ("tel", "fax" for a phone), folded; none for roles printed without one. */
export function roleLabels(role: Role): string[][] {
  return (SYNONYMS[role] ?? []).map((p) => fold(p).split(' ').filter(Boolean));
}

/** Label phrases for a field, most specific first, each as folded word lists. */
export function labelPhrases(field: Field): string[][] {
  const words = nameWords(field.name);
  const key = words.join(' ');
  const phrases = new Set<string>();
  phrases.add(key);
  for (const p of NAME_SYNONYMS[key] ?? []) phrases.add(fold(p));
  // phrases quoted in the instruction: "the number labelled 'Invoice No'" → "invoice no"
  for (const m of field.instruction.matchAll(/["'“‘]([^"'”’]{2,40})["'”’]/g)) phrases.add(fold(m[1]));
  const m = /\blabel(?:l?ed)?\s+(?:as\s+)?([A-Za-z][\w ]{1,30})/i.exec(field.instruction);
  if (m) phrases.add(fold(m[1]));
  const role = roleOf(field);
  if (role === 'total' || role === 'subtotal' || role === 'tax')
    for (const s of SYNONYMS[role] ?? []) phrases.add(fold(s));
  if (role === 'date' && words.length === 1) for (const s of SYNONYMS.date ?? []) phrases.add(fold(s));
  // without generic words: "InvoiceTotalAmount" → "invoice total", "total amount"
  if (words.length > 2) {
    phrases.add(words.slice(0, 2).join(' '));
    phrases.add(words.slice(-2).join(' '));
  }
  if (words.length >= 2 && ['number', 'no', 'id'].includes(words[words.length - 1])) {
    const head = words.slice(0, -1).join(' ');
    phrases.add(`${head} no`);
    phrases.add(`${head} number`);
    phrases.add(`${head} #`);
    phrases.add(`${head} id`);
  }
  return [...phrases].filter(Boolean).map((p) => p.split(' ').filter(Boolean));
}

/** Similarity of two folded tokens, tolerant to OCR slips on longer words. */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length <= 2 || b.length <= 2) return 0;
  // "no." vs "no", "inv" vs "invoice" (abbreviation = prefix of at least 3)
  if (a.length >= 3 && b.startsWith(a) && a.length / b.length >= 0.4) return 0.85;
  if (b.length >= 3 && a.startsWith(b) && b.length / a.length >= 0.4) return 0.85;
  const d = editDistance(a, b);
  const s = 1 - d / Math.max(a.length, b.length);
  return s >= 0.75 ? s : 0;
}

export interface LabelHit {
  /** index of the first and one past the last word of the label in the line's words */
  start: number;
  end: number;
  score: number;
  phrase: string;
}

/**
 * Finds the best occurrence of any of the phrases in a line's folded words. Word tokens that fold into several
 * tokens ("No.:" → "no") are handled by folding each word separately and skipping empties.
 */
export function findLabel(lineTokens: readonly string[], phrases: readonly string[][]): LabelHit | null {
  let best: LabelHit | null = null;
  phrases.forEach((phrase, rank) => {
    const n = phrase.length;
    for (let i = 0; i + n <= lineTokens.length; i++) {
      let sum = 0;
      let ok = true;
      for (let k = 0; k < n; k++) {
        const s =
          phrase[k] === '#'
            ? lineTokens[i + k] === '#' || lineTokens[i + k] === 'no'
              ? 1
              : 0
            : tokenSimilarity(lineTokens[i + k], phrase[k]);
        if (s === 0) {
          ok = false;
          break;
        }
        sum += s;
      }
      if (!ok) continue;
      // longer, earlier-listed phrases are more specific
      const score = (sum / n) * (1 - Math.min(rank, 10) * 0.01) * (n > 1 ? 1 : 0.97);
      const lenBonus = n * 0.001;
      if (!best || score + lenBonus > best.score + (best.end - best.start) * 0.001) {
        best = { start: i, end: i + n, score, phrase: phrase.join(' ') };
      }
    }
  });
  return best;
}

/** Folded token per word ('#' survives so "Invoice #" can match). */
export function tokensOf(words: readonly { text: string }[]): string[] {
  return words.map((w) => (w.text.trim() === '#' ? '#' : fold(w.text).replace(/\s+/g, '')));
}
