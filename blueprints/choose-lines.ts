/**
 * Which lines of a long document the generative model reads when the whole text does not fit its prompt:
 * whole pages first (the first page, then the pages where the blueprint's field words occur most), then, if
 * even that is too long, the lines around those words. The text is never cut at a fixed length, and the lines
 * keep their ids, so every answer still cites a line of the real document. Pure.
 */
import type { Blueprint, Field } from './dialect.ts';
import type { LayoutDocument } from './layout.ts';
import { fold } from './normalize.ts';

const STOP = new Set([
  'the',
  'and',
  'for',
  'from',
  'with',
  'this',
  'that',
  'name',
  'value',
  'number',
  'date',
  'amount',
]);

/** The words a blueprint's fields are named and described with (folded, four letters or more, no stop words). */
export function fieldWords(fields: readonly Field[]): Set<string> {
  const out = new Set<string>();
  const add = (text: string) => {
    for (const w of fold(text.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ')).split(' '))
      if (w.length >= 4 && !STOP.has(w)) out.add(w);
  };
  for (const f of fields) {
    add(f.name);
    add(f.instruction);
    if (f.kind === 'group') for (const w of fieldWords(f.fields)) out.add(w);
    if (f.kind === 'table') for (const w of fieldWords(f.columns)) out.add(w);
  }
  return out;
}

/** Characters the lines take in the prompt: the text and its id (`12: `), and a transcript line's time and speaker. */
const charsOf = (doc: LayoutDocument, ids: readonly number[]) =>
  ids.reduce((n, i) => n + doc.lines[i].text.length + (doc.lines[i].time ? 28 : 6), 0);

/** Line indices (ascending) whose text fits `maxChars`; all of them when the document is short enough. */
export function chooseLines(bp: Blueprint, doc: LayoutDocument, maxChars: number): number[] {
  const all = doc.lines.map((_, i) => i);
  if (charsOf(doc, all) <= maxChars) return all;
  const words = fieldWords(bp.fields);
  const hits = doc.lines.map(
    (l) =>
      fold(l.text)
        .split(' ')
        .filter((w) => words.has(w)).length,
  );
  const pages = new Map<number, number[]>();
  for (const i of all) pages.set(doc.lines[i].page, [...(pages.get(doc.lines[i].page) ?? []), i]);
  const score = (ids: number[]) => ids.reduce((s, i) => s + hits[i], 0);
  const order = [...pages.entries()].sort((a, b) =>
    a[0] === 0 ? -1 : b[0] === 0 ? 1 : score(b[1]) - score(a[1]) || a[0] - b[0],
  );
  const chosen: number[] = [];
  let used = 0;
  for (const [, ids] of order) {
    const c = charsOf(doc, ids);
    if (used + c > maxChars) continue;
    chosen.push(...ids);
    used += c;
  }
  if (chosen.length) return chosen.sort((a, b) => a - b);
  // not even one page fits: the lines around the field words, best first, then the document's opening lines
  const picked = new Set<number>();
  const ranked = all.filter((i) => hits[i] > 0).sort((a, b) => hits[b] - hits[a] || a - b);
  for (const i of [...ranked, ...all]) {
    for (let j = Math.max(0, i - 1); j <= Math.min(all.length - 1, i + 3); j++) {
      if (picked.has(j)) continue;
      if (charsOf(doc, [...picked, j]) > maxChars) return [...picked].sort((a, b) => a - b);
      picked.add(j);
    }
  }
  return [...picked].sort((a, b) => a - b);
}
