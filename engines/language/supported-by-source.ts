/**
 * Is a generated sentence supported by its source? Every number (digits, with their decimal part), and every
 * proper name (a capitalised word that does not start a sentence) of the generated text must occur in the source
 * text, compared case-insensitively with punctuation and thousands separators ignored. Generated text that fails
 * is not written: the caller keeps its extractive text and says why. Hand-written: a guard this narrow has no
 * library; it is deliberately strict (a correct paraphrase that introduces a new name is refused). Pure.
 */

/** The terms of `generated` that do not occur in `source` (empty: supported). */
export function unsupportedTerms(generated: string, source: string): string[] {
  const haystack = normalise(source);
  const words = new Set(haystack.split(' '));
  const missing = new Set<string>();
  for (const n of generated.match(/\d[\d,.]*\d|\d/g) ?? []) {
    const plain = n.replace(/,/g, '');
    const variants = [plain, n, plain.replace(/\.0+$/, '')];
    if (!variants.some((v) => haystack.includes(v.toLowerCase()))) missing.add(n);
  }
  // proper names: capitalised words not at a sentence start (and not "I")
  const re = /(^|[.!?:]\s+|\s)([A-Z][\p{L}'’-]*)/gu;
  for (const m of generated.matchAll(re)) {
    const sentenceStart = m.index === 0 || /[.!?:]\s+$/.test(m[1]);
    const word = m[2].replace(/['’]s$/, '');
    if (sentenceStart || word === 'I' || word.length < 2) continue;
    if (!words.has(word.toLowerCase().replace(/[^\p{L}\d-]/gu, ''))) missing.add(word);
  }
  return [...missing];
}

function normalise(s: string): string {
  return s
    .toLowerCase()
    .replace(/(\d),(\d)/g, '$1$2')
    .replace(/[^\p{L}\d.\-\s]/gu, ' ')
    .replace(/\.(\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Why a generated text was refused, for the output ("the model wrote …"), or null when it is supported. */
export function refusalOf(generated: string, source: string): string | null {
  const missing = unsupportedTerms(generated, source);
  if (!missing.length) return null;
  return `the model's text named ${missing
    .slice(0, 5)
    .map((t) => JSON.stringify(t))
    .join(', ')}, not in the source: extractive text kept`;
}
