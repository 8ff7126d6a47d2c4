import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../blueprints/catalog.ts';
import { type BlueprintSchemaError, parseBlueprint } from '../../blueprints/dialect.ts';

const error = (schema: unknown) => {
  try {
    parseBlueprint(schema as Record<string, unknown>);
  } catch (e) {
    return e as BlueprintSchemaError;
  }
  throw new Error('expected a BlueprintSchemaError');
};

describe('blueprint dialect', () => {
  it('parses leaves, lists, tables and nested groups', () => {
    const bp = parseBlueprint({
      class: 'Invoice',
      description: 'An invoice',
      definitions: {
        LINEITEM: {
          properties: {
            quantity: { type: 'number', inferenceType: 'explicit' },
            amount: { type: 'number', inferenceType: 'Explicit', instruction: 'Unit Price * Quantity' },
          },
        },
        Address: { properties: { City: { type: 'string', inferenceType: 'explicit' } } },
      },
      properties: {
        InvoiceNumber: { type: 'string', inferenceType: 'explicit', instruction: 'The unique invoice number' },
        IsSigned: { type: 'boolean', inferenceType: 'inferred', instruction: 'Is the document signed?' },
        OtherExpenses: { type: 'array', inferenceType: 'explicit', instruction: 'x', items: { type: 'string' } },
        SERVICES_TABLE: { type: 'array', instruction: 'Line items', items: { $ref: '#/definitions/LINEITEM' } },
        VendorAddress: { $ref: '#/definitions/Address' },
      },
    });
    expect(bp.fields.map((f) => f.kind)).toEqual(['leaf', 'leaf', 'list', 'table', 'group']);
    expect(bp.counts).toEqual({ leafFields: 6, listLeafFields: 3 });
    const table = bp.fields[3];
    expect(table.kind === 'table' && table.columns[1]).toMatchObject({
      name: 'amount',
      inferenceType: 'explicit',
      pointer: '/definitions/LINEITEM/properties/amount',
    });
  });

  it('names the JSON pointer of what is wrong', () => {
    expect(error({ class: 'X', properties: { a: { $ref: '#/definitions/Nope' } } }).pointer).toBe('/properties/a/$ref');
    expect(error({ class: 'X', properties: { a: { type: 'money' } } }).pointer).toBe('/properties/a/type');
    expect(error({ class: 'X', properties: { a: { type: 'string', inferenceType: 'guess' } } }).pointer).toBe(
      '/properties/a/inferenceType',
    );
    expect(error({ class: 'X', properties: { ['n'.repeat(61)]: { type: 'string' } } }).reason).toMatch(/limit is 60/);
    expect(error({ class: 'X', properties: { a: { type: 'array', items: { type: 'array' } } } }).pointer).toBe(
      '/properties/a/items/type',
    );
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, { type: 'string' }]));
    expect(error({ class: 'X', properties: many })).toMatchObject({
      pointer: '/properties/f100',
      type: 'ValidationException',
    });
    const lists = Object.fromEntries(
      Array.from({ length: 31 }, (_, i) => [`l${i}`, { type: 'array', items: { type: 'string' } }]),
    );
    expect(error({ class: 'X', properties: lists }).reason).toMatch(/30 list leaf/);
    expect(() =>
      parseBlueprint(
        JSON.stringify({ class: 'X', description: 'x'.repeat(100_001), properties: { a: { type: 'string' } } }),
      ),
    ).toThrow(/limit is 100000/);
    expect(
      error({
        class: 'X',
        definitions: { A: { properties: { b: { $ref: '#/definitions/A' } } } },
        properties: { a: { $ref: '#/definitions/A' } },
      }).reason,
    ).toMatch(/circular/);
  });

  it('every catalog blueprint is valid', () => {
    expect(CATALOG.length).toBe(12);
    for (const e of CATALOG) expect(() => parseBlueprint(e.schema, { modality: e.modality })).not.toThrow();
    expect(new Set(CATALOG.map((e) => e.modality))).toEqual(new Set(['DOCUMENT', 'IMAGE', 'AUDIO', 'VIDEO']));
  });
});

import { mergeBlueprintAnswer } from '../../engines/language/blueprint-from-text.ts';
import { blueprintFromText } from '../../blueprints/from-text.ts';

describe('blueprint from a sentence', () => {
  it('is deterministic for field lists', () => {
    const s = blueprintFromText('a blueprint for invoices with tax, dueDate and ReceiptDate');
    expect(s.class).toBe('Invoice');
    expect(s.properties).toEqual({
      Tax: { type: 'number', inferenceType: 'explicit', instruction: 'The tax' },
      DueDate: { type: 'string', inferenceType: 'explicit', instruction: 'The due date in YYYY-MM-DD' },
      ReceiptDate: { type: 'string', inferenceType: 'explicit', instruction: 'The receipt date in YYYY-MM-DD' },
    });
    expect(() => parseBlueprint(s)).not.toThrow();
  });

  it('takes a provider answer only through a typed merge that keeps every field of the draft', () => {
    const draft = blueprintFromText('a blueprint for invoices with tax, dueDate and ReceiptDate');
    const merged = mergeBlueprintAnswer(draft, {
      description: 'A supplier invoice',
      fields: [
        { name: 'tax', type: 'number', inferenceType: 'explicit', instruction: 'Total VAT charged on the invoice' },
        { name: 'DueDate', type: 'number', inferenceType: 'explicit', instruction: 'Date payment is due, YYYY-MM-DD' },
        { name: 'VendorName', type: 'string', inferenceType: 'explicit', instruction: 'Name of the issuing company' },
        { name: '1bad name', type: 'string', inferenceType: 'explicit', instruction: 'refused: not a field name' },
        { name: 'Empty', type: 'string', inferenceType: 'explicit', instruction: '' },
      ],
    })!;
    const props = merged.properties as Record<string, { type: string; instruction: string }>;
    expect(Object.keys(props)).toEqual(['Tax', 'DueDate', 'ReceiptDate', 'VendorName']);
    expect(props.Tax.instruction).toBe('Total VAT charged on the invoice');
    expect(props.DueDate.type).toBe('string'); // a date stays an ISO string
    expect(props.ReceiptDate.instruction).toBe('The receipt date in YYYY-MM-DD'); // untouched
    expect(merged.description).toBe('A supplier invoice');
    expect(() => parseBlueprint(merged)).not.toThrow();
    expect(mergeBlueprintAnswer(draft, { fields: 'nonsense' })).toBeNull();
    expect(mergeBlueprintAnswer(draft, null)).toBeNull();
  });
});
