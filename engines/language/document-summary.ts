/**
 * A document's summary and 10-word description phrased by the generative model from the document's own most
 * central sentences (ranked by the extractive summariser), then checked against them: a number, date or proper
 * name that the text does not have refuses the whole answer (supported-by-source.ts), and the extractive fields
 * stay (`applyPhrasedSummary` writes the outcome into the output). Shared by the document writer (histories from
 * before the generative queue) and the generative activity.
 */
import type { DocumentStandardOutput } from '../../schemas/document-output.ts';
import { SUMMARY_METHOD, summarize } from './extractive-summary.ts';
import type { GenerativeProvider } from './provider.ts';
import { refusalOf } from './supported-by-source.ts';

export type PhrasedSummary =
  | { kind: 'phrased'; description: string; summary: string; method: string }
  | { kind: 'refused'; refused: string }
  | { kind: 'failed'; error: string };

export async function phraseDocumentSummary(
  provider: GenerativeProvider,
  sentences: readonly string[],
  signal?: AbortSignal,
): Promise<PhrasedSummary> {
  try {
    const source = summarize(
      sentences.map((text) => ({ text })),
      { maxWords: 1500 },
    ).text;
    const res = await provider.generate(
      {
        system: 'You summarise documents. Use only facts stated in the text. Never add information.',
        prompt: `Text of the document (its most central sentences):\n\n${source}\n\nReturn JSON with "description" (at most 10 words) and "summary" (at most 250 words).`,
        jsonSchema: {
          type: 'object',
          properties: { description: { type: 'string' }, summary: { type: 'string' } },
          required: ['description', 'summary'],
        },
        maxTokens: 400,
        temperature: 0,
      },
      signal,
    );
    const j = (res.json ?? JSON.parse(res.text)) as { description?: string; summary?: string };
    if (!j.description || !j.summary) return { kind: 'failed', error: 'the model answered no summary' };
    const description = j.description.split(/\s+/).slice(0, 10).join(' ');
    const summary = j.summary.split(/\s+/).slice(0, 250).join(' ');
    // evidence-bound: every number and proper name the model wrote must be in the document's text
    const refused = refusalOf(`${description}. ${summary}`, sentences.join('\n'));
    if (refused) return { kind: 'refused', refused };
    return { kind: 'phrased', description, summary, method: `provider:${provider.name}` };
  } catch (e) {
    return { kind: 'failed', error: String((e as Error).message).slice(0, 200) };
  }
}

/** The model's summary into a standard output's `document` (or why the extractive one stays). */
export function applyPhrasedSummary(document: Partial<DocumentStandardOutput['document']>, phrased: PhrasedSummary) {
  const source = document.generative_source ?? { method: SUMMARY_METHOD, sentences: [] };
  if (phrased.kind === 'phrased') {
    document.description = phrased.description;
    document.summary = phrased.summary;
    document.generative_source = { method: phrased.method, sentences: [] };
  } else if (phrased.kind === 'refused') document.generative_source = { ...source, provider_refused: phrased.refused };
  else document.generative_source = { ...source, provider_error: phrased.error };
}
