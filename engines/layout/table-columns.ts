/**
 * Pure: the text rows and the columns of one table region.
 *
 * Text rows are banded again from the region's words (a glyph with an outsized box, such as a bullet from a
 * symbol font, would otherwise pull two lines into one row). Columns come from the x-projection of the words
 * of the table's full rows: a gap no word of those rows crosses is a gutter. Working on words, not on line
 * segments, keeps tightly set figures apart; digit groups ("1 649 692") stay together. A gutter is kept when a
 * vertical rule lies in it, when it is wide, or when the blocks on both sides look like columns (cells whose
 * left edges, right edges or centres line up, or figures); justified text leaves narrow gaps that line up by
 * chance. In a table boxed by vertical rules, only ruled gutters and gutters beside figures count.
 */
import type { Rect, Word } from './page-content.ts';
import { median } from './lines.ts';

export const NUMERIC =
  /^[-+(±<>~]?[$€£]?\s?\d[\d.,\s]*%?\)?[*a-z]?(\s?(million|billion|thousand|mn|bn))?$|^[-–—.…†‡§*x]+$|^n\.?\s?[ad]\.?$|^n\/[ad]$/i;
export const isNumericCell = (s: string) => NUMERIC.test(s.trim());
const MARKER = /^([•·▪◦‣∙●○■□\-–—*>✓✔]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])$/;

export const boxOf = (ws: { box: Rect }[]): Rect => ({
  x0: Math.min(...ws.map((w) => w.box.x0)),
  y0: Math.min(...ws.map((w) => w.box.y0)),
  x1: Math.max(...ws.map((w) => w.box.x1)),
  y1: Math.max(...ws.map((w) => w.box.y1)),
});

/** 1-D intervals merged where the gap between them is under minGap */
export function mergeIntervals(iv: [number, number][], minGap: number): [number, number][] {
  const s = [...iv].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a - last[1] < minGap) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export interface TRow {
  /** words left to right */
  words: Word[];
  box: Rect;
}

/** "1 649 692", "2 961": digit groups set a thin space apart are one token */
function joinDigitGroups(words: Word[], maxGap: number): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    const prev = out[out.length - 1];
    if (
      prev &&
      /^[-+(]?\d{1,3}$|\d \d{3}$/.test(prev.text) &&
      /^\d{3}([.,]\d+)?%?\)?$/.test(w.text) &&
      w.box.x0 - prev.box.x1 < maxGap &&
      w.box.x0 >= prev.box.x1 - 1e-4
    ) {
      out[out.length - 1] = { text: `${prev.text} ${w.text}`, box: boxOf([prev, w]), confidence: prev.confidence };
      continue;
    }
    out.push(w);
  }
  return out;
}

/** Text rows of a table's words, top to bottom. hN: the usual text height (fraction of the page height). */
export function textRows(words: Word[], hN: number, em: number): TRow[] {
  const tall = (w: Word) => w.box.y1 - w.box.y0 > 1.6 * hN;
  const base: { ws: Word[]; y0: number; y1: number }[] = [];
  for (const w of words.filter((x) => !tall(x)).sort((a, b) => a.box.y0 + a.box.y1 - (b.box.y0 + b.box.y1))) {
    let hit: (typeof base)[number] | undefined;
    for (let k = base.length - 1; k >= 0 && k >= base.length - 3; k--) {
      const r = base[k];
      const ov = Math.min(r.y1, w.box.y1) - Math.max(r.y0, w.box.y0);
      if (ov > 0.5 * Math.min(r.y1 - r.y0, w.box.y1 - w.box.y0)) {
        hit = r;
        break;
      }
    }
    if (hit) hit.ws.push(w);
    else base.push({ ws: [w], y0: w.box.y0, y1: w.box.y1 });
  }
  for (const r of base) {
    r.y0 = median(r.ws.map((w) => w.box.y0));
    r.y1 = median(r.ws.map((w) => w.box.y1));
  }
  // an outsized glyph sits near the bottom of its box: it joins the row nearest that point, cut to its height
  for (const w of words.filter(tall)) {
    const anchor = w.box.y1 - 0.9 * hN;
    let best = base[0];
    for (const r of base)
      if (Math.abs((r.y0 + r.y1) / 2 - anchor) < Math.abs((best.y0 + best.y1) / 2 - anchor)) best = r;
    if (best) best.ws.push({ ...w, box: { ...w.box, y0: best.y0, y1: best.y1 } });
  }
  return base
    .map((r) => {
      const ws = joinDigitGroups(
        r.ws.sort((a, b) => a.box.x0 - b.box.x0),
        0.45 * em,
      );
      return { words: ws, box: boxOf(ws) };
    })
    .sort((a, b) => a.box.y0 + a.box.y1 - (b.box.y0 + b.box.y1));
}

