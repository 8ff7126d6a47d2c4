import { describe, expect, it } from 'vitest';
import { readWithModel } from '../../activities/custom-output/model-fields.ts';
import { agreementOf } from '../../blueprints/agreement.ts';
import { confidenceOf } from '../../blueprints/confidence.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import { allValues, type FieldValue, type ResultTable } from '../../blueprints/evidence.ts';
import { extractFields } from '../../blueprints/extract.ts';
import { answerSchema, fieldsToAsk, readingPrompt } from '../../blueprints/model-prompt.ts';
import type { GenerateRequest, GenerativeProvider } from '../../engines/language/provider.ts';
import { layoutFromText } from '../fixtures/blueprints/text-layout.ts';

describe('model agreement', () => {
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
});

// a scripted provider: the unit under test is the prompt, the grounding and the bookkeeping, not a model
const scripted = (answer: unknown, seen: GenerateRequest[] = []): GenerativeProvider => ({
  name: 'scripted',
  async generate(req) {
    seen.push(req);
    return {
      text: JSON.stringify(answer),
      json: answer,
      model: 'scripted-model',
      valueProbabilities: [{ pointer: '/total/value', probability: 0.9 }],
    };
  },
});
const failing: GenerativeProvider = {
  name: 'down',
  async generate() {
    throw new Error('connection refused');
  },
};

const bp = parseBlueprint({
  class: 'Invoice',
  description: 'an invoice',
  properties: {
    seller: { type: 'string', inferenceType: 'explicit', instruction: 'who sold' },
    invoice_number: { type: 'string', inferenceType: 'explicit', instruction: 'the invoice number' },
    total: { type: 'number', inferenceType: 'explicit', instruction: 'the amount due' },
    iban: { type: 'string', inferenceType: 'explicit', instruction: 'the IBAN to pay to' },
    is_paid: { type: 'boolean', inferenceType: 'inferred', instruction: 'has it been paid already?' },
  },
});
const doc = layoutFromText(['ACME Ltd\nInvoice number: INV-4711\nThanks for your payment\nTotal: 38.50 EUR']);
const byName = (nodes: readonly unknown[]) => Object.fromEntries((nodes as FieldValue[]).map((n) => [n.name, n]));

