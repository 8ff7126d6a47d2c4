/**
 * What engines/speech/faster_whisper_server.py says, line by line, and its words as Quarry's transcript words:
 * the same AsrWord shape the whisper.cpp path makes, so confidences, the hallucination filter, speakers and topics
 * downstream do not know which engine ran. Pure.
 */
import { z } from 'zod';
import { type AsrWord, dropHallucinations } from './transcript-words.ts';

const seconds = z.number().finite().nonnegative();

export const FasterWhisperSegment = z.object({
  start: seconds,
  end: seconds,
  text: z.string(),
  words: z.array(z.object({ word: z.string(), start: seconds, end: seconds, probability: z.number().min(0).max(1) })),
});
export type FasterWhisperSegment = z.infer<typeof FasterWhisperSegment>;

export const FasterWhisperReply = z.union([
  z.object({
    event: z.literal('ready'),
    faster_whisper: z.string(),
    ctranslate2: z.string(),
    compute_type: z.string(),
    threads: z.number(),
  }),
  z.object({ id: z.number(), event: z.literal('segment'), segments: z.number(), end: seconds }),
  z.object({ id: z.number(), language: z.string(), segments: z.array(FasterWhisperSegment) }),
  z.object({ id: z.number().nullable(), error: z.string() }),
]);
export type FasterWhisperReply = z.infer<typeof FasterWhisperReply>;

/** One line of the server's stdout; throws an Error that quotes the line when it is not a reply. */
export function parseFasterWhisperLine(line: string): FasterWhisperReply {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`faster-whisper sent a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const r = FasterWhisperReply.safeParse(json);
  if (!r.success) throw new Error(`faster-whisper sent a malformed reply: ${line.slice(0, 200)}`);
  return r.data;
}

const PUNCT_ONLY = /^[\p{P}\p{S}]+$/u;

/**
 * Segments (times in seconds of the recognised audio) to words with file times: `offsetMs` is added to every time.
 * faster-whisper already joins word pieces and attaches punctuation; a punctuation-only word left over, or a word
 * without Whisper's leading space (the cents of "$38" ".50"), joins the word before it (its end, the lower confidence). The last word of a segment ends it; times are made monotone; known hallucinations are dropped,
 * as on the whisper.cpp path.
 */
export function fasterWhisperWords(segments: FasterWhisperSegment[], offsetMs: number): AsrWord[] {
  const words: AsrWord[] = [];
  for (const seg of segments) {
    const first = words.length;
    for (const w of seg.words) {
      const text = w.word.trim();
      if (!text) continue;
      const startMs = offsetMs + Math.round(w.start * 1000);
      // a word without the leading space Whisper puts before each word continues the one before it ("$38" ".50")
      const continues = !/^\s/.test(w.word) && words.length > first;
      if (PUNCT_ONLY.test(text) || continues) {
        const before = words[words.length - 1];
        if (words.length > first) {
          before.text += text;
          if (!PUNCT_ONLY.test(text)) {
            before.endMs = Math.max(before.endMs, offsetMs + Math.round(w.end * 1000));
            before.confidence = Math.min(before.confidence, Math.round(w.probability * 1000) / 1000);
          }
        }
        continue;
      }
      words.push({
        text,
        startMs,
        endMs: Math.max(startMs, offsetMs + Math.round(w.end * 1000)),
        confidence: Math.round(w.probability * 1000) / 1000,
      });
    }
    if (words.length > first) words[words.length - 1].segmentEnd = true;
  }
  for (let i = 1; i < words.length; i++) {
    if (words[i].startMs < words[i - 1].startMs) words[i].startMs = words[i - 1].startMs;
    if (words[i].endMs < words[i].startMs) words[i].endMs = words[i].startMs;
  }
  return dropHallucinations(words);
}
