/**
 * Word error rate with the eval set's normalisation (shared/eval/speech/README.md): lowercase, punctuation
 * stripped (apostrophes inside words kept), hyphens split, digits spelled out (years the way they are read).
 */

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORD: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

function under100(n: number): string {
  if (n < 20) return ONES[n];
  return TENS[Math.floor(n / 10)] + (n % 10 ? ` ${ONES[n % 10]}` : '');
}

export function numberToWords(n: number): string {
  if (n < 100) return under100(n);
  if (n >= 1100 && n < 2000 && n % 100 !== 0)
    return `${under100(Math.floor(n / 100))} ${n % 100 < 10 ? `oh ${ONES[n % 100]}` : under100(n % 100)}`;
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${under100(n % 100)}` : ''}`;
  if (n < 1_000_000)
    return `${numberToWords(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${numberToWords(n % 1000)}` : ''}`;
  return String(n);
}

function ordinal(words: string): string {
  const parts = words.split(' ');
  const last = parts.pop() ?? '';
  const o = ORD[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...parts, o].join(' ');
}

export function normalizeText(text: string): string[] {
  let t = text.toLowerCase().replace(/[‘’]/g, "'");
  t = t.replace(/(\d+)(st|nd|rd|th)\b/g, (_, d) => ordinal(numberToWords(Number(d))));
  t = t.replace(/\d+/g, (d) => ` ${numberToWords(Number(d))} `);
  t = t.replace(/[-–—]/g, ' ');
  t = t.replace(/[^\p{L}\p{N}' ]+/gu, ' ');
  return t
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** Edit distance between word sequences (substitutions + deletions + insertions). */
export function wordErrors(ref: string[], hyp: string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hyp.length];
}
