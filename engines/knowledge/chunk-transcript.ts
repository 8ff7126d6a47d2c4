/**
 * Transcript pieces (speaker-labelled, timed) packed into chunks of at most the token budget, cut between
 * pieces (a single long one split by words, keeping its times), each chunk after the first repeating the
 * last piece before it when that fits the overlap. Shared by audio topics, speaker turns and video chapters. Pure.
 */
import { type ChunkBudget, splitToBudget } from './chunk-budget.ts';
import type { ChunkDraft } from './chunk-draft.ts';

export interface TimedLine {
  text: string;
  start_ms: number;
  end_ms: number;
  speaker?: string;
  part: string;
}

const said = (l: TimedLine) => (l.speaker ? `${l.speaker}: ${l.text}` : l.text);
/** Lines as a reader sees them: the speaker named where the speaker changes. */
const spoken = (lines: readonly TimedLine[]) =>
  lines.map((l, i) => (l.speaker && l.speaker !== lines[i - 1]?.speaker ? said(l) : l.text));

export function packTimedLines(
  lines: readonly TimedLine[],
  kind: ChunkDraft['kind'],
  b: ChunkBudget,
  lead = '',
): ChunkDraft[] {
  const budget = Math.max(16, b.maxTokens - (lead ? b.countTokens(lead) + 1 : 0));
  const drafts: ChunkDraft[] = [];
  let group: TimedLine[] = [];
  let used = 0;
  const flush = () => {
    if (!group.length) return;
    const speakers = [...new Set(group.map((l) => l.speaker))];
    drafts.push({
      kind,
      body: [lead, ...spoken(group)].filter(Boolean).join('\n'),
      parts: [...new Set(group.map((l) => l.part))],
      start_ms: Math.min(...group.map((l) => l.start_ms)),
      end_ms: Math.max(...group.map((l) => l.end_ms)),
      ...(speakers.length === 1 && speakers[0] ? { speaker: speakers[0] } : {}),
    });
    const last = group[group.length - 1];
    const lastCost = b.countTokens(said(last));
    group = lastCost <= b.overlapTokens && group.length > 1 ? [last] : [];
    used = group.length ? lastCost : 0;
  };
  for (const l of lines) {
    const cost = b.countTokens(said(l));
    if (cost > budget) {
      flush();
      group = [];
      used = 0;
      for (const text of splitToBudget(said(l), budget, b))
        drafts.push({
          kind,
          body: [lead, text].filter(Boolean).join('\n'),
          parts: [l.part],
          start_ms: l.start_ms,
          end_ms: l.end_ms,
          ...(l.speaker ? { speaker: l.speaker } : {}),
        });
      continue;
    }
    if (group.length && used + cost > budget) flush();
    group.push(l);
    used += cost;
  }
  // the last group is flushed unless it holds only the overlap already sent
  if (group.length && !(drafts.length && group.length === 1 && drafts[drafts.length - 1].parts.includes(group[0].part)))
    flush();
  return drafts;
}
