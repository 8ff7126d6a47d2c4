/**
 * `npm run bench -- blueprints`: blueprint extraction accuracy on ../shared/eval (read in place).
 * - SROIE (40 receipts, line OCR ground truth as input): company, date, address, total — exact match F1
 *   after the SROIE normalisation (uppercase, collapsed spaces; totals as numbers; dates compared parsed).
 * - invoice2data (11 PDFs, poppler text layer): invoice_number, date, amount, currency — field accuracy.
 * - FUNSD (50 forms, word ground truth): generic key→value pairing F1 (exact, and fuzzy with edit ≤ 0.2).
 * - Share of explicit values not grounded in the source words (must be 0).
 * - Expected calibration error before/after isotonic calibration, fitted and tested on alternate items (2-fold),
 *   then refitted on all and written to blueprints/calibration.json.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CATALOG } from '../blueprints/catalog.ts';
import { applyCalibration, expectedCalibrationError, fitIsotonic, rawScore } from '../blueprints/confidence.ts';
import { parseBlueprint } from '../blueprints/dialect.ts';
import { allValues, type FieldValue } from '../blueprints/evidence.ts';
import { extractFields } from '../blueprints/extract.ts';
import { parseDate, parseNumberText, similarity } from '../blueprints/normalize.ts';
import { scoreResult } from '../blueprints/output.ts';
import { keyValuePairs } from '../blueprints/pairs.ts';
import {
  EVAL,
  evalAvailable,
  funsdIds,
  funsdLayout,
  funsdPairs,
  invoiceNames,
  invoiceTruth,
  pdfLayout,
  sroieIds,
  sroieLayout,
  sroieTruth,
} from './blueprints/loaders.ts';

const up = (s: unknown) =>
  String(s ?? '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
interface Sample {
  score: number;
  correct: boolean;
  item: number;
}

export default async function bench(): Promise<string> {
  if (!(await evalAvailable())) return `_skipped: evaluation data not found at ${EVAL}_`;
  const samples: Sample[] = [];
  let explicitValues = 0;
  let ungrounded = 0;
  const count = (vs: FieldValue[]) => {
    for (const v of vs)
      if (v.inferenceType === 'explicit' && v.value !== null) {
        explicitValues++;
        if (!v.grounded) ungrounded++;
      }
  };

  // SROIE
  const receipt = parseBlueprint(CATALOG.find((c) => c.name.endsWith('receipt'))!.schema);
  const sroieFields = {
    company: 'MerchantName',
    address: 'MerchantAddress',
    date: 'ReceiptDate',
    total: 'Total',
  } as const;
  const perField: Record<string, number> = { company: 0, address: 0, date: 0, total: 0 };
  let tp = 0;
  let predicted = 0;
  const ids = await sroieIds();
  for (const [i, id] of ids.entries()) {
    const doc = await sroieLayout(id);
    const nodes = extractFields(receipt, doc);
    scoreResult(nodes);
    const vs = [...allValues(nodes)];
    count(vs);
    const truth = await sroieTruth(id);
    for (const [k, name] of Object.entries(sroieFields)) {
      const v = nodes.find((n): n is FieldValue => n.kind === 'value' && n.name === name);
      if (!v || v.value === null) continue;
      predicted++;
      const gt = truth[k as keyof typeof truth];
      const ok =
        k === 'total'
          ? Math.abs(Number(v.value) - (parseNumberText(gt) ?? Number.NaN)) < 0.005
          : k === 'date'
            ? v.value === parseDate(gt)
            : up(v.raw ?? v.value) === up(gt);
      if (ok) {
        tp++;
        perField[k]++;
      }
      samples.push({ score: rawScore(v.features), correct: ok, item: i });
    }
  }
  const sroieP = tp / Math.max(1, predicted);
  const sroieR = tp / (ids.length * 4);
  const sroieF1 = (2 * sroieP * sroieR) / Math.max(1e-9, sroieP + sroieR);

  // invoice2data
  const invoice = parseBlueprint(CATALOG.find((c) => c.name.endsWith('invoice'))!.schema);
  const invFields = {
    invoice_number: 'InvoiceNumber',
    date: 'InvoiceDate',
    amount: 'InvoiceTotal',
    currency: 'Currency',
  } as const;
  let invCorrect = 0;
  let invTotal = 0;
  const invPer: Record<string, [number, number]> = {};
  for (const [i, name] of (await invoiceNames()).entries()) {
    const doc = await pdfLayout(path.join(EVAL, 'invoices/pdf', `${name}.pdf`));
    const nodes = extractFields(invoice, doc);
    scoreResult(nodes);
    count([...allValues(nodes)]);
    const truth = await invoiceTruth(name);
    for (const [k, field] of Object.entries(invFields)) {
      if (truth[k] === undefined) continue;
      const v = nodes.find((n): n is FieldValue => n.kind === 'value' && n.name === field);
      const gt = truth[k];
      const val = v?.value ?? null;
      const ok =
        val !== null &&
        (k === 'amount'
          ? Math.abs(Number(val) - Number(gt)) <= 0.01
          : k === 'invoice_number'
            ? String(val).replace(/[\s#]/g, '') === String(gt).replace(/[\s#]/g, '')
            : String(val) === String(gt));
      invTotal++;
      invPer[k] = [(invPer[k]?.[0] ?? 0) + (ok ? 1 : 0), (invPer[k]?.[1] ?? 0) + 1];
      if (ok) invCorrect++;
      if (v && val !== null) samples.push({ score: rawScore(v.features), correct: ok, item: 1000 + i });
    }
  }

  // FUNSD key → value pairing
  const pairsTruth = await funsdPairs();
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').replace(/:\s*$/, '').trim();
  let fTp = 0;
  let fFuzzy = 0;
  let fPred = 0;
  let fGold = 0;
  for (const id of await funsdIds()) {
    const { doc } = await funsdLayout(id);
    const pred = keyValuePairs(doc);
    const gold = (pairsTruth[id] ?? []).filter((p) => p.answer.trim());
    fPred += pred.length;
    fGold += gold.length;
    const free = [...gold];
    const freeFuzzy = [...gold];
    for (const p of pred) {
      const k = norm(p.key);
      const v = norm(p.value);
      const e = free.findIndex((g) => norm(g.question) === k && norm(g.answer) === v);
      if (e >= 0) {
        fTp++;
        free.splice(e, 1);
      }
      const f = freeFuzzy.findIndex(
        (g) => similarity(norm(g.question), k) >= 0.8 && similarity(norm(g.answer), v) >= 0.8,
      );
      if (f >= 0) {
        fFuzzy++;
        freeFuzzy.splice(f, 1);
      }
    }
  }
  const f1 = (t: number) => (2 * t) / Math.max(1, fPred + fGold);

  // calibration: 2-fold by item, then refit on all
  const foldA = samples.filter((s) => s.item % 2 === 0);
  const foldB = samples.filter((s) => s.item % 2 === 1);
  const eceRaw = expectedCalibrationError(samples.map((s) => ({ confidence: s.score, correct: s.correct })));
  const mapA = fitIsotonic(foldA.map((s) => ({ score: s.score, correct: s.correct })));
  const mapB = fitIsotonic(foldB.map((s) => ({ score: s.score, correct: s.correct })));
  const eceCal = expectedCalibrationError([
    ...foldB.map((s) => ({ confidence: applyCalibration(s.score, mapA), correct: s.correct })),
    ...foldA.map((s) => ({ confidence: applyCalibration(s.score, mapB), correct: s.correct })),
  ]);
  const full = fitIsotonic(
    samples.map((s) => ({ score: s.score, correct: s.correct })),
    `SROIE (${ids.length}) + invoice2data, ${new Date().toISOString().slice(0, 10)}`,
  );
  await fs.writeFile(
    path.resolve(import.meta.dirname, '../blueprints/calibration.json'),
    `${JSON.stringify(full, null, 2)}\n`,
  );

  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    '| measure | value |',
    '|---|---|',
    `| SROIE key fields (40 receipts, GT line OCR as input): micro P / R / **F1** | ${pct(sroieP)} / ${pct(sroieR)} / **${pct(sroieF1)}** |`,
    `| SROIE per field: company / address / date / total | ${['company', 'address', 'date', 'total'].map((k) => pct(perField[k] / ids.length)).join(' / ')} |`,
    `| invoice2data field accuracy (11 PDFs, text layer): number / date / amount / currency | ${['invoice_number', 'date', 'amount', 'currency'].map((k) => `${invPer[k]?.[0] ?? 0}/${invPer[k]?.[1] ?? 0}`).join(' / ')} = **${pct(invCorrect / Math.max(1, invTotal))}** |`,
    `| FUNSD key→value pairing (50 forms, GT words): P / R / **F1**, exact · fuzzy (edit ≤ 0.2) | ${[fTp, fFuzzy].map((t) => `${pct(t / Math.max(1, fPred))} / ${pct(t / Math.max(1, fGold))} / **${pct(f1(t))}**`).join(' · ')} (${fPred} predicted, ${fGold} gold) |`,
    `| explicit values not grounded in the source words | **${ungrounded} of ${explicitValues}** (${pct(ungrounded / Math.max(1, explicitValues))}) |`,
    `| expected calibration error (10 bins, ${samples.length} values): uncalibrated / isotonic (2-fold held out) | ${eceRaw.toFixed(3)} / **${eceCal.toFixed(3)}** |`,
  ].join('\n');
}