describe('reading a blueprint with the model', () => {
  it('shows numbered lines, the instructions and the layout pass hints; the answer schema cites a line per value', () => {
    const req = readingPrompt(bp, doc, extractFields(bp, doc));
    expect(req.prompt).toContain('2: Invoice number: INV-4711');
    expect(req.prompt).toContain('- total (number): the amount due');
    expect(req.prompt).toMatch(/a layout pass read "INV-4711" on line 2/);
    const schema = req.jsonSchema as { properties: Record<string, { properties: object; required: string[] }> };
    expect(Object.keys(schema.properties)).toEqual(['seller', 'invoice_number', 'total', 'iban', 'is_paid']);
    expect(schema.properties.total.required).toEqual(['line', 'value']);
  });

  it('grounds cited values, refuses values not in the document, nulls what the model did not find', async () => {
    const seen: GenerateRequest[] = [];
    const answer = {
      seller: { line: 1, value: 'ACME Ltd' },
      invoice_number: { line: 2, value: 'INV-4711' },
      total: { line: 4, value: 38.5 },
      iban: { line: 4, value: 'DE89370400440532013000' }, // made up: not in the document
      is_paid: { line: 3, value: true },
    };
    const layout = extractFields(bp, doc);
    const read = await readWithModel(bp, layout, doc, scripted(answer, seen));
    expect(read.engine).toBe('scripted');
    const v = byName(read.nodes);
    expect(v.seller).toMatchObject({ value: 'ACME Ltd', grounded: true });
    expect(v.seller.words.map((w) => w.text)).toEqual(['ACME', 'Ltd']);
    expect(v.total).toMatchObject({ value: 38.5, grounded: true });
    expect(v.total.features).toMatchObject({ source: 'model', model: 0.9, position: 1 });
    expect(v.iban.value).toBeNull();
    expect(v.iban.reason).toMatch(/not in the document.*refused, not grounded/);
    // an inferred value carries the line it was inferred from
    expect(v.is_paid.value).toBe(true);
    expect(v.is_paid.words.map((w) => w.text).join(' ')).toBe('Thanks for your payment');
    for (const x of allValues(read.nodes))
      if (x.inferenceType === 'explicit' && x.value !== null) expect(x.grounded).toBe(true);
  });

  it('agreement with the layout pass moves confidence', async () => {
    const layout = extractFields(bp, doc);
    const agree = byName(
      (await readWithModel(bp, layout, doc, scripted({ invoice_number: { line: 2, value: 'INV-4711' } }))).nodes,
    );
    const disagree = byName(
      (await readWithModel(bp, extractFields(bp, doc), doc, scripted({ invoice_number: { line: 4, value: '38.50' } })))
        .nodes,
    );
    expect(agree.invoice_number.features.agreement).toBe(1);
    expect(disagree.invoice_number.features.agreement).toBe(-1);
    expect(confidenceOf(agree.invoice_number.features)).toBeGreaterThan(confidenceOf(disagree.invoice_number.features));
  });

  it('a null answer says what the layout pass had read', async () => {
    const v = byName(
      (await readWithModel(bp, extractFields(bp, doc), doc, scripted({ invoice_number: { line: null, value: null } })))
        .nodes,
    );
    expect(v.invoice_number.value).toBeNull();
    expect(v.invoice_number.reason).toMatch(/not in the document.*layout pass had read "INV-4711"/);
  });

  it('a provider failure leaves the layout result, each field saying why', async () => {
    const layout = extractFields(bp, doc);
    const read = await readWithModel(bp, layout, doc, failing);
    expect(read.engine).toBeNull();
    expect(byName(read.nodes).invoice_number.value).toBe('INV-4711');
    for (const x of allValues(read.nodes)) expect(x.reason).toMatch(/did not read this field \(connection refused\)/);
  });

  it('tables the layout pass read from the page are not asked again', () => {
    const withItems = parseBlueprint({
      class: 'Receipt',
      description: 'a receipt',
      definitions: {
        Item: {
          type: 'object',
          properties: { name: { type: 'string', inferenceType: 'explicit', instruction: 'item' } },
        },
      },
      properties: {
        total: { type: 'number', inferenceType: 'explicit', instruction: 'total' },
        items: { type: 'array', items: { $ref: '#/definitions/Item' }, instruction: 'the items' },
      },
    });
    const read: ResultTable = { kind: 'table', name: 'items', rows: [{ kind: 'group', name: 'Item', children: [] }] };
    expect(fieldsToAsk(withItems.fields, [read]).map((f) => f.name)).toEqual(['total']);
    expect(fieldsToAsk(withItems.fields, []).map((f) => f.name)).toEqual(['total', 'items']);
    expect(
      Object.keys((answerSchema(fieldsToAsk(withItems.fields, [read])) as { properties: object }).properties),
    ).toEqual(['total']);
  });
});

describe('typing the model answer', () => {
  it('a date field takes only a date', async () => {
    const dated = parseBlueprint({
      class: 'Receipt',
      description: 'a receipt',
      properties: { purchase_date: { type: 'string', inferenceType: 'explicit', instruction: 'the day of the purchase' } },
    });
    const d = layoutFromText(['Date 03/02/2018\nTotal 71.30']);
    const ok = byName((await readWithModel(dated, [], d, scripted({ purchase_date: { line: 1, value: '03/02/2018' } }))).nodes);
    expect(ok.purchase_date.value).toBe('2018-02-03');
    const amount = byName((await readWithModel(dated, [], d, scripted({ purchase_date: { line: 2, value: '71.30' } }))).nodes);
    expect(amount.purchase_date.value).toBeNull();
    expect(amount.purchase_date.reason).toMatch(/"71.30", which is not a date/);
  });
});

