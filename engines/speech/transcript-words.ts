/**
 * From recogniser tokens to words, and from per-chunk words to one transcript. Pure.
 */

/** One recognised token: text as the model spells it (leading space = word start), times in ms of the file. */
export interface AsrToken {
  text: string;
  p: number;
  startMs: number;
  endMs: number;
}

/** A recognised word: `text` keeps its attached punctuation ("Americans,"). */
export interface AsrWord {
  text: string;
  startMs: number;
  endMs: number;
  confidence: number;
  /** true when the recogniser ended a segment after this word (a sentence-ish boundary) */
  segmentEnd?: boolean;
}

const SPECIAL = /^(\[_[A-Z]+_?\d*\]|<\|.*\|>)$/;
const PUNCT_ONLY = /^[\p{P}\p{S}]+$/u;

export function isSpecialToken(text: string): boolean {
  return SPECIAL.test(text.trim()) || text.includes('[_');
}

/** Joins tokens into words: a token with a leading space starts a word; others continue the current one. */
export function tokensToWords(segments: AsrToken[][]): AsrWord[] {
  const words: AsrWord[] = [];
  for (const seg of segments) {
    let cur: { text: string; startMs: number; endMs: number; ps: number[] } | null = null;
    const flush = () => {
      if (!cur) return;
      const text = cur.text.trim();
      if (text) {
        const confidence = cur.ps.reduce((a, b) => a + b, 0) / Math.max(1, cur.ps.length);
        words.push({
          text,
          startMs: cur.startMs,
          endMs: Math.max(cur.endMs, cur.startMs),
          confidence: round3(confidence),
        });
      }
      cur = null;
    };
    for (const t of seg) {
      if (isSpecialToken(t.text) || t.text === '') continue;
      const punct = PUNCT_ONLY.test(t.text.trim());
      const startsWord = /^\s/.test(t.text) && !punct;
      if (cur && !startsWord) {
        // a word piece or punctuation: continues the current word (punctuation does not move its times)
        cur.text += punct ? t.text.trim() : t.text;
        if (!punct) {
          cur.endMs = t.endMs;
          cur.ps.push(t.p);
        }
        continue;
      }
      if (punct) continue; // punctuation with no word before it
      flush();
      cur = { text: t.text, startMs: t.startMs, endMs: t.endMs, ps: [t.p] };
    }
    flush();
    const last = words[words.length - 1];
    if (last) last.segmentEnd = true;
  }
  // token timestamps can run backwards by a few ms: make them monotone
  for (let i = 1; i < words.length; i++) {
    if (words[i].startMs < words[i - 1].startMs) words[i].startMs = words[i - 1].startMs;
    if (words[i].endMs < words[i].startMs) words[i].endMs = words[i].startMs;
  }
  return words;
}

/**
 * Keeps each word in exactly one chunk: the chunk whose own range holds the word's midpoint. Chunks overlap by a
 * couple of seconds for context; their own ranges tile the file, so no word is lost or doubled at a seam.
 */
export function stitchChunks(chunks: { ownStartMs: number; ownEndMs: number; words: AsrWord[] }[]): AsrWord[] {
  const out: AsrWord[] = [];
  const sorted = [...chunks].sort((a, b) => a.ownStartMs - b.ownStartMs);
  for (const c of sorted) {
    for (const w of c.words) {
      const mid = (w.startMs + w.endMs) / 2;
      if (mid >= c.ownStartMs && mid < c.ownEndMs) out.push(w);
    }
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Whisper's well-known hallucinations on non-speech (music, noise, silence tails). */
const HALLUCINATIONS = /^(thank you\.?|thanks for watching!?|you|\.+|please subscribe.*|\[.*\]|\(.*\))$/i;

/** Drops whole segments that are a known hallucination with low confidence. */
export function dropHallucinations(words: AsrWord[]): AsrWord[] {
  const out: AsrWord[] = [];
  let seg: AsrWord[] = [];
  for (const w of words) {
    seg.push(w);
    if (w.segmentEnd) {
      const text = seg.map((x) => x.text).join(' ');
      const conf = seg.reduce((a, x) => a + x.confidence, 0) / seg.length;
      if (!(HALLUCINATIONS.test(text.trim()) && conf < 0.6)) out.push(...seg);
      seg = [];
    }
  }
  out.push(...seg);
  return out;
}
