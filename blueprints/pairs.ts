/**
 * Generic key → value pairing on a form, with no blueprint. Used for forms without a blueprint and measured on
 * FUNSD. Pure; each page is paired on its own.
 *
 * 1. Lines are cut into phrases after a key colon, at word gaps wider than normal spacing, at check boxes, and
 *    where an upper-case label runs straight into a mixed-case value ("STUDY NAME Induction of ...").
 * 2. A phrase is a key when it ends in a colon or in "No."/"#" before a number, or looks like a printed label
 *    (short, starts upper case, mostly letters, no full stop, not a person's name, not printed larger than the
 *    page's text). A key printed over two lines ("IND/ LOR" over "VOLUME") is joined.
 * 3. Every key proposes values: the next phrase on its line, the nearest phrase right of it on its row, or the
 *    phrase under it in its column. A value is never a colon key or a printed question, and a bare label does
 *    not take a label of its own style. Values are assigned in passes, best first, each phrase used once:
 *    check marks to the label beside them; "Key: value" rows; a key heading a column of aligned cells (one pair
 *    per cell: "NAME OF ACCOUNT" over a list of accounts); then all remaining candidates by distance
 *    (same line < right < below).
 * 4. A value of running text continues along its line past wide gaps and onto the lines wrapped under it.
 */
import type { Box } from '../schemas/box.ts';
import type { LayoutDocument, LayoutLine, LayoutWord } from './layout.ts';
import { unionBox } from '../schemas/box.ts';

export interface KeyValuePair {
  key: string;
  value: string;
  keyWords: LayoutWord[];
  valueWords: LayoutWord[];
}

/** a phrase of a line: the unit that is paired */
interface Seg {
  words: LayoutWord[];
  /** the text, without the colon of a key */
  text: string;
  box: Box;
  /** median word height */
  h: number;
  /** ends in a key colon */
  colon: boolean;
  /** looks like a printed label */
  label: boolean;
  /** a check mark ("X", "☑") */
  mark: boolean;
  /** an empty check box */
  empty: boolean;
  /** a question printed on the form ("Why are we advertising?"): neither key nor value */
  prompt: boolean;
}

// All distances are in word heights.
/** a word gap wider than this starts a new phrase */
const PHRASE_GAP = 1.3;
/** a label run into a value is split off only with at least this many capitals */
const SPLIT_CAPITALS = 4;
/** a label printed this much larger than the page's median word is a heading */
const HEADING = 1.5;
/** the two lines of a stacked key are at most this far apart */
const STACK_GAP = 0.8;
/** a value below its key starts within this distance */
const BELOW_GAP = 3;
/** a value right of its key, at most this far away (colon keys / bare labels) */
const RIGHT_GAP_COLON = 40;
const RIGHT_GAP_LABEL = 25;
/** rows of a column are at most this far apart */
const ROW_GAP = 2.5;
/** cell lines closer than this are one cell when the text runs on (prose, or a lower-case continuation) */
const WRAP_GAP = 1;
/** a phrase of this many words is running text */
const PROSE_WORDS = 6;
/** a line wider than this many times the key and first cell spans several columns */
const SPANNING = 3;
/** a check mark is at most this far from its label */
const MARK_GAP = 8;
/** a wrapped line of a value starts at most this far below the line above */
const WRAP_BELOW = 0.8;

const MARK = /^(x|☑|☒|✓|✔)$/i;
const BOX = /^[☐☑☒]$/;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const right = (b: Box) => b.left + b.width;
const bottom = (b: Box) => b.top + b.height;
const hOverlap = (a: Box, b: Box) => Math.min(right(a), right(b)) - Math.max(a.left, b.left);
const textOf = (ws: readonly LayoutWord[]) => ws.map((w) => w.text).join(' ');
const upperCase = (s: Seg) => s.text === s.text.toUpperCase() && /\p{L}/u.test(s.text);
const upperLabel = (s: Seg) => s.label && upperCase(s);

/** "10:" before "55" is a clock time, not a key */
const timeColon = (w: LayoutWord, next?: LayoutWord) => /^\d{1,2}:$/.test(w.text) && !!next && /^\d{2}/.test(next.text);

