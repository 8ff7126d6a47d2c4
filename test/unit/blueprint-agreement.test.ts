import { describe, expect, it } from 'vitest';
import type { GenerateRequest, GenerativeProvider } from '../../engines/language/provider.ts';
import { fillWithProvider } from '../../activities/custom-output/provider-fields.ts';
import { agreementOf } from '../../blueprints/agreement.ts';
import { confidenceOf } from '../../blueprints/confidence.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import type { FieldValue } from '../../blueprints/evidence.ts';
import { extractFields } from '../../blueprints/extract.ts';
import { layoutFromText } from '../fixtures/blueprints/text-layout.ts';

describe('provider agreement', () => {
  it('compares values by meaning, not spelling', () => {
    expect(agreementOf(38.5, '38.50')).toBe(1);
    expect(agreementOf(38.5, 'EUR 38,50')).toBe(1);
    expect(agreementOf(38.5, 83.5)).toBe(-1);
    expect(agreementOf('2024-03-03', '3 March 2024')).toBe(1);
    expect(agreementOf('2024-03-03', '2024-03-04')).toBe(-1);
    expect(agreementOf('ACME Ltd', 'Acme Ltd.')).toBe(1);
    expect(agreementOf('ACME Ltd', 'Globex Corporation')).toBe(-1);
    expect(agreementOf(true, 'yes')).toBe(1);
    expect(agreementOf('INV-4711', null)).toBe(-1);
  });

  // a scripted provider: the unit under test is the cross-check bookkeeping, not a model
  const scripted = (answer: Record<string, unknown>, seen: GenerateRequest[] = []): GenerativeProvider => ({
    name: 'scripted',
    async generate(req) {
      seen.push(req);
      return { text: JSON.stringify(answer), json: answer, model: 'scripted' };
    },
  });
  const bp = parseBlueprint({
    class: 'Invoice',
    description: 'an invoice',
    properties: {
      invoice_number: { type: 'string', inferenceType: 'explicit', instruction: 'the invoice number' },
      total: { type: 'number', inferenceType: 'explicit', instruction: 'the amount due' },
    },
  });
  const doc = layoutFromText(['ACME Ltd\nInvoice number: INV-4711\nTotal: 38.50 EUR']);

  it('asks the provider about found values too, and agreement moves their confidence', async () => {
    const nodes = extractFields(bp, doc);
    const before = nodes.map((n) => confidenceOf((n as FieldValue).features));
    const seen: GenerateRequest[] = [];
    const n = await fillWithProvider(bp, nodes, doc, scripted({ invoice_number: 'INV-4711', total: 99 }, seen));
    expect(n).toEqual({ filled: 0, checked: 2 });
    expect(Object.keys((seen[0].jsonSchema as { properties: object }).properties)).toEqual(['invoice_number', 'total']);
    const [num, total] = nodes as FieldValue[];
    expect(num.features.agreement).toBe(1);
    expect(total.features.agreement).toBe(-1);
    expect(total.value).toBe(38.5); // the grounded layout value stays
    expect(confidenceOf(num.features)).toBeGreaterThan(before[0]);
    expect(confidenceOf(total.features)).toBeLessThan(before[1]);
  });

  it('does not cross-check when turned off', async () => {
    const nodes = extractFields(bp, doc);
    const seen: GenerateRequest[] = [];
    expect(await fillWithProvider(bp, nodes, doc, scripted({}, seen), undefined, { crossCheck: false })).toEqual({
      filled: 0,
      checked: 0,
    });
    expect(seen).toHaveLength(0);
  });
});
