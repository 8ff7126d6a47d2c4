/**
 * The typed standard output at the centre: what every modality's writer emits and what every reader (custom
 * output, the knowledge-base chunker, the console) accepts — one zod schema per modality, parsed once where a
 * result.json is read back from storage. Pure.
 */
import { z } from 'zod';
import { AudioStandardOutput } from './audio-output.ts';
import { DocumentStandardOutput } from './document-output.ts';
import { ImageStandardOutput } from './image-output.ts';
import { VideoStandardOutput } from './video-output.ts';

export const StandardOutput = z.union([DocumentStandardOutput, ImageStandardOutput, AudioStandardOutput, VideoStandardOutput]);
export type StandardOutput = z.infer<typeof StandardOutput>;

const byModality = {
  DOCUMENT: DocumentStandardOutput,
  IMAGE: ImageStandardOutput,
  AUDIO: AudioStandardOutput,
  VIDEO: VideoStandardOutput,
} as const;

/** Parses a standard output read back from `where`; a malformed one is an error that names the path and field. */
export function parseStandardOutput(json: unknown, where: string): StandardOutput {
  const modality = (json as { metadata?: { semantic_modality?: unknown } } | null)?.metadata?.semantic_modality;
  const schema = byModality[modality as keyof typeof byModality];
  if (!schema) throw new Error(`${where}: not a standard output (metadata.semantic_modality is ${JSON.stringify(modality)})`);
  const r = schema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${where}: invalid ${modality} standard output at ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}
