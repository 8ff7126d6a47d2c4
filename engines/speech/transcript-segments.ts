/**
 * Words → BDA audio_items and audio_segments (sentence-like), with speaker and channel. Pure.
 * A segment ends at sentence punctuation, at a long pause, at a speaker or channel change, or after 40 words.
 */
import type { AudioItem, AudioSegment } from '../../schemas/audio-output.ts';
import type { AsrWord } from './transcript-words.ts';

export interface LabelledWord extends AsrWord {
  channel?: number;
  speaker?: number;
}

export interface SegmentOptions {
  pauseMs: number;
  maxWords: number;
  language: string;
  speakers: boolean;
  channels: boolean;
}

export function buildSegments(
  words: LabelledWord[],
  o: SegmentOptions,
): { items: AudioItem[]; segments: AudioSegment[] } {
  // interleave channels by time so a two-channel conversation reads in order
  const sorted = [...words].sort((a, b) => a.startMs - b.startMs || (a.channel ?? 0) - (b.channel ?? 0));
  const items: AudioItem[] = [];
  const segments: AudioSegment[] = [];
  let cur: LabelledWord[] = [];
  const flush = () => {
    if (!cur.length) return;
    const segIndex = segments.length;
    const indices: number[] = [];
    for (const w of cur) {
      indices.push(items.length);
      items.push({
        item_index: items.length,
        audio_segment_index: segIndex,
        type: 'TRANSCRIPT',
        content: w.text,
        start_timestamp_millis: Math.round(w.startMs),
        end_timestamp_millis: Math.round(w.endMs),
        confidence: w.confidence,
      });
    }
    const seg: AudioSegment = {
      segment_index: segIndex,
      type: 'TRANSCRIPT',
      text: cur.map((w) => w.text).join(' '),
      start_timestamp_millis: Math.round(cur[0].startMs),
      end_timestamp_millis: Math.round(Math.max(...cur.map((w) => w.endMs))),
      audio_item_indices: indices,
      language: o.language.toUpperCase(),
    };
    if (o.speakers && cur[0].speaker !== undefined)
      seg.speaker = { speaker_label: `spk_${Math.min(29, cur[0].speaker)}` };
    if (o.channels && cur[0].channel !== undefined)
      seg.channel = { channel_label: cur[0].channel === 1 ? 'ch_1' : 'ch_0' };
    segments.push(seg);
    cur = [];
  };
  for (const w of sorted) {
    const prev = cur[cur.length - 1];
    if (
      prev &&
      ((o.speakers && prev.speaker !== w.speaker) ||
        (o.channels && prev.channel !== w.channel) ||
        w.startMs - prev.endMs > o.pauseMs ||
        cur.length >= o.maxWords)
    ) {
      flush();
    }
    cur.push(w);
    if (/[.?!]["')\]]*$/.test(w.text) && !/^(mr|mrs|ms|dr|st|vs|etc)\.$/i.test(w.text)) flush();
  }
  flush();
  return { items, segments };
}
