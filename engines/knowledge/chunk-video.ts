/**
 * VIDEO standard output → chunks by chapter: the chapter's summary, then what was said in it (speaker-labelled)
 * and the text read on its frames (each distinct line once), with the chapter's start and end ms. Pure.
 */
import type { VideoStandardOutput } from '../../schemas/video-output.ts';
import type { ChunkBudget } from './chunk-budget.ts';
import type { ChunkDraft } from './chunk-draft.ts';
import { packTimedLines, type TimedLine } from './chunk-transcript.ts';

export function chunkVideo(out: VideoStandardOutput, b: ChunkBudget): ChunkDraft[] {
  const chapters = out.chapters;
  if (!chapters.length) {
    const text = out.video.transcript?.representation.text.trim();
    if (!text) return [];
    const whole: TimedLine = { text, start_ms: 0, end_ms: out.metadata.duration_millis, part: 'video' };
    return packTimedLines([whole], 'CHAPTER', b);
  }
  return chapters.flatMap((c) => {
    const part = `chapter-${c.chapter_index}`;
    const said: TimedLine[] = (c.audio_segments ?? [])
      .filter((s) => s.text.trim())
      .map((s) => ({
        text: s.text.trim(),
        start_ms: s.start_timestamp_millis,
        end_ms: s.end_timestamp_millis,
        speaker: s.speaker?.speaker_label,
        part,
      }));
    const seen = new Set<string>();
    const shown: TimedLine[] = [];
    for (const f of c.frames ?? [])
      for (const l of f.text_lines ?? []) {
        const text = l.text.trim();
        if (!text || seen.has(text.toLowerCase())) continue;
        seen.add(text.toLowerCase());
        shown.push({ text: `[on screen] ${text}`, start_ms: f.timestamp_millis, end_ms: f.timestamp_millis, part });
      }
    const lines = [...said, ...shown];
    if (!lines.length && !c.summary) return [];
    const lead = c.summary?.trim() ?? '';
    const drafts = lines.length
      ? packTimedLines(lines, 'CHAPTER', b, lead)
      : [{ kind: 'CHAPTER' as const, body: lead, parts: [part] }];
    // a chapter's chunks cite the chapter's span
    return drafts.map((d) => ({
      ...d,
      parts: [part],
      start_ms: Math.max(c.start_timestamp_millis, Math.min(d.start_ms ?? c.start_timestamp_millis, c.end_timestamp_millis)),
      end_ms: Math.min(c.end_timestamp_millis, Math.max(d.end_ms ?? c.end_timestamp_millis, c.start_timestamp_millis)),
    }));
  });
}
