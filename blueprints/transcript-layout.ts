/**
 * The view of a recording that field extraction works on: its transcript segments (AUDIO `audio_segments`, or the
 * audio track's segments in a VIDEO's chapters) as lines in time order, one line a segment, each line and word
 * with its start/end in milliseconds. The line ids (1-based, in this order) are stable: the same standard output
 * always gives the same ids. A transcript has no page: it is laid out as one page whose vertical axis is time
 * (a segment's box spans its time on the recording, its words share the row by character offset), so the layout
 * pass's cues — the value after a label, on the line below, a pause as a gap — read it in conversation order.
 * The evidence of a transcript value is its time, never that box. Pure.
 */
import type { AudioItem, AudioSegment, AudioStandardOutput } from '../schemas/audio-output.ts';
import type { VideoStandardOutput } from '../schemas/video-output.ts';
import type { LayoutDocument, LayoutLine, LayoutWord, TimeSpan } from './layout.ts';

interface TimedWord extends TimeSpan {
  text: string;
  /** the ASR's confidence, when it gave one */
  confidence?: number;
}

/** A stretch of transcript as the standard outputs give it. */
export interface TranscriptSegment extends TimeSpan {
  text: string;
  speaker?: string;
  /** the segment's words with their own times, when the ASR gave them (AUDIO `audio_items`) */
  words?: TimedWord[];
}

/** The least time a segment's row spans on the page (a one-word "Yes." still has a row of some height). */
const MIN_ROW_MS = 250;

/** The segments of an AUDIO standard output, each with its `audio_items` as words. */
export function segmentsOfAudio(o: AudioStandardOutput): TranscriptSegment[] {
  const items = new Map<number, AudioItem>(o.audio_items.map((i) => [i.item_index, i]));
  return o.audio_segments.map((s: AudioSegment) => {
    const words = s.audio_item_indices
      .map((i) => items.get(i))
      .filter((i): i is AudioItem => Boolean(i?.content.trim()))
      .map((i) => ({
        text: i.content.trim(),
        startMs: i.start_timestamp_millis,
        endMs: i.end_timestamp_millis,
        ...(i.confidence !== undefined ? { confidence: i.confidence } : {}),
      }));
    return {
      text: s.text,
      startMs: s.start_timestamp_millis,
      endMs: s.end_timestamp_millis,
      ...(s.speaker ? { speaker: s.speaker.speaker_label } : {}),
      ...(words.length ? { words } : {}),
    };
  });
}

/**
 * The audio track's segments of a VIDEO standard output: each chapter lists the segments it overlaps, so a segment
 * across a chapter boundary is listed twice; it is one line here.
 */
export function segmentsOfVideo(o: VideoStandardOutput): TranscriptSegment[] {
  const seen = new Map<string, TranscriptSegment>();
  for (const ch of o.chapters)
    for (const s of ch.audio_segments ?? []) {
      const key = `${s.start_timestamp_millis}:${s.end_timestamp_millis}:${s.text}`;
      if (!seen.has(key))
        seen.set(key, {
          text: s.text,
          startMs: s.start_timestamp_millis,
          endMs: s.end_timestamp_millis,
          ...(s.speaker ? { speaker: s.speaker.speaker_label } : {}),
        });
    }
  return [...seen.values()].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

/** Words with times spread over the segment by character offset (when the ASR gave the segment's text only). */
function spreadWords(text: string, span: TimeSpan): TimedWord[] {
  const len = Math.max(1, text.length);
  const ms = span.endMs - span.startMs;
  return [...text.matchAll(/\S+/g)].map((m) => {
    const at = m.index ?? 0;
    return {
      text: m[0],
      startMs: Math.round(span.startMs + (ms * at) / len),
      endMs: Math.round(span.startMs + (ms * (at + m[0].length)) / len),
    };
  });
}

/** The transcript as a layout: one line a non-empty segment, in time order; `durationMs` scales the time axis. */
export function layoutOfTranscript(segments: readonly TranscriptSegment[], durationMs = 0): LayoutDocument {
  const kept = segments.filter((s) => s.text.trim());
  const end = Math.max(durationMs, ...kept.map((s) => s.endMs), 1);
  const lines: LayoutLine[] = kept.map((s) => {
    const time = { startMs: s.startMs, endMs: Math.max(s.startMs, s.endMs) };
    const timed = s.words?.length ? s.words : spreadWords(s.text.trim(), time);
    const top = time.startMs / end;
    const height = Math.min(1 - top, Math.max(time.endMs - time.startMs, MIN_ROW_MS) / end);
    const chars = Math.max(
      1,
      timed.reduce((n, w) => n + w.text.length + 1, -1),
    );
    let at = 0;
    const words: LayoutWord[] = timed.map((w) => {
      const word: LayoutWord = {
        text: w.text,
        page: 0,
        box: { left: at / chars, top, width: w.text.length / chars, height },
        // a transcript without word confidences is read as it stands, as a document's text layer is
        confidence: w.confidence ?? 1,
        time: { startMs: w.startMs, endMs: w.endMs },
      };
      at += w.text.length + 1;
      return word;
    });
    return {
      text: words.map((w) => w.text).join(' '),
      page: 0,
      box: { left: 0, top, width: 1, height },
      confidence: words.reduce((a, w) => a + w.confidence, 0) / Math.max(1, words.length),
      words,
      time,
      ...(s.speaker ? { speaker: s.speaker } : {}),
    };
  });
  return { pageCount: 1, lines, tables: [] };
}

/** The span of the recording that some words of a transcript were spoken in (null: no timed word among them). */
export function timeSpanOf(words: readonly LayoutWord[]): TimeSpan | null {
  const timed = words.filter((w) => w.time);
  if (!timed.length) return null;
  return {
    startMs: Math.min(...timed.map((w) => w.time!.startMs)),
    endMs: Math.max(...timed.map((w) => w.time!.endMs)),
  };
}
