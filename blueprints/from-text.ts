/**
 * Natural language → blueprint, deterministic: "a blueprint for invoices with tax, dueDate and ReceiptDate"
 * gives class Invoice with fields Tax (number), DueDate and ReceiptDate (ISO dates). Types come from the
 * field names (dates, amounts, yes/no questions). A generative provider can write richer instructions on top.
 */
import { nameWords } from './labels.ts';

const pascal = (words: string[]) => words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
const singular = (w: string) => (/ies$/.test(w) ? `${w.slice(0, -3)}y` : /(ss|us)$/.test(w) ? w : w.replace(/s$/, ''));

export function blueprintFromText(text: string): Record<string, unknown> {
  const t = text.trim().replace(/\.$/, '');
  const m = /\bfor\s+(?:an?\s+|the\s+)?(.+?)\s+(?:with|having|containing|including|that has|extracting)\s+(.+)$/i.exec(
    t,
  );
  const subject = m ? m[1] : (/\bfor\s+(?:an?\s+|the\s+)?(.+)$/i.exec(t)?.[1] ?? 'document');
  const list = m ? m[2] : '';
  const clsWords = subject.split(/\s+/).map((w) => singular(w.toLowerCase()));
  const cls = pascal(clsWords);
  const properties: Record<string, unknown> = {};
  for (const raw of list
    .split(/\s*(?:,|;|\band\b|&)\s*/i)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const words = nameWords(raw.replace(/^(the|a|an|its|their)\s+/i, ''));
    if (!words.length) continue;
    const name = pascal(words);
    const n = words.join(' ');
    let field: Record<string, unknown>;
    if (/\b(date|dob|birthday)\b/.test(n))
      field = { type: 'string', inferenceType: 'explicit', instruction: `The ${n} in YYYY-MM-DD` };
    else if (/^(is|has|was|are|does|did)\b/.test(n))
      field = { type: 'boolean', inferenceType: 'inferred', instruction: `${n.charAt(0).toUpperCase()}${n.slice(1)}?` };
    else if (/\b(amount|total|tax|vat|gst|price|cost|fee|balance|subtotal|pay|wages|sum|charge)\b/.test(n))
      field = { type: 'number', inferenceType: 'explicit', instruction: `The ${n}` };
    else if (/\b(count|quantity|qty|number of|year)\b/.test(n))
      field = { type: 'integer', inferenceType: 'explicit', instruction: `The ${n}` };
    else field = { type: 'string', inferenceType: 'explicit', instruction: `The ${n} as printed` };
    properties[name] = field;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    class: cls,
    description: `${/^[aeiou]/i.test(clsWords[0] ?? '') ? 'An' : 'A'} ${clsWords.join(' ')}${
      Object.keys(properties).length
        ? ` with ${Object.keys(properties)
            .map((k) => nameWords(k).join(' '))
            .join(', ')}`
        : ''
    }`,
    type: 'object',
    properties,
  };
}
