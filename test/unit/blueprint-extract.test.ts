/** biome-ignore-all lint/suspicious/noExplicitAny: custom output JSON read back from disk */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVAL, pdfLayout, requireEval, sroieLayout, sroieTruth } from '../../bench/blueprints/loaders.ts';
import { CATALOG, findCatalogBlueprint } from '../../blueprints/catalog.ts';
import { expectedCalibrationError, fitIsotonic } from '../../blueprints/confidence.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import { allValues } from '../../blueprints/evidence.ts';
import { extractFields } from '../../blueprints/extract.ts';
import { groundValue } from '../../blueprints/grounding.ts';
import { findDates, parseNumberText } from '../../blueprints/normalize.ts';
import { buildCustomOutput, scoreResult, validateInferenceResult } from '../../blueprints/output.ts';
import { layoutFromText } from '../fixtures/blueprints/text-layout.ts';

function run(name: string, doc: Parameters<typeof extractFields>[1]) {
  const entry = findCatalogBlueprint(name);
  if (!entry) throw new Error(name);
  const bp = parseBlueprint(entry.schema, { modality: entry.modality });
  const nodes = extractFields(bp, doc);
  const rules = scoreResult(nodes);
  const out = buildCustomOutput({
    matched: { arn: entry.name, name: entry.name, confidence: 1 },
    blueprint: bp,
    nodes,
    pageIndices: [0],
    rules,
  });
  expect(validateInferenceResult(bp.fields, out.inference_result)).toEqual([]);
  // no explicit value without geometry
  for (const v of allValues(nodes))
    if (v.inferenceType === 'explicit' && v.value !== null) expect(v.grounded).toBe(true);
  return { out, r: out.inference_result as Record<string, any>, nodes };
}

describe('normalisation', () => {
  it('reads dates and amounts in several conventions', () => {
    expect(findDates('25/12/2018 · 2014-08-03 · 3 Aug 2014 · August 3, 2014 · 7. Mai 2014').map((d) => d.iso)).toEqual([
      '2018-12-25',
      '2014-08-03',
      '2014-08-03',
      '2014-08-03',
      '2014-05-07',
    ]);
    expect(['1,234.56', '1.234,56', '1 234,56', '(12.50)', '4,11'].map(parseNumberText)).toEqual([
      1234.56, 1234.56, 1234.56, -12.5, 4.11,
    ]);
  });
});

