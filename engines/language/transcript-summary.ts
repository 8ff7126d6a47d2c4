/**
 * A recording's (or one topic's) summary phrased by the generative model from its transcript, checked against it:
 * every number and proper name of the summary must be in the transcript (supported-by-source.ts), else the
 * extractive summary stays and the reason is returned. Used on the generative queue (activities/summary/).
 */
import type { GenerativeProvider } from './provider.ts';
import { refusalOf } from './supported-by-source.ts';

/** Characters of transcript one prompt shows (about 6,000 tokens; the embedded model's context is 8,192). */
const TRANSCRIPT_CHARS = 24_000;

export type PhrasedText =
  | { kind: 'phrased'; text: string; method: string }
  | { kind: 'refused' | 'failed'; why: string };

export async function phraseTranscriptSummary(
  provider: GenerativeProvider,
  sentences: readonly string[],
  maxWords: number,
  what: string,
  signal?: AbortSignal,
): Promise<PhrasedText> {
  try {
    const transcript = sentences.join(' ');
    const r = await provider.generate(
      {
        system: 'You summarise transcripts faithfully. Use only facts stated in the transcript.',
        prompt: `Summarise this ${what} in at most ${maxWords} words.\n\nTranscript:\n${transcript.slice(0, TRANSCRIPT_CHARS)}`,
        maxTokens: Math.ceil(maxWords * 1.6),
        temperature: 0,
      },
      signal,
    );
    const text = r.text.trim().split(/\s+/).slice(0, maxWords).join(' ');
    if (!text) return { kind: 'failed', why: 'the model answered nothing' };
    const refused = refusalOf(text, transcript);
    if (refused) return { kind: 'refused', why: refused };
    return { kind: 'phrased', text, method: `generative:${provider.name}` };
  } catch (e) {
    return { kind: 'failed', why: String((e as Error).message).slice(0, 200) };
  }
}
