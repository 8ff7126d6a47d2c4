/**
 * The demo's second job: one sample read as a document by the generative model (the embedded one when setup
 * installed it) — its abstractive summary and a blueprint written in a user's words — printed field by field with
 * confidence, engine and evidence, or with the reason a field is empty. Pure: the caller does the I/O.
 */

/** A blueprint as a user would write it for samples/sample.png (a letter of agreement), in plain words. */
export const DEMO_BLUEPRINT = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  class: 'Letter of agreement',
  description: 'A short letter in which two parties agree on some work and its payment',
  type: 'object',
  properties: {
    parties: { type: 'string', inferenceType: 'explicit', instruction: 'who the agreement is between' },
    work: { type: 'string', inferenceType: 'explicit', instruction: 'the work that will be done' },
    deadline: { type: 'string', inferenceType: 'explicit', instruction: 'by when the work must be done' },
    payment: { type: 'string', inferenceType: 'explicit', instruction: 'how much is paid, as written' },
    iban: { type: 'string', inferenceType: 'explicit', instruction: 'the bank account (IBAN) to pay to' },
    is_construction_work: {
      type: 'boolean',
      inferenceType: 'inferred',
      instruction: 'is the work building or repair work?',
    },
  },
} as const;

/**
 * The batch's standard output: every modality's extraction as by default, summaries left out — the model writes
 * those one prompt at a time (20-60 s each on 2 cores), so the demo shows them on one file, not on nine.
 */
export const DEMO_STANDARD_OUTPUT = {
  document: { generativeField: { state: 'DISABLED' } },
  image: { generativeField: { state: 'DISABLED' } },
  video: { generativeField: { state: 'DISABLED' } },
  audio: { generativeField: { state: 'DISABLED' } },
} as const;

interface Explained {
  success?: boolean;
  confidence?: number;
  engine?: string;
  reason?: string;
  geometry?: { page: number; boundingBox: { left: number; top: number } }[];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What the demo prints about the model's reading of one document. */
export function modelReport(standard: unknown, custom: unknown): string {
  const doc = (standard as { document?: Record<string, unknown> }).document ?? {};
  const source = doc.generative_source as
    | { method?: string; provider_refused?: string; provider_error?: string }
    | undefined;
  const lines = [
    `summary (${source?.method ?? 'none'}): ${doc.summary ? clip(String(doc.summary), 400) : '(empty)'}`,
    ...(source?.provider_refused ? [`  the model's summary was refused: ${source.provider_refused}`] : []),
    ...(source?.provider_error ? [`  the model failed: ${source.provider_error}`] : []),
  ];
  const c = custom as {
    inference_result?: Record<string, unknown>;
    explainability_info?: Record<string, Explained>[];
    quarry?: { extraction?: string };
  };
  lines.push('', `custom output (${c.quarry?.extraction ?? 'none'}), blueprint "${DEMO_BLUEPRINT.class}":`);
  const why = c.explainability_info?.[0] ?? {};
  for (const [name, value] of Object.entries(c.inference_result ?? {})) {
    const e = why[name] ?? {};
    const at = e.geometry?.[0];
    const where = at ? `page ${at.page} at (${at.boundingBox.left.toFixed(2)}, ${at.boundingBox.top.toFixed(2)})` : '';
    lines.push(
      value === null || value === undefined
        ? `  ${name} = null — ${clip(e.reason ?? 'not found', 160)}`
        : `  ${name} = ${JSON.stringify(value)}  (confidence ${e.confidence ?? '?'}, ${e.engine ?? '?'}${where ? `, ${where}` : ''})`,
    );
  }
  return lines.join('\n');
}
