import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVAL, pdfLayout, requireEval, sroieLayout } from '../../bench/blueprints/loaders.ts';
import { shapeDocument } from '../../blueprints/apply.ts';
import { findCatalogBlueprint } from '../../blueprints/catalog.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import type { LayoutDocument } from '../../blueprints/layout.ts';
import { type MatchCandidate, matchBlueprint } from '../../blueprints/match.ts';
import { layoutFromText } from '../fixtures/blueprints/text-layout.ts';

const candidate = (name: string): MatchCandidate => {
  const e = findCatalogBlueprint(name)!;
  return {
    arn: `arn:aws:bedrock:us-east-1:aws:blueprint/${e.name}`,
    name: e.name,
    blueprint: parseBlueprint(e.schema),
  };
};
const three = [candidate('invoice'), candidate('receipt'), candidate('payslip')];
const payslipText = `Northwind Traders Inc                      PAYSLIP
Employee Name: John Smith          Employee ID: E-1044
Pay Period: 01/01/2024 - 31/01/2024     Pay Date: 31/01/2024
Description        Hours      Rate      Current
Basic salary        160      25.00      4,000.00
Gross Pay: 4,000.00
Total Deductions: 1,000.00
Net Pay: 3,000.00`;

function packet(parts: LayoutDocument[]): LayoutDocument {
  return {
    pageCount: parts.length,
    lines: parts.flatMap((p, i) =>
      p.lines.map((l) => ({ ...l, page: i, words: l.words.map((w) => ({ ...w, page: i })) })),
    ),
    tables: [],
  };
}

describe('matching', () => {
  it('one blueprint and no fallback is a forced match with confidence 1 (as BDA)', () => {
    expect(matchBlueprint([candidate('invoice')], layoutFromText(['hello']))).toMatchObject({
      status: 'MATCH',
      index: 0,
      confidence: 1,
    });
  });
  it('NO_MATCH when nothing fits, FALLBACK when a fallback blueprint is configured', () => {
    const doc = layoutFromText(['Minutes of the annual general meeting\nAttendees: the board']);
    expect(matchBlueprint(three, doc).status).toBe('NO_MATCH');
    expect(matchBlueprint(three, doc, { hasFallback: true }).status).toBe('FALLBACK');
  });
  it('picks the payslip blueprint for a payslip', () => {
    const m = matchBlueprint(three, layoutFromText([payslipText]));
    expect(m).toMatchObject({ status: 'MATCH', index: 2 });
    expect(m.confidence).toBeGreaterThan(0.5);
  });
});

describe('splitting a packet (real invoice PDF page + real receipt + typed payslip)', () => {
  beforeAll(requireEval);
  it('yields three segments, each matched to the right blueprint', async () => {
    const invoice = await pdfLayout(path.join(EVAL, 'invoices/pdf/coolblue1.pdf'));
    const receipt = await sroieLayout('006');
    const doc = packet([invoice, receipt, layoutFromText([payslipText])]);
    const segments = shapeDocument({ candidates: three, doc, splitter: true });
    expect(segments.map((s) => s.pageIndices)).toEqual([[0], [1], [2]]);
    expect(segments.map((s) => s.matched?.name)).toEqual([three[0].name, three[1].name, three[2].name]);
    for (const s of segments) expect(s.status).toBe('MATCH');
    // pages keep their place in the packet: the receipt's words are on page index 1
    const total = segments[1].nodes?.find((n) => n.kind === 'value' && n.name === 'Total');
    expect(total && total.kind === 'value' && total.words[0].page).toBe(1);
  });
});
