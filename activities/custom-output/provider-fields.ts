/**
 * Asks the configured generative provider for the fields layout extraction could not fill: every inferred
 * field, and explicit fields left empty. Answers are typed-checked and grounded like any value: an explicit
 * answer that cannot be found in the source words is refused (left null with the reason).
 *
 * In the same call it cross-checks the values layout extraction did find (unless `crossCheck` is false,
 * env QUARRY_PROVIDER_CROSSCHECK=false): the provider's independent reading sets each value's `agreement`
 * (+1 / −1), which raises or lowers its confidence. The layout value stays: it is grounded in the words.
 */
import type { Blueprint } from '../../blueprints/dialect.ts';
import type { FieldValue, ResultNode } from '../../blueprints/evidence.ts';
import { agreementOf } from '../../blueprints/agreement.ts';
import { groundValue } from '../../blueprints/grounding.ts';
import type { LayoutDocument } from '../../blueprints/layout.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';

const jsonType = (t: string) =>
  t === 'integer' ? 'integer' : t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'string';

export async function fillWithProvider(
  bp: Blueprint,
  nodes: ResultNode[],
  doc: LayoutDocument,
  provider: GenerativeProvider,
  signal?: AbortSignal,
  opts: { crossCheck?: boolean } = {},
): Promise<{ filled: number; checked: number }> {
  const values = nodes.filter((n): n is FieldValue => n.kind === 'value');
  const wanted = values.filter((v) => v.value === null);
  const checked = opts.crossCheck === false ? [] : values.filter((v) => v.value !== null);
  const asked = [...wanted, ...checked];
  if (!wanted.length && !checked.length) return { filled: 0, checked: 0 };
  const instructions = new Map(bp.fields.map((f) => [f.name, f.instruction]));
  const schema = {
    type: 'object',
    properties: Object.fromEntries(
      asked.map((v) => [v.name, { type: [jsonType(v.type), 'null'], description: instructions.get(v.name) ?? '' }]),
    ),
    required: asked.map((v) => v.name),
    additionalProperties: false,
  };
  const text = doc.lines
    .map((l) => l.text)
    .join('\n')
    .slice(0, 12_000);
  const res = await provider.generate(
    {
      system: 'You extract fields from documents. Use only what the document says; answer null when it does not say.',
      prompt: `Document class: ${bp.class}. ${bp.description}\n\nDocument text:\n"""\n${text}\n"""\n\nFill these fields.`,
      jsonSchema: schema,
      temperature: 0,
    },
    signal,
  );
  const answer = (res.json ?? {}) as Record<string, unknown>;
  for (const v of checked) v.features = { ...v.features, agreement: agreementOf(v.value!, answer[v.name]) };
  let filled = 0;
  for (const v of wanted) {
    const a = answer[v.name];
    if (a === null || a === undefined) continue;
    const okType =
      v.type === 'string'
        ? typeof a === 'string'
        : v.type === 'boolean'
          ? typeof a === 'boolean'
          : typeof a === 'number';
    if (!okType) continue;
    const g = groundValue(a, doc);
    if (v.inferenceType === 'explicit' && !g) {
      v.reason = `the provider answered ${JSON.stringify(a)}, which is not in the document (refused: not grounded)`;
      continue;
    }
    v.value = a as string | number | boolean;
    v.words = g?.words ?? [];
    v.grounded = Boolean(g);
    v.reason = undefined;
    v.features = {
      ocr: g ? g.words.reduce((s, w) => s + w.confidence, 0) / g.words.length : 0.5,
      label: g ? g.score * 0.6 : 0.3,
      position: 0.7,
      parse: 1,
      rule: 0,
      agreement: 0,
      source: 'provider',
    };
    filled++;
  }
  return { filled, checked: checked.length };
}