export interface Columns {
  /** x-extent of each column (its words, or out to its rules) */
  ext: [number, number][];
  /** x of the vertical rules inside the table */
  vXs: number[];
}

/**
 * Columns of a table's text rows. em: one text height as a fraction of the page width; tolX/tolY: rule
 * position tolerances; vRules: the page's vertical rules.
 */
export function findColumns(
  trows: TRow[],
  vRules: Rect[],
  g: { em: number; hN: number; tolX: number; tolY: number },
): Columns | undefined {
  const { em, hN, tolX, tolY } = g;
  const gapMin = 0.35 * em;
  const all = trows.flatMap((r) => r.words);
  const region = boxOf(all);
  const [top, bottom] = [region.y0, region.y1];

  // rows with many cells are the ones that define the gutters
  const chunks = (ws: Word[]) => {
    let n = 0;
    let reach = -1;
    for (const w of ws) {
      if (w.box.x0 - reach >= gapMin * 1.4) n++;
      reach = Math.max(reach, w.box.x1);
    }
    return n;
  };
  const nChunks = trows.map((r) => chunks(r.words));
  const q = [...nChunks].sort((a, b) => a - b)[Math.floor(nChunks.length * 0.75)] ?? 1;
  const full = trows.map((_, i) => i).filter((i) => nChunks[i] >= Math.max(2, Math.ceil(q * 0.5)));
  if (!full.length) return undefined;

  // vertical rules inside the table, not through its words
  const vXs = mergeIntervals(
    vRules
      .filter((v) => {
        const x = (v.x0 + v.x1) / 2;
        const ov = Math.min(v.y1, bottom) - Math.max(v.y0, top);
        return x > region.x0 + tolX && x < region.x1 - tolX && ov > Math.min(0.3 * (bottom - top), 2.5 * hN);
      })
      .map((v) => [(v.x0 + v.x1) / 2, (v.x0 + v.x1) / 2] as [number, number]),
    tolX,
  )
    .map(([a, b]) => (a + b) / 2)
    .filter((x) => all.filter((w) => w.box.x0 + tolX < x && w.box.x1 - tolX > x).length <= 1);

  // the projection; leading rows (headings wider than their figures, spanning headings) are left out when
  // that opens more gutters
  const project = (idx: number[]) =>
    mergeIntervals(
      idx.flatMap((i) => trows[i].words).map((w) => [w.box.x0, w.box.x1] as [number, number]),
      gapMin,
    );
  let skip = 0;
  let blocks = project(full);
  for (let h = 1; h <= Math.min(8, Math.floor(trows.length / 3)); h++) {
    const idx = full.filter((i) => i >= h);
    if (idx.length < 2) break;
    const b = project(idx);
    if (b.length > blocks.length) {
      blocks = b;
      skip = h;
    }
  }
  const bodyWords = full.filter((i) => i >= skip).flatMap((i) => trows[i].words);
  // cut at vertical rules
  for (const x of vXs)
    blocks = blocks.flatMap(([a, b]): [number, number][] => {
      if (!(x > a + tolX && x < b - tolX)) return [[a, b]];
      const inside = bodyWords.filter((w) => w.box.x1 > a && w.box.x0 < b);
      const left = inside.filter((w) => (w.box.x0 + w.box.x1) / 2 < x);
      const right = inside.filter((w) => (w.box.x0 + w.box.x1) / 2 >= x);
      if (!left.length || !right.length) return [[a, b]];
      return [
        [a, Math.max(...left.map((w) => w.box.x1))],
        [Math.min(...right.map((w) => w.box.x0)), b],
      ];
    });
  // a column of list markers (bullets) belongs to the text after it
  blocks = blocks.filter((bk, k) => {
    const inIt = bodyWords.filter((w) => w.box.x0 >= bk[0] - 1e-6 && w.box.x1 <= bk[1] + 1e-6);
    if (k === blocks.length - 1 || !inIt.length || !inIt.every((w) => MARKER.test(w.text))) return true;
    blocks[k + 1] = [bk[0], blocks[k + 1][1]];
    return false;
  });

  const blockCells = (bk: [number, number]) =>
    trows
      .slice(skip)
      .map((r) => r.words.filter((w) => (w.box.x0 + w.box.x1) / 2 >= bk[0] && (w.box.x0 + w.box.x1) / 2 <= bk[1]))
      .filter((ws) => ws.length)
      .map((ws) => ({ x0: ws[0].box.x0, x1: ws[ws.length - 1].box.x1, text: ws.map((w) => w.text).join(' ') }));
  const figures = (bk: [number, number]) => {
    const cs = blockCells(bk);
    return cs.length >= 2 && cs.filter((c) => isNumericCell(c.text)).length > cs.length / 2;
  };
  const columnLike = (bk: [number, number]) => {
    const cs = blockCells(bk);
    if (cs.length < 2) return false;
    if (figures(bk)) return true;
    const most = (vs: number[]) => Math.max(...vs.map((v) => vs.filter((u) => Math.abs(u - v) <= 0.15 * em).length));
    const best = Math.max(most(cs.map((c) => c.x0)), most(cs.map((c) => c.x1)), most(cs.map((c) => (c.x0 + c.x1) / 2)));
    return best >= 2 && best >= 0.35 * cs.length;
  };
  const coverAt = (lo: number, hi: number) =>
    mergeIntervals(
      vRules
        .filter((v) => v.x1 >= lo && v.x0 <= hi)
        .map((v) => [Math.max(v.y0, top), Math.min(v.y1, bottom)] as [number, number])
        .filter(([a, b]) => b > a),
      tolY * 2,
    ).reduce((sum, [a, b]) => sum + b - a, 0);
  const tall = 0.6 * (bottom - top);
  const boxed =
    vXs.some((x) => coverAt(x - tolX, x + tolX) >= tall) &&
    coverAt(region.x0 - 8 * em, region.x0 + tolX) >= tall &&
    coverAt(region.x1 - tolX, region.x1 + 8 * em) >= tall;
  for (let k = 0; k + 1 < blocks.length; ) {
    const [a, b] = [blocks[k], blocks[k + 1]];
    const ruledGap = vXs.some((x) => x >= a[1] - tolX && x <= b[0] + tolX);
    const lined = columnLike(a) && columnLike(b);
    if (ruledGap || (boxed ? lined && (figures(a) || figures(b)) : b[0] - a[1] >= 2 * em || lined)) k++;
    else blocks.splice(k, 2, [a[0], b[1]]);
  }
  if (blocks.length < 2) return undefined;

  // a ruled column reaches out to its rules
  const rulesIn = (lo: number, hi: number) => vXs.filter((x) => x >= lo - tolX && x <= hi + tolX);
  const ext = blocks.map(([a, b], k): [number, number] => {
    const left = k > 0 ? rulesIn(blocks[k - 1][1], a) : [];
    const right = k < blocks.length - 1 ? rulesIn(b, blocks[k + 1][0]) : [];
    return [left.length ? Math.min(a, ...left) : a, right.length ? Math.max(b, ...right) : b];
  });
  return { ext, vXs };
}
