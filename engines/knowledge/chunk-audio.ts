/**
 * AUDIO standard output → chunks: one per topic (its speaker-labelled segments, cut to the budget), or, with no
 * topics, one per speaker turn (consecutive segments of one speaker), each with its start and end ms. Pure.
 */
import type { AudioSegment, AudioStandardOutput } from '../../schemas/audio-output.ts';
import type { ChunkBudget } from './chunk-budget.ts';
import type { ChunkDraft } from './chunk-draft.ts';
import { packTimedLines, type TimedLine } from './chunk-transcript.ts';

const line = (s: AudioSegment): TimedLine => ({
  text: s.text.trim(),
  start_ms: s.start_timestamp_millis,
  end_ms: s.end_timestamp_millis,
  speaker: s.speaker?.speaker_label,
  part: `segment-${s.segment_index}`,
});

export function chunkAudio(out: AudioStandardOutput, b: ChunkBudget): ChunkDraft[] {
  const segments = [...out.audio_segments]
    .filter((s) => s.text.trim())
    .sort((x, y) => x.start_timestamp_millis - y.start_timestamp_millis);
  const topics = out.topics ?? [];
  if (topics.length) {
    const byIndex = new Map(segments.map((s) => [s.segment_index, s]));
    return topics.flatMap((t) => {
      const own = t.audio_segment_indices.map((i) => byIndex.get(i)).filter((s): s is AudioSegment => !!s);
      const lines: TimedLine[] = own.length
        ? own.map(line)
        : [
            {
              text: t.transcript.representation.text,
              start_ms: t.start_timestamp_millis,
              end_ms: t.end_timestamp_millis,
              part: `topic-${t.topic_index}`,
            },
          ];
      return packTimedLines(lines, 'TOPIC', b).map((d) => ({ ...d, parts: [`topic-${t.topic_index}`, ...d.parts] }));
    });
  }
  // speaker turns: a new chunk where the speaker changes
  const turns: AudioSegment[][] = [];
  for (const s of segments) {
    const turn = turns[turns.length - 1];
    if (turn && turn[0].speaker?.speaker_label === s.speaker?.speaker_label) turn.push(s);
    else turns.push([s]);
  }
  return turns.flatMap((turn) => packTimedLines(turn.map(line), 'SPEAKER_TURN', b));
}
