/**
 * The vendor and its address where no label names them: the company line near the top of the first page
 * (company suffixes, registration numbers trimmed) and the block of address-like lines after it. Pure; used
 * by the layout pass (extract.ts) when a vendor or address field finds no label.
 */

import type { Candidate } from './candidate.ts';
import type { LayoutDocument, LayoutLine } from './layout.ts';

const COMPANY =
  /\b(s\/b|sdn\.?\s*b\w{1,2}d|bhd|inc|ltd|limited|llc|gmbh|corp|corporation|co\b|company|enterprise|trading|s\.?a\.?|b\.?v\.?|plc|pty|restaurant|store|mart|shop|services?|holdings?)\b/i;
const NOT_NAME = /\b(invoice|receipt|tax|date|tel|phone|fax|gst|reg|no\.?|total|cashier|table|bill|page|www|http|@)\b/i;
const ADDRESS_WORD =
  /\b(jalan|jln|street|st|road|rd|avenue|ave|lane|taman|lot|floor|flr|blvd|suite|drive|dr|no\.?|box|building|bldg|plaza|industrial|park|way|strasse|straße|rue|straat|weg|laan|city|state)\b|\b\d{4,6}\b/i;
const ADDRESS_STOP = /\b(tel|phone|fax|gst|reg|invoice|receipt|date|cashier|email|www|vat|tax)\b/i;

/** The vendor/company printed at the top of the first page, without a label. */
export function vendorAtTop(doc: LayoutDocument): { line: number; cand: Candidate } | null {
  const first = Math.min(...doc.lines.map((l) => l.page));
  const top = doc.lines
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.page === first)
    .slice(0, 8);
  let best: { line: number; cand: Candidate; s: number } | null = null;
  top.forEach(({ l, i }, rank) => {
    const letters = l.text.replace(/[^A-Za-zÀ-ÿ]/g, '').length;
    if (letters < 3 || letters / l.text.length < 0.5) return;
    let s = 1 - rank * 0.08;
    if (COMPANY.test(l.text)) s += 0.6;
    if (NOT_NAME.test(l.text)) s -= 0.5;
    if (/\d{3,}/.test(l.text) && !COMPANY.test(l.text)) s -= 0.4;
    if (ADDRESS_WORD.test(l.text) && !COMPANY.test(l.text)) s -= 0.3;
    if (!best || s > best.s) {
      // a company name is printed with its registration number: "ACME SDN BHD (728384-M)" → the name
      let words = l.words;
      while (words.length > 1 && /^[(<]?[\w.-]*\d{4,}[\w.-]*[)>]?$/.test(words[words.length - 1].text))
        words = words.slice(0, -1);
      const glued = /^(.*\S)\(\s*[\w-]*\d{4,}[\w-]*\)$/.exec(words[words.length - 1].text);
      const raw = glued
        ? [...words.slice(0, -1).map((w) => w.text), glued[1]].join(' ')
        : words.map((w) => w.text).join(' ');
      best = {
        line: i,
        s,
        cand: {
          words,
          raw,
          value: raw,
          parse: 1,
          label: 0.45 + (COMPANY.test(l.text) ? 0.2 : 0),
          position: 0.7,
          source: 'layout',
        },
      };
    }
  });
  return best;
}

/** The address block: consecutive address-like lines near the top, after the vendor line. */
export function addressAfter(doc: LayoutDocument, afterLine: number): Candidate | null {
  const lines = doc.lines;
  let start = -1;
  for (let i = Math.max(0, afterLine + 1); i < Math.min(lines.length, afterLine + 6); i++) {
    if (lines[i].page !== lines[Math.max(0, afterLine)].page) break;
    if (
      ADDRESS_WORD.test(lines[i].text) &&
      !ADDRESS_STOP.test(lines[i].text) &&
      !/^\(?[\w-]*\d{5,}[\w-]*\)?$/.test(lines[i].text.trim())
    ) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const block: LayoutLine[] = [];
  for (let i = start; i < lines.length && block.length < 5; i++) {
    const l = lines[i];
    if (
      ADDRESS_STOP.test(l.text) ||
      (block.length &&
        l.box.top - (block[block.length - 1].box.top + block[block.length - 1].box.height) > l.box.height * 1.5)
    )
      break;
    if (!/\p{L}/u.test(l.text)) break;
    // company registration numbers such as "(789417-W)" sit between the name and the address
    if (/^\(?[\w-]*\d{5,}[\w-]*\)?$/.test(l.text.trim()) || COMPANY.test(l.text)) continue;
    block.push(l);
  }
  if (!block.length) return null;
  const words = block.flatMap((l) => l.words);
  const raw = block.map((l) => l.text).join(' ');
  return { words, raw, value: raw, parse: 1, label: 0.45, position: 0.7, source: 'layout' };
}