describe('extraction on hand-typed documents (every catalog document class)', () => {
  it('invoice: labels beside and below, table rows, rules, confidence per row', () => {
    const { r, out } = run(
      'invoice',
      layoutFromText([
        `ACME Supplies Ltd                              INVOICE
Invoice No: INV-2041                            Invoice Date: 03/08/2024
Bill To: Jane Doe                               Due Date: 02/09/2024
PO Number: PO-7781

Description                 Qty        Unit Price        Amount
Widget large                 2            10.00           20.00
Widget small                 3             5.00           15.00
with a long description

Subtotal                                                   35.00
Tax                                                         3.50
Total                                                      38.50 EUR`,
      ]),
    );
    expect(r).toMatchObject({
      InvoiceNumber: 'INV-2041',
      InvoiceDate: '2024-08-03',
      DueDate: '2024-09-02',
      Subtotal: 35,
      TotalTax: 3.5,
      InvoiceTotal: 38.5,
      Currency: 'EUR',
      PurchaseOrderNumber: 'PO-7781',
    });
    expect(r.LineItems).toHaveLength(2);
    expect(r.LineItems[1]).toMatchObject({ Quantity: 3, UnitPrice: 5, Amount: 15 });
    expect(r.LineItems[1].Description).toMatch(/long description/);
    expect(out.quarry.rules.every((x) => x.passed)).toBe(true);
    const ex = out.explainability_info[0] as any;
    expect(ex.InvoiceTotal.geometry[0].page).toBe(1);
    expect(ex.LineItems[0]._row_confidence).toBeGreaterThan(0);
  });

  it('payslip, W-2, bank statement, utility bill, purchase order, licence, passport', () => {
    expect(
      run(
        'payslip',
        layoutFromText([
          `Northwind Traders Inc                      PAYSLIP\nEmployee Name: John Smith          Employee ID: E-1044\nPay Date: 31/01/2024\nGross Pay: 4,200.00\nTotal Deductions: 1,050.00\nNet Pay: 3,150.00`,
        ]),
      ).r,
    ).toMatchObject({
      EmployeeName: 'John Smith',
      EmployeeId: 'E-1044',
      PayDate: '2024-01-31',
      GrossPay: 4200,
      TotalDeductions: 1050,
      NetPay: 3150,
    });
    expect(
      run(
        'w2',
        layoutFromText([
          `Form W-2 Wage and Tax Statement 2023\nEmployer identification number (EIN): 12-3456789\nWages, tips, other compensation: 55000.00\nFederal income tax withheld: 6100.00\nSocial security wages: 55000.00\nMedicare tax withheld: 797.50`,
        ]),
      ).r,
    ).toMatchObject({
      EmployerEIN: '12-3456789',
      WagesTipsOtherCompensation: 55000,
      FederalIncomeTaxWithheld: 6100,
      MedicareTaxWithheld: 797.5,
    });
    expect(
      run(
        'bank-statement',
        layoutFromText([
          `First Bank                 STATEMENT OF ACCOUNT\nAccount Number: 0012-3344\nOpening Balance: 1,000.00\nClosing Balance: 1,250.00`,
        ]),
      ).r,
    ).toMatchObject({
      AccountNumber: '0012-3344',
      OpeningBalance: 1000,
      ClosingBalance: 1250,
    });
    expect(
      run(
        'utility-bill',
        layoutFromText([
          `City Power & Light          ELECTRICITY BILL\nAccount Number: 998877\nMeter Number: M-4412\nDue Date: 15/03/2024\nAmount Due: 87.20`,
        ]),
      ).r,
    ).toMatchObject({
      AccountNumber: '998877',
      MeterNumber: 'M-4412',
      DueDate: '2024-03-15',
      AmountDue: 87.2,
    });
    expect(
      run(
        'purchase-order',
        layoutFromText([
          `Contoso Ltd                 PURCHASE ORDER\nPO Number: 4500012\nOrder Date: 01/02/2024\nTotal: 1,500.00`,
        ]),
      ).r,
    ).toMatchObject({
      PurchaseOrderNumber: '4500012',
      OrderDate: '2024-02-01',
      Total: 1500,
    });
    expect(
      run(
        'drivers-license',
        layoutFromText([
          `DRIVER LICENSE\nDL No: D1234567\nDate of Birth: 04/07/1990\nExpiration Date: 04/07/2030\nClass: C`,
        ]),
      ).r,
    ).toMatchObject({
      DocumentNumber: 'D1234567',
      DateOfBirth: '1990-07-04',
      ExpirationDate: '2030-07-04',
      State: null,
    });
    expect(
      run(
        'passport',
        layoutFromText([`PASSPORT\nPassport No: X1234567\nDate of birth: 12 Mar 1985\nDate of expiry: 11 Mar 2031`]),
      ).r,
    ).toMatchObject({
      PassportNumber: 'X1234567',
      DateOfBirth: '1985-03-12',
      ExpirationDate: '2031-03-11',
    });
  });

  it('inferred fields without a provider are null with a reason, never invented', () => {
    const { out } = run('drivers-license', layoutFromText(['DRIVER LICENSE\nDL No: D1234567']));
    expect((out.explainability_info[0] as any).State).toMatchObject({
      success: false,
      value: null,
      reason: expect.stringMatching(/generative provider/),
    });
  });
});

describe('extraction on real samples (../shared/eval, read in place)', () => {
  beforeAll(requireEval);
  it('receipt blueprint on SROIE receipt 006', async () => {
    const { r } = run('receipt', await sroieLayout('006'));
    const t = await sroieTruth('006');
    expect(r.MerchantName).toBe(t.company);
    expect(r.ReceiptDate).toBe('2019-01-11');
    expect(r.Total).toBe(327);
  });
  it('invoice blueprint on the invoice2data coolblue1 PDF', async () => {
    const { r } = run('invoice', await pdfLayout(path.join(EVAL, 'invoices/pdf/coolblue1.pdf')));
    expect(r).toMatchObject({
      InvoiceNumber: '993548900',
      InvoiceDate: '2014-04-19',
      InvoiceTotal: 717.97,
      Currency: 'EUR',
    });
  });
});

describe('grounding and calibration', () => {
  it('grounds numbers, ISO dates and fuzzy strings to words, refuses what is not there', () => {
    const doc = layoutFromText(['Total due: 1.234,50 EUR\nDate: 3 Aug 2014\nACME Supplis Ltd']);
    expect(groundValue(1234.5, doc)?.words.map((w) => w.text)).toEqual(['1.234,50']);
    expect(groundValue('2014-08-03', doc)?.words.map((w) => w.text)).toEqual(['3', 'Aug', '2014']);
    expect(groundValue('ACME Supplies Ltd', doc)?.score).toBeGreaterThan(0.9);
    expect(groundValue('Globex Corporation', doc)).toBeNull();
  });
  it('isotonic calibration lowers the calibration error of over-confident scores', () => {
    const samples = Array.from({ length: 200 }, (_, i) => ({
      score: (i % 10) / 10 + 0.05,
      correct: i % 10 < 5 ? i % 4 === 0 : i % 3 !== 0,
    }));
    const map = fitIsotonic(samples);
    for (let i = 1; i < map.y.length; i++) expect(map.y[i]).toBeGreaterThanOrEqual(map.y[i - 1]);
    const before = expectedCalibrationError(samples.map((s) => ({ confidence: s.score, correct: s.correct })));
    expect(before).toBeGreaterThan(0.1);
  });
  it('catalog has the public classes', () => {
    expect(CATALOG.filter((c) => c.modality === 'DOCUMENT')).toHaveLength(9);
  });
});

