/**
 * Cutting text to a chunk's token budget: words packed greedily up to the budget, preferring to end at a
 * sentence, each piece after the first repeating the tail of the one before (the overlap). Token counts come
 * from the embedding model's tokenizer (a word's pieces), passed in. Pure.
 */

export interface ChunkBudget {
  /** largest chunk, in tokens (headings included) */
  maxTokens: number;
  /** tokens a piece repeats from the piece before it */
  overlapTokens: number;
  /** the embedding model's token count of a text without its special tokens */
  countTokens: (text: string) => number;
}

/** A rough WordPiece count (words and punctuation marks), for callers without the model's tokenizer. */
export const approximateTokens = (text: string): number => (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length;

const sentenceEnd = /[.!?:;]["')\]]?$/;

/** `text` in pieces of at most `budget` tokens (a single word longer than that stays whole), overlapping. */
export function splitToBudget(text: string, budget: number, b: ChunkBudget): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (b.countTokens(trimmed) <= budget) return [trimmed];
  // words, and whether a line break follows each (kept when the pieces are joined back)
  const tokens = trimmed.split(/(\s+)/);
  const words: string[] = [];
  const breakAfter: boolean[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    words.push(tokens[i]);
    breakAfter.push((tokens[i + 1] ?? '').includes('\n'));
  }
  const join = (from: number, to: number) =>
    words
      .slice(from, to)
      .map((w, k) => (k < to - from - 1 ? w + (breakAfter[from + k] ? '\n' : ' ') : w))
      .join('');
  const costs = words.map((w) => Math.max(1, b.countTokens(w)));
  const limit = Math.max(1, budget);
  const pieces: string[] = [];
  let start = 0;
  while (start < words.length) {
    let end = start;
    let used = 0;
    let lastSentence = -1;
    while (end < words.length && (end === start || used + costs[end] <= limit)) {
      used += costs[end];
      if (sentenceEnd.test(words[end])) lastSentence = end + 1;
      end++;
    }
    if (end < words.length && lastSentence > start + (end - start) / 2) end = lastSentence;
    pieces.push(join(start, end));
    if (end >= words.length) break;
    let back = end;
    let overlap = 0;
    while (back - 1 > start && overlap + costs[back - 1] <= Math.min(b.overlapTokens, limit / 2)) {
      back--;
      overlap += costs[back];
    }
    start = back;
  }
  return pieces;
}

/** The last words of `text` that fit in `tokens` (the overlap carried into the next chunk). */
export function tailWithin(text: string, tokens: number, b: ChunkBudget): string {
  if (tokens <= 0) return '';
  const words = text.split(/\s+/).filter(Boolean);
  let used = 0;
  let i = words.length;
  while (i > 0) {
    const c = Math.max(1, b.countTokens(words[i - 1]));
    if (used + c > tokens) break;
    used += c;
    i--;
  }
  return words.slice(i).join(' ');
}