describe('the absent-field guard', () => {
  const receipt = layoutFromText([
    'KEDAI MAKAN SRI MELATI SDN BHD\nNO 12 JALAN MAWAR 81100 JOHOR\nINV NO: 001335787520\nQTY 2 100.00\nTOTAL 71.30\nTEL 07-3345678\n03/02/2018 13:45',
  ]);
  const absent = parseBlueprint({
    class: 'Bill',
    description: 'a bill',
    properties: {
      vendor: { type: 'string', inferenceType: 'explicit', instruction: 'legal name of the vendor' },
      where: { type: 'string', inferenceType: 'explicit', instruction: "the store's address" },
      amount_paid: { type: 'number', inferenceType: 'explicit', instruction: 'how much I paid in the end' },
      iban: { type: 'string', inferenceType: 'explicit', instruction: "IBAN of the vendor's bank account" },
      flight_number: { type: 'string', inferenceType: 'explicit', instruction: 'the flight number' },
      contact: { type: 'string', inferenceType: 'explicit', instruction: 'phone number of the shop' },
      when: { type: 'string', inferenceType: 'explicit', instruction: 'date of the sale' },
      due_date: { type: 'string', inferenceType: 'explicit', instruction: 'the date the payment is due' },
      to_pay: { type: 'number', inferenceType: 'explicit', instruction: 'final sum the customer has to pay' },
      deposit: { type: 'number', inferenceType: 'explicit', instruction: 'the deposit left for the room' },
    },
  });
  const answer = {
    vendor: { line: 1, value: 'KEDAI MAKAN SRI MELATI SDN BHD' },
    where: { line: 2, value: 'NO 12 JALAN MAWAR 81100 JOHOR' },
    amount_paid: { line: 5, value: 71.3 },
    iban: { line: 3, value: '001335787520' }, // text that is there, but no IBAN label near it
    flight_number: { line: 4, value: '100.00' },
    contact: { line: 6, value: '07-3345678' },
    when: { line: 7, value: '03/02/2018' },
    due_date: { line: 7, value: '03/02/2018' }, // the sale's date: a due date needs its own label
    to_pay: { line: 5, value: 71.3 }, // any money label will do for a money field
    deposit: { line: 4, value: 100 }, // a quantity line: no money label
  };

  it('refuses a value the layout pass did not find when no label of the field is near it', async () => {
    const v = byName((await readWithModel(absent, [], receipt, scripted(answer))).nodes);
    expect(v.iban.value).toBeNull();
    expect(v.iban.reason).toMatch(/no label of "iban" is on that line or the one above .*not accepted/);
    expect(v.flight_number.value).toBeNull();
    // a total is labelled by the role's usual words, a phone by "tel"; vendor and address need no label
    expect(v.amount_paid).toMatchObject({ value: 71.3, grounded: true });
    expect(v.amount_paid.features.label).toBeGreaterThan(0.9);
    expect(v.contact.value).toBe('07-3345678');
    expect(v.vendor.value).toBe('KEDAI MAKAN SRI MELATI SDN BHD');
    expect(v.where.value).toBe('NO 12 JALAN MAWAR 81100 JOHOR');
    expect(v.when.value).toBe('2018-02-03');
    expect(v.due_date.value).toBeNull();
    expect(v.to_pay.value).toBe(71.3);
    expect(v.deposit.value).toBeNull();
  });

  it('keeps a value the layout pass also read, label or not', async () => {
    const layout = [
      { ...byName((await readWithModel(absent, [], receipt, scripted(answer))).nodes).vendor, name: 'iban', value: 'X' },
    ];
    const v = byName((await readWithModel(absent, layout, receipt, scripted(answer))).nodes);
    expect(v.iban.value).toBe('001335787520');
    expect(v.iban.features.agreement).toBe(-1);
  });
});
