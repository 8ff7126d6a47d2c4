/**
 * Whether a generative provider's answer agrees with the value layout extraction found: +1 agreed, −1
 * disagreed. It feeds the `agreement` term of a value's confidence (blueprints/confidence.ts): two
 * independent readings that match are more often right than one, and a disagreement flags a value to check.
 * Values are compared by meaning, not spelling: numbers within half a cent (or 0.1 %), dates as ISO days,
 * text by folded similarity (OCR slips and spacing do not count as disagreement). Pure.
 */
import { findDates, parseBoolean, parseNumberText, similarity } from './normalize.ts';

export function agreementOf(found: string | number | boolean, answer: unknown): 1 | -1 {
  if (answer === null || answer === undefined) return -1;
  if (typeof found === 'boolean') {
    const b = typeof answer === 'boolean' ? answer : parseBoolean(String(answer));
    return b === found ? 1 : -1;
  }
  if (typeof found === 'number') {
    const n = typeof answer === 'number' ? answer : parseNumberText(String(answer));
    if (n === null || !Number.isFinite(n)) return -1;
    return Math.abs(n - found) <= Math.max(0.005, Math.abs(found) * 0.001) ? 1 : -1;
  }
  const text = String(answer);
  const dayA = findDates(found)[0];
  const dayB = findDates(text)[0];
  // both read as dates (the layout value is ISO; the provider may write "3 March 2024"): compare the days
  if (dayA && dayB && dayA.raw.length >= found.trim().length * 0.8) return dayA.iso === dayB.iso ? 1 : -1;
  return similarity(found, text) >= 0.85 ? 1 : -1;
}
