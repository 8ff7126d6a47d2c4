/**
 * SROIE key-field scoring of custom outputs (BDA's `inference_result`), as the dataset's README says: company
 * and address exact after upper-casing and collapsing spaces, dates compared as days, totals as numbers;
 * micro precision / recall / F1 over (receipt, field) pairs. Also counts explicit values that are not grounded
 * (non-null, `success: false` or no geometry). The receipt split: the 10 dev receipts are the ones tuned on.
 */
import { parseDate, parseNumberText } from '../../blueprints/normalize.ts';

export const SROIE_DEV = ['000', '006', '031', '037', '043', '049', '055', '062', '069', '076'];
export const SROIE_HELD_OUT = [
  '108',
  '137',
  '142',
  '156',
  '164',
  '181',
  '245',
  '272',
  '313',
  '320',
  '326',
  '378',
  '389',
  '396',
  '407',
  '417',
  '457',
  '545',
  '551',
  '558',
  '564',
  '570',
  '578',
  '585',
  '591',
  '596',
  '602',
  '608',
  '614',
  '621',
];

export type SroieKey = 'company' | 'address' | 'date' | 'total';
/** which blueprint field answers each SROIE key */
export type SroieMapping = Record<SroieKey, string>;

export interface ScoredReceipt {
  id: string;
  inference: Record<string, unknown>;
  explainability?: Record<string, unknown>;
  truth: Record<SroieKey, string>;
}

const up = (s: unknown) =>
  String(s ?? '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();

export function sroieCorrect(key: SroieKey, value: unknown, gt: string): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (key === 'total') {
    const n = typeof value === 'number' ? value : parseNumberText(String(value));
    const g = parseNumberText(gt);
    return n !== null && g !== null && Math.abs(n - g) < 0.005;
  }
  if (key === 'date') {
    const d = parseDate(String(value));
    return d !== null && d === parseDate(gt);
  }
  return up(value) === up(gt);
}

export function scoreSroie(items: readonly ScoredReceipt[], mapping: SroieMapping) {
  let tp = 0;
  let predicted = 0;
  let ungrounded = 0;
  const perField: Record<string, number> = { company: 0, address: 0, date: 0, total: 0 };
  const perItem = items.map((it) => {
    const row: Record<string, string> = {};
    for (const key of Object.keys(mapping) as SroieKey[]) {
      const v = it.inference[mapping[key]];
      const ok = sroieCorrect(key, v, it.truth[key]);
      if (v !== null && v !== undefined) {
        predicted++;
        const ex = it.explainability?.[mapping[key]] as { success?: boolean; geometry?: unknown[] } | undefined;
        if (ex && (!ex.success || !ex.geometry?.length)) ungrounded++;
      }
      if (ok) {
        tp++;
        perField[key]++;
      }
      row[key] = ok ? 'ok' : `${JSON.stringify(v)} ≠ ${JSON.stringify(it.truth[key])}`;
    }
    return { id: it.id, ...row };
  });
  const precision = tp / Math.max(1, predicted);
  const recall = tp / Math.max(1, items.length * 4);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  return { tp, predicted, precision, recall, f1, perField, perItem, ungrounded };
}
