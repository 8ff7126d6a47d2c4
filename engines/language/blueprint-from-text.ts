/**
 * Natural language → blueprint, richer with a generative provider. The deterministic draft
 * (blueprints/from-text.ts) names the fields the sentence lists; the provider then writes each field's
 * instruction, may correct its type and inference type, and may add fields the document class usually
 * carries. Its answer is taken only through a typed merge: every field of the draft stays, names and types must
 * be valid, and the result must parse as a blueprint — otherwise the draft is returned with the reason.
 */
import { BLUEPRINT_LIMITS, parseBlueprint } from '../../blueprints/dialect.ts';
import { blueprintFromText } from '../../blueprints/from-text.ts';
import type { GenerativeProvider } from './provider.ts';

type FieldSpec = { type: string; inferenceType: string; instruction: string };
const TYPES = ['string', 'number', 'integer', 'boolean'];
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,59}$/;
/** fields the provider may add on top of the sentence's own */
const MAX_ADDED = 10;

export interface BlueprintDraft {
  schema: Record<string, unknown>;
  /** the provider that enriched it, or why the deterministic draft was kept */
  enrichedBy?: string;
  note?: string;
}

const answerSchema = {
  type: 'object',
  properties: {
    description: { type: 'string' },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          type: { type: 'string', enum: TYPES },
          inferenceType: { type: 'string', enum: ['explicit', 'inferred'] },
          instruction: { type: 'string' },
        },
        required: ['name', 'type', 'inferenceType', 'instruction'],
      },
    },
  },
  required: ['description', 'fields'],
};

/** Pure: merges a provider's answer into the draft; returns null when nothing usable came back. */
export function mergeBlueprintAnswer(draft: Record<string, unknown>, answer: unknown): Record<string, unknown> | null {
  const a = answer as { description?: unknown; fields?: unknown } | null;
  if (!a || !Array.isArray(a.fields)) return null;
  const properties = { ...(draft.properties as Record<string, FieldSpec>) };
  const known = new Map(Object.keys(properties).map((k) => [k.toLowerCase(), k]));
  let added = 0;
  let changed = 0;
  for (const f of a.fields as Record<string, unknown>[]) {
    if (!f || typeof f.name !== 'string' || !NAME.test(f.name)) continue;
    const instruction = typeof f.instruction === 'string' ? f.instruction.trim().slice(0, 300) : '';
    if (!instruction) continue;
    const type = TYPES.includes(f.type as string) ? (f.type as string) : 'string';
    const inferenceType = f.inferenceType === 'inferred' ? 'inferred' : 'explicit';
    const existing = known.get(f.name.toLowerCase());
    if (existing) {
      // a date stays a string (ISO), whatever the provider says
      const keepType = properties[existing].type === 'string' && /date/i.test(existing) ? 'string' : type;
      properties[existing] = { type: keepType, inferenceType, instruction };
      changed++;
    } else if (added < MAX_ADDED && Object.keys(properties).length < BLUEPRINT_LIMITS.leafFields) {
      properties[f.name] = { type, inferenceType, instruction };
      known.set(f.name.toLowerCase(), f.name);
      added++;
    }
  }
  if (!changed && !added) return null;
  const description =
    typeof a.description === 'string' && a.description.trim() ? a.description.trim().slice(0, 500) : draft.description;
  return { ...draft, description, properties };
}

export async function blueprintFromTextWithProvider(
  text: string,
  provider: GenerativeProvider | null,
  signal?: AbortSignal,
): Promise<BlueprintDraft> {
  const draft = blueprintFromText(text);
  if (!provider) return { schema: draft, note: 'no generative provider configured: deterministic draft' };
  try {
    const res = await provider.generate(
      {
        system:
          'You design blueprints for extracting fields from documents. Answer with JSON only. Keep every field of the draft; write a precise instruction for each; add only fields this document class usually has.',
        prompt: `Request: ${text}\n\nDraft blueprint:\n${JSON.stringify(draft, null, 2)}\n\nImprove it.`,
        jsonSchema: answerSchema,
        temperature: 0,
      },
      signal,
    );
    const merged = mergeBlueprintAnswer(draft, res.json);
    if (!merged) return { schema: draft, note: `${provider.name} gave no usable fields: deterministic draft kept` };
    parseBlueprint(merged); // never hand out a blueprint that does not parse
    return { schema: merged, enrichedBy: provider.name };
  } catch (e) {
    return { schema: draft, note: `${provider.name} failed (${(e as Error).message}): deterministic draft kept` };
  }
}