/** short, starts upper case, mostly letters, not a sentence */
function labelLike(text: string): boolean {
  const t = text.replace(/\s*:$/, '').trim();
  const words = t.split(/\s+/);
  if (!t || words.length > 6) return false;
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  const digits = (t.match(/\d/g) ?? []).length;
  if (letters < 2 || digits * 2 > letters) return false;
  if (/[.!?,;]$/.test(t) && !/\b(no|nos)\.$/i.test(t)) return false;
  if (!/^[\p{Lu}#(]/u.test(t)) return false;
  // a person's name ("Richard M. Heimann", "Mr. Martin Barrington") is a value, not a label
  if (t !== t.toUpperCase() && words.some((w) => /^(\p{Lu}\.|Mr\.|Mrs\.|Ms\.|Dr\.)$/u.test(w))) return false;
  // "Number of Stores", "Sample size" are labels, "Overall pre- sell efforts" is prose
  const lower = words.filter(
    (w) => /^\p{Ll}/u.test(w) && !/^(of|or|and|to|for|by|in|on|the|a|per|no\.?|&)$/i.test(w),
  ).length;
  return lower === 0 || (lower === 1 && words.length <= 3 && !t.startsWith('('));
}

/** words that can end in a key colon: a short phrase, or a longer one in upper or title case */
function keyText(ws: readonly LayoutWord[]): boolean {
  if (!/\p{L}/u.test(textOf(ws))) return false;
  if (ws.length <= 4) return true;
  if (ws.length > 12) return false;
  // "TYPE OF PACKINGS:" is a key, "Product is being introduced to all Direct:" is prose
  return ws.filter((w) => /^\p{Ll}/u.test(w.text)).length * 3 <= ws.length;
}

function makeSeg(words: LayoutWord[]): Seg {
  const last = words[words.length - 1].text;
  const colon = /:$/.test(last) && keyText(words);
  const text = textOf(words);
  return {
    words,
    text: colon ? text.replace(/\s*:$/, '') : text,
    box: unionBox(words.map((w) => w.box)),
    h: Math.max(median(words.map((w) => w.box.height)), 1e-4),
    colon,
    label: !colon && labelLike(text),
    mark: words.length === 1 && MARK.test(last),
    empty: words.length === 1 && last === '☐',
    prompt: /\?$/.test(last),
  };
}

/** cuts a line into phrases */
function segmentLine(line: LayoutLine): Seg[] {
  const cut: Seg[] = [];
  let cur: LayoutWord[] = [];
  const flush = () => {
    if (cur.length) cut.push(makeSeg(cur));
    cur = [];
  };
  line.words.forEach((w, i) => {
    const prev = line.words[i - 1];
    if (prev && w.box.left - right(prev.box) > PHRASE_GAP * Math.max(prev.box.height, w.box.height)) flush();
    if (w.text === ':' && cur.length) {
      // a lone colon closes the key before it
      cur.push(w);
      if (keyText(cur)) flush();
      return;
    }
    if (BOX.test(w.text)) {
      // a check box is a phrase of its own: "STEEL ☐  ALUMINUM ☑"
      flush();
      cur.push(w);
      flush();
      return;
    }
    cur.push(w);
    if (/:$/.test(w.text) && !timeColon(w, line.words[i + 1]) && keyText(cur)) flush();
  });
  flush();

  const out: Seg[] = [];
  for (const s of cut) {
    if (s.colon || s.words.length < 2) {
      out.push(s);
      continue;
    }
    // "STUDY NAME Induction of ...": an upper-case label run straight into a mixed-case value
    let n = 0;
    while (n < s.words.length - 1 && n < 6 && /^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$/u.test(s.words[n].text)) n++;
    const head = s.words.slice(0, n);
    if (
      n > 0 &&
      labelLike(textOf(head)) &&
      (textOf(head).match(/\p{Lu}/gu) ?? []).length >= SPLIT_CAPITALS &&
      /^\p{Lu}\p{Ll}/u.test(s.words[n].text)
    ) {
      out.push(makeSeg(head), makeSeg(s.words.slice(n)));
      continue;
    }
    // "FAX NO. (614) 466-5087": a short key ending in "No." or "#" before a number
    const no = s.words.findIndex((w, i) => i <= 5 && /^(no\.?|#|nos\.?)$/i.test(w.text));
    const rest = s.words.slice(no + 1);
    if (no >= 0 && rest.length && /\d/.test(rest[0].text) && (no > 0 || s.words[0].text !== '#')) {
      out.push({ ...makeSeg(s.words.slice(0, no + 1)), colon: true, label: false }, makeSeg(rest));
    } else out.push(s);
  }
  return out;
}

interface Candidate {
  key: Seg;
  value: Seg;
  score: number;
  below: boolean;
}

interface Found {
  key: Seg;
  values: Seg[];
  /** a value found beside or under its key, which may wrap onto further lines */
  wraps: boolean;
}

function pairPage(lines: readonly LayoutLine[]): Found[] {
  const segsByLine = lines.map(segmentLine);
  const lineOf = new Map<Seg, number>();
  segsByLine.forEach((ss, i) => {
    for (const s of ss) lineOf.set(s, i);
  });
  let segs = segsByLine.flat();

  const sameRow = (a: Seg, b: Seg) =>
    Math.abs(a.box.top + a.box.height / 2 - (b.box.top + b.box.height / 2)) <
    Math.max(a.box.height, b.box.height) * 0.6;
  // a heading printed larger than the text around it is a title, not a key
  const pageH = median(lines.flatMap((l) => l.words.map((w) => w.box.height)));
  for (const s of segs) if (s.label && s.h > pageH * HEADING) s.label = false;
  const isKey = (s: Seg) => s.colon || s.label;
  /** a value the key can take */
  const acceptable = (k: Seg, v: Seg) => {
    if (v.colon || v.prompt || v.empty) return false;
    if (k.colon || v.mark) return true;
    // a bare label does not take a label of its own style ("NAME OF ACCOUNT   VOLUME")
    if (upperLabel(k) && upperLabel(v)) return false;
    return !(k.label && v.label && !upperCase(k) && !upperCase(v));
  };
  const rightValue = new Map<Seg, boolean>();
  /** there is a non-key phrase right of s on its row */
  const hasRightValue = (k: Seg) => {
    let r = rightValue.get(k);
    if (r === undefined) {
      r = segs.some(
        (v) =>
          v !== k &&
          !isKey(v) &&
          sameRow(k, v) &&
          v.box.left > right(k.box) - k.h * 0.5 &&
          v.box.left - right(k.box) < k.h * RIGHT_GAP_LABEL,
      );
      rightValue.set(k, r);
    }
    return r;
  };

  // a key printed on two lines ("IND/ LOR" over "VOLUME", "TYPE OF" over "PRODUCT:") is one key
  for (let changed = true; changed; ) {
    changed = false;
    for (const a of segs) {
      if (!a.label || hasRightValue(a)) continue;
      const b = segs.find(
        (b) =>
          b !== a &&
          isKey(b) &&
          b.box.top >= bottom(a.box) - a.h * 0.5 &&
          b.box.top - bottom(a.box) < a.h * STACK_GAP &&
          (Math.abs(b.box.left - a.box.left) < a.h * 1.5 ||
            hOverlap(a.box, b.box) > Math.min(a.box.width, b.box.width) * 0.5) &&
          upperCase(a) === upperCase(b),
      );
      if (!b) continue;
      const words = [...a.words, ...b.words];
      const merged: Seg = { ...b, words, text: textOf(words).replace(/\s*:$/, ''), box: unionBox([a.box, b.box]) };
      lineOf.set(merged, lineOf.get(b) ?? -1);
      segs = segs.filter((s) => s !== a && s !== b).concat(merged);
      rightValue.clear();
      changed = true;
      break;
    }
  }

  /** another phrase lies between key a and the value b under it */
  const between = (a: Seg, b: Seg) =>
    segs.some(
      (s) =>
        s !== a &&
        s !== b &&
        s.box.top >= bottom(a.box) - a.h * 0.3 &&
        bottom(s.box) <= b.box.top + b.h * 0.3 &&
        hOverlap(s.box, b.box) > 0 &&
        hOverlap(s.box, a.box) > -a.h,
    );
  const cands: Candidate[] = [];
  for (const k of segs) {
    if (!isKey(k)) continue;
    const h = k.h;
    for (const v of segs) {
      if (v === k || !acceptable(k, v)) continue;
      const gap = v.box.left - right(k.box);
      if (sameRow(k, v) && gap > -h * 0.5) {
        // right of the key: the next phrase of its line, or the nearest phrase beyond
        if (gap > h * (k.colon ? RIGHT_GAP_COLON : RIGHT_GAP_LABEL)) continue;
        const blocked = segs.some(
          (s) =>
            s !== k &&
            s !== v &&
            sameRow(s, k) &&
            s.box.left >= right(k.box) - h * 0.5 &&
            right(s.box) <= v.box.left + h * 0.5,
        );
        if (!blocked) {
          const sameLine = lineOf.get(v) === lineOf.get(k);
          cands.push({ key: k, value: v, score: (sameLine ? 0 : 1) + gap / h / 50, below: false });
        }
        continue;
      }
      // under the key, in its column
      const dy = v.box.top - bottom(k.box);
      if (dy < -h * 0.3 || dy > h * BELOW_GAP) continue;
      if (hOverlap(k.box, v.box) < 0 && Math.abs(v.box.left - k.box.left) > h * 2) continue;
      if (v.box.left < k.box.left - h * 3 || between(k, v)) continue;
      cands.push({ key: k, value: v, score: 2 + dy / h + Math.abs(v.box.left - k.box.left) / h / 10, below: true });
    }
  }
  cands.sort((a, b) => a.score - b.score);

  const used = new Set<Seg>();
  const found: Found[] = [];
  const take = (key: Seg, values: Seg[], wraps: boolean) => {
    used.add(key);
    for (const v of values) used.add(v);
    found.push({ key, values, wraps });
  };
  const assign = (keep: (c: Candidate) => boolean) => {
    for (const c of cands) if (keep(c) && !used.has(c.key) && !used.has(c.value)) take(c.key, [c.value], true);
  };
  /** a key in a row of column headings, with no values between them */
  const headerRow = (k: Seg) =>
    !hasRightValue(k) && segs.some((s) => s !== k && isKey(s) && sameRow(s, k) && !hasRightValue(s));

  // 0. a check mark belongs to the label beside it, usually before it ("SEP 15   X", "☑ BILL AS MANUFACTURE")
  for (const m of segs) {
    if (!m.mark || used.has(m)) continue;
    const dist = (s: Seg) => Math.max(m.box.left - right(s.box), s.box.left - right(m.box)) / m.h;
    const label = segs
      .filter(
        (s) =>
          s !== m &&
          !used.has(s) &&
          !s.mark &&
          !s.empty &&
          sameRow(s, m) &&
          /\p{L}/u.test(s.text) &&
          s.words.length <= 6 &&
          dist(s) > -0.5 &&
          dist(s) < MARK_GAP,
      )
      .map((s) => ({ s, d: dist(s) + (s.colon ? 3 : 0) + (s.box.left > m.box.left ? 0.5 : 0) }))
      .sort((a, b) => a.d - b.d)[0]?.s;
    if (label) take(label, [m], false);
  }

  // 1. "Key: value" on one row
  assign((c) => c.key.colon && !c.below);

  // 2. a key heading a column: two or more cells stacked under it, each its own pair
  const nextBelow = (k: Seg, cur: Seg, maxGap: number) =>
    segs
      .filter(
        (v) =>
          v !== k &&
          v !== cur &&
          !used.has(v) &&
          v.box.top >= bottom(cur.box) - cur.h * 0.3 &&
          v.box.top - bottom(cur.box) <= k.h * maxGap &&
          (hOverlap(k.box, v.box) > 0 || Math.abs(v.box.left - k.box.left) < k.h * 2) &&
          v.box.left >= k.box.left - k.h * 3,
      )
      .sort((a, b) => a.box.top - b.box.top)[0];
  for (const k of segs) {
    if (!isKey(k) || used.has(k)) continue;
    // a key with a value beside it is not a column heading; nor is a title-case label outside a heading row
    if (cands.some((c) => c.key === k && !c.below && !used.has(c.value))) continue;
    if (!k.colon && !upperCase(k) && !headerRow(k)) continue;
    const chain: Seg[] = [];
    for (let cur = k; ; ) {
      const v = nextBelow(k, cur, chain.length ? ROW_GAP : BELOW_GAP);
      if (!v || v.colon || v.prompt || v.text === k.text) break;
      // an upper-case label under an upper-case key heads the next block
      if (upperLabel(v) && upperCase(k)) break;
      // a label of the key's style is the next key of a list, unless the key heads a table
      if (v.label && upperLabel(v) === upperCase(k) && !headerRow(k)) break;
      // outside a table, a label with a value of its own is the next key, not a cell
      if (v.label && !headerRow(k) && cands.some((c) => c.key === v && !used.has(c.value))) break;
      const first = chain[0];
      if (first) {
        // a line spanning several columns ends the table
        if (v.box.width > SPANNING * Math.max(k.box.width, first.box.width)) break;
        // the cells of a column line up (left, right or centre)
        const tol = k.h * 2;
        const lined =
          Math.abs(v.box.left - first.box.left) < tol ||
          Math.abs(right(v.box) - right(first.box)) < tol ||
          Math.abs(v.box.left + v.box.width / 2 - (first.box.left + first.box.width / 2)) < tol;
        if (!lined) break;
      }
      chain.push(v);
      cur = v;
    }
    // wrapped running text is one cell
    const cells: Seg[][] = [];
    chain.forEach((v, i) => {
      const prev = chain[i - 1];
      const wrapped =
        prev &&
        v.box.top - bottom(prev.box) < v.h * WRAP_GAP &&
        (prev.words.length >= PROSE_WORDS || /^\p{Ll}/u.test(v.text));
      if (wrapped) cells[cells.length - 1].push(v);
      else cells.push([v]);
    });
    if (cells.length < 2) continue;
    used.add(k);
    for (const vs of cells) take(k, vs, false);
  }

  // 3. everything else, best first
  assign(() => true);

  // 4. running text continues along its line past wide gaps, and a value wraps onto the lines under it
  const nextInLine = new Map<Seg, Seg>();
  for (const ss of segsByLine) for (let i = 1; i < ss.length; i++) nextInLine.set(ss[i - 1], ss[i]);
  const live = new Set(segs);
  const runOn = (p: Found) => {
    for (;;) {
      const n = nextInLine.get(p.values[p.values.length - 1]);
      if (!n || !live.has(n) || used.has(n) || n.colon || n.mark || n.empty || n.prompt) return;
      const words = p.values.reduce((t, v) => t + v.words.length, 0);
      if (words < PROSE_WORDS && !/^\p{Ll}/u.test(n.text)) return;
      used.add(n);
      p.values.push(n);
    }
  };
  for (const p of found) {
    runOn(p);
    if (!p.wraps) continue;
    const first = p.values[0];
    for (;;) {
      const last = p.values[p.values.length - 1];
      const w = segs
        .filter(
          (w) =>
            !used.has(w) &&
            w.box.top >= bottom(last.box) - last.h * 0.3 &&
            w.box.top - bottom(last.box) < last.h * WRAP_BELOW &&
            Math.abs(w.box.left - first.box.left) < first.h * 1.5,
        )
        .sort((a, b) => a.box.top - b.box.top)[0];
      // a key ends the value, except a title-case line under an upper-case key ("NAME:  Jane Doe / Main St")
      if (!w || w.colon || w.prompt || (isKey(w) && !(w.label && !upperCase(w) && upperCase(p.key)))) break;
      used.add(w);
      p.values.push(w);
      runOn(p);
    }
  }
  return found;
}

export function keyValuePairs(doc: LayoutDocument): KeyValuePair[] {
  const pages = new Map<number, LayoutLine[]>();
  for (const l of doc.lines) pages.set(l.page, [...(pages.get(l.page) ?? []), l]);
  const out: KeyValuePair[] = [];
  for (const page of [...pages.keys()].sort((a, b) => a - b)) {
    const found = pairPage(pages.get(page) ?? []).sort(
      (a, b) =>
        a.key.box.top - b.key.box.top || a.key.box.left - b.key.box.left || a.values[0].box.top - b.values[0].box.top,
    );
    for (const p of found) {
      const valueWords = p.values.flatMap((v) => v.words);
      out.push({ key: p.key.text, value: textOf(valueWords), keyWords: p.key.words, valueWords });
    }
  }
  return out;
}
