/** IMAGE standard output → one chunk: its summary and the text read in it (cut to the budget if long). Pure. */
import type { ImageStandardOutput } from '../../schemas/image-output.ts';
import { type ChunkBudget, splitToBudget } from './chunk-budget.ts';
import type { ChunkDraft } from './chunk-draft.ts';

export function chunkImage(out: ImageStandardOutput, b: ChunkBudget): ChunkDraft[] {
  const lines = (out.image.text_lines ?? []).map((l) => l.text.trim()).filter(Boolean);
  const body = [out.image.summary?.trim(), ...lines].filter(Boolean).join('\n');
  if (!body) return [];
  return splitToBudget(body, b.maxTokens, b).map((piece) => ({
    kind: 'IMAGE' as const,
    body: piece,
    parts: ['image'],
  }));
}
