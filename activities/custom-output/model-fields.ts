/**
 * Custom output read by the generative model: the document's numbered lines and the blueprint go to the
 * configured provider (the embedded model by default), the answer comes back under a grammar built from the
 * blueprint, and every value is grounded in the line it cites (blueprints/model-answer.ts). The layout pass's
 * result is the model's hint and its second opinion; when the provider fails, the layout result stands and
 * each field says why the model did not read it.
 */

import { chooseLines } from '../../blueprints/choose-lines.ts';
import type { Blueprint, Field } from '../../blueprints/dialect.ts';
import { allValues, type ResultNode } from '../../blueprints/evidence.ts';
import type { LayoutDocument } from '../../blueprints/layout.ts';
import { resultFromAnswer } from '../../blueprints/model-answer.ts';
import { MAX_MODEL_ROWS, readingPrompt } from '../../blueprints/model-prompt.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';

/** Characters of document text one prompt shows (about 3,000 tokens: the embedded model's context is 8,192). */
export const PROMPT_TEXT_CHARS = 10_000;

export interface ModelReading {
  nodes: ResultNode[];
  /** the engine that read the fields, or null when the layout result stands */
  engine: string | null;
  note?: string;
}

/** Values an answer may hold: one per field, a few per list, up to MAX_MODEL_ROWS rows per table. */
function answerValues(fields: readonly Field[]): number {
  let n = 0;
  for (const f of fields)
    n +=
      f.kind === 'leaf'
        ? 1
        : f.kind === 'list'
          ? 5
          : f.kind === 'group'
            ? answerValues(f.fields)
            : MAX_MODEL_ROWS * (f.columns.length + 1);
  return n;
}

/** Answer tokens the asked fields need: about 30 per value (name, line, value), at most 2,000. */
const answerBudget = (fields: readonly Field[]) => Math.min(2_000, 60 + 30 * answerValues(fields));

export async function readWithModel(
  bp: Blueprint,
  layout: ResultNode[],
  doc: LayoutDocument,
  provider: GenerativeProvider,
  opts: { signal?: AbortSignal; monthFirst?: boolean } = {},
): Promise<ModelReading> {
  if (!doc.lines.length) return { nodes: layout, engine: null, note: 'the document has no text for the model to read' };
  const lineIds = chooseLines(bp, doc, PROMPT_TEXT_CHARS);
  const req = readingPrompt(bp, doc, layout, lineIds);
  try {
    const res = await provider.generate(
      {
        system: req.system,
        prompt: req.prompt,
        jsonSchema: req.jsonSchema,
        maxTokens: answerBudget(req.asked),
        temperature: 0,
      },
      opts.signal,
    );
    const probabilities = new Map((res.valueProbabilities ?? []).map((p) => [p.pointer, p.probability]));
    const nodes = resultFromAnswer(bp.fields, { json: res.json, probabilities, model: res.model }, doc, layout, opts);
    const shown =
      lineIds.length < doc.lines.length
        ? `the model read ${lineIds.length} of ${doc.lines.length} lines (chosen by the fields' words)`
        : undefined;
    return { nodes, engine: provider.name, ...(shown ? { note: shown } : {}) };
  } catch (e) {
    // a provider outage leaves the layout result, each value saying that the model did not read it
    const why = `the generative model did not read this field (${(e as Error).message.slice(0, 300)}); layout result`;
    for (const v of allValues(layout)) v.reason = v.reason ? `${v.reason}; ${why}` : why;
    return { nodes: layout, engine: null, note: why };
  }
}