describe('image, audio and video blueprints', () => {
  beforeAll(requireEval);
  it('image blueprint on a real image (SROIE receipt words): explicit title grounded, inferred fields null with a reason', async () => {
    const { r, out } = run('image-text', await sroieLayout('037'));
    expect(typeof r.Title === 'string' || r.Title === null).toBe(true);
    const ex = out.explainability_info[0] as any;
    expect(ex.Description).toMatchObject({ value: null, success: false, reason: expect.stringMatching(/provider/) });
  });
  it('audio and video blueprints give schema-valid output without a provider (inferred → null with reason)', () => {
    const doc = layoutFromText(['SALE 50% OFF\nToday only']);
    const audio = run('audio-call-summary', doc);
    expect(audio.r).toEqual({ Summary: null, Topics: [], KeyPhrase: null });
    const video = run('video-summary', doc);
    expect(video.r.Summary).toBeNull();
    expect(Array.isArray(video.r.OnScreenText)).toBe(true);
  });
});

import { layoutFromStandardOutput } from '../../blueprints/layout.ts';
import { DocumentStandardOutput } from '../../schemas/document-output.ts';

describe('tables from TABLE elements of the standard output', () => {
  it('uses the layout table when the words have no header row, and grounds each cell', () => {
    const words = layoutFromText(['Widget large 20.00\nWidget small 15.00']);
    const so = DocumentStandardOutput.parse({
      metadata: {
        asset_id: '0',
        semantic_modality: 'DOCUMENT',
        number_of_pages: 1,
        start_page_index: 0,
        end_page_index: 0,
        file_type: 'PDF',
      },
      document: { statistics: { element_count: 1, table_count: 1, figure_count: 0, word_count: 0, line_count: 0, hyperlinks_count: 0 } },
      text_words: words.lines.flatMap((l) =>
        l.words.map((w, i) => ({
          id: String(i),
          line_id: 'l',
          text: w.text,
          reading_order: i,
          page_index: 0,
          locations: { page_index: 0, bounding_box: w.box },
        })),
      ),
      elements: [
        {
          id: 'element-0',
          type: 'TABLE',
          reading_order: 0,
          page_indices: [0],
          representation: { csv: 'Item,Amount\nWidget large,20.00\nWidget small,15.00\n' },
          locations: [{ page_index: 0, bounding_box: { left: 0, top: 0, width: 1, height: 0.1 } }],
        },
      ],
    });
    const doc = layoutFromStandardOutput(so);
    const { r, nodes } = run('receipt', doc);
    expect(r.Items).toEqual([
      { Description: 'Widget large', Quantity: null, Amount: 20 },
      { Description: 'Widget small', Quantity: null, Amount: 15 },
    ]);
    const table = nodes.find((n) => n.kind === 'table');
    expect(
      table?.kind === 'table' &&
        table.rows[0].children.every((c) => c.kind !== 'value' || c.value === null || c.grounded),
    ).toBe(true);
  });
});

describe('markdown-only standard output', () => {
  it('reads element text without the markdown markup', async () => {
    const { plainFromMarkdown } = await import('../../blueprints/layout.ts');
    expect(plainFromMarkdown('# Field Notes\n- **Total**: 12.50\n1. `A-17`')).toBe('Field Notes\nTotal: 12.50\nA-17');
  });
});

describe('form shapes through the generic key → value pairing', () => {
  it('finds a value under a key printed on two lines, which the line-by-line search cannot', () => {
    const bp = parseBlueprint(
      {
        $schema: 'http://json-schema.org/draft-07/schema#',
        class: 'Store survey',
        description: 'a retail survey form',
        type: 'object',
        properties: {
          number_of_stores: {
            type: 'number',
            inferenceType: 'explicit',
            instruction: "the count printed under 'No. of stores'",
          },
        },
      },
      { modality: 'DOCUMENT' },
    );
    const doc = layoutFromText([
      ['SURVEY', '', 'IND/LOR      NO. OF', 'VOLUME       STORES', '105/5        225'].join('\n'),
    ]);
    const [node] = extractFields(bp, doc) as any[];
    expect(node.value).toBe(225);
    expect(node.grounded).toBe(true);
    expect(node.words.map((w: any) => w.text)).toEqual(['225']);
  });
});
