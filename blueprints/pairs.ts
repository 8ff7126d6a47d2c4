/**
 * Generic key → value pairing on a form, with no blueprint: "Key: value" on one line, a key line ending in
 * ':' with its value to the right or below, and checkbox marks next to their label. Used for forms without a
 * blueprint and measured on FUNSD. Pure.
 */
import type { LayoutDocument, LayoutLine, LayoutWord } from './layout.ts';

export interface KeyValuePair {
  key: string;
  value: string;
  keyWords: LayoutWord[];
  valueWords: LayoutWord[];
}

const sameRow = (a: LayoutLine, b: LayoutLine) =>
  a.page === b.page &&
  Math.abs(a.box.top + a.box.height / 2 - (b.box.top + b.box.height / 2)) < Math.max(a.box.height, b.box.height) * 0.6;

export function keyValuePairs(doc: LayoutDocument): KeyValuePair[] {
  const out: KeyValuePair[] = [];
  const used = new Set<LayoutLine>();
  for (const line of doc.lines) {
    let colon = line.words.findIndex((w) => /:$/.test(w.text) || w.text === ':');
    // "FAX NO. (614) 466-5087": a short key ending in "No." or "#" followed by a value with digits
    if (colon < 0) {
      const no = line.words.findIndex((w, i) => i > 0 && i <= 5 && /^(no\.?|#|nos\.?)$/i.test(w.text));
      if (no > 0 && line.words.slice(no + 1).some((w) => /\d/.test(w.text))) colon = no;
    }
    // a short label line with its value alone to the right on the same row ("DIVISION      Portland")
    if (colon < 0 && line.words.length <= 4 && /\p{Lu}{2,}/u.test(line.text) && line.text === line.text.toUpperCase()) {
      const right = doc.lines.find(
        (l) =>
          l !== line &&
          !used.has(l) &&
          sameRow(l, line) &&
          l.box.left > line.box.left + line.box.width &&
          l.box.left - (line.box.left + line.box.width) < 0.25,
      );
      if (right && right.text !== right.text.toUpperCase()) {
        used.add(right);
        out.push({ key: line.text, value: right.text, keyWords: line.words, valueWords: right.words });
        continue;
      }
    }
    if (colon < 0 || colon > 8) continue;
    // the key is the words just before the colon, not a heading printed earlier on the same line
    const start = Math.max(0, colon - 4);
    const keyWords = line.words.slice(colon > 4 ? start : 0, colon + 1);
    const key = keyWords
      .map((w) => w.text)
      .join(' ')
      .replace(/\s*:$/, '');
    let valueWords = line.words.slice(colon + 1);
    if (!valueWords.length) {
      const right = doc.lines
        .filter(
          (l) => l !== line && !used.has(l) && sameRow(l, line) && l.box.left > line.box.left + line.box.width - 0.005,
        )
        .sort((a, b) => a.box.left - b.box.left)[0];
      const bottom = line.box.top + line.box.height;
      const below = doc.lines
        .filter(
          (l) =>
            l.page === line.page &&
            !used.has(l) &&
            l.box.top >= bottom - line.box.height * 0.3 &&
            l.box.top - bottom < line.box.height * 1.8 &&
            Math.abs(l.box.left - line.box.left) < 0.08,
        )
        .sort((a, b) => a.box.top - b.box.top)[0];
      const pick = right ?? (below && !/:$/.test(below.text) ? below : undefined);
      if (pick) {
        used.add(pick);
        // the value ends where the next key starts
        const nextKey = pick.words.findIndex((w, i) => i > 0 && /:$/.test(w.text));
        valueWords = nextKey > 0 ? pick.words.slice(0, Math.max(1, nextKey - 3)) : pick.words;
      }
    } else {
      const nextKey = valueWords.findIndex((w, i) => i > 0 && /:$/.test(w.text));
      if (nextKey > 0) valueWords = valueWords.slice(0, Math.max(1, nextKey - 3));
    }
    if (!key || !valueWords.length) continue;
    out.push({ key, value: valueWords.map((w) => w.text).join(' '), keyWords, valueWords });
  }
  return out;
}
