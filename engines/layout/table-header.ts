/** Pure: a table's stacked header rows → header cells with their column and row spans (used by table-structure.ts). */
import type { Rect, Word } from './page-content.ts';
import { boxOf } from './table-columns.ts';
import type { TableCell } from './table-grid.ts';
import { clean, continues, type LRow, type Piece } from './table-rows.ts';

/**
 * A stacked header: headings over several columns (by their width, or a short rule under them) make levels;
 * lines in one column under the same levels are one heading, spanning down to the last level.
 */
export function stackedHeader(
  head: LRow[],
  ext: [number, number][],
  em: number,
  underline: (b: Rect) => Rect | undefined,
): { cells: TableCell[]; rows: number } {
  const hp = head.flatMap((r, t) => r.pieces.map((p) => ({ p, t })));
  const underlined = new Set<Piece>();
  for (const s of hp) {
    // (the rule under the last heading row closes the header)
    const under = s.t < head.length - 1 ? underline(s.p.box) : undefined;
    if (!under) continue;
    underlined.add(s.p);
    const ks = ext
      .map((_, k) => k)
      .filter((k) => Math.min(under.x1, ext[k][1]) - Math.max(under.x0, ext[k][0]) > 0.5 * (ext[k][1] - ext[k][0]));
    if (ks.length >= 2) [s.p.c0, s.p.c1] = [Math.min(...ks), Math.max(...ks)];
  }
  interface Group {
    c0: number;
    c1: number;
    /** last text row */
    t: number;
    texts: string[];
    level: number;
    box: Rect;
    closed: boolean;
  }
  // multi-line spanning headings over the same columns are one heading
  const groups: Group[] = [];
  for (const s of hp.filter((x) => x.p.c1 > x.p.c0)) {
    const open = groups.find((x) => x.c0 === s.p.c0 && x.c1 === s.p.c1 && x.t === s.t - 1 && !x.closed);
    if (open) {
      open.texts.push(clean(s.p));
      open.t = s.t;
      open.closed = underlined.has(s.p);
    } else
      groups.push({
        c0: s.p.c0,
        c1: s.p.c1,
        t: s.t,
        texts: [clean(s.p)],
        level: 0,
        box: s.p.box,
        closed: underlined.has(s.p),
      });
  }
  // a lone line centred under a spanning heading (or reading on from it) is more of that heading
  const consumed = new Set<Piece>();
  for (const gr of groups)
    while (!gr.closed) {
      const below = hp.filter((x) => x.t === gr.t + 1 && x.p.c0 <= gr.c1 && gr.c0 <= x.p.c1);
      const only = below[0]?.p;
      if (below.length !== 1 || !only || only.c1 > only.c0) break;
      const centred = Math.abs((only.box.x0 + only.box.x1) / 2 - (gr.box.x0 + gr.box.x1) / 2) < em;
      if (!centred && !continues(gr.texts[gr.texts.length - 1], clean(only))) break;
      gr.texts.push(clean(only));
      gr.t++;
      consumed.add(only);
    }
  for (const gr of groups) {
    const first = gr.t - gr.texts.length + 1;
    const above = groups.filter((o) => o !== gr && o.t < first && o.c0 <= gr.c1 && gr.c0 <= o.c1);
    gr.level = above.length ? Math.max(...above.map((o) => o.level)) + 1 : 0;
  }
  const rows = (groups.length ? Math.max(...groups.map((gr) => gr.level)) + 1 : 0) + 1;
  const cells: TableCell[] = groups.map((gr) => ({
    row: gr.level,
    col: gr.c0,
    rowSpan: 1,
    colSpan: gr.c1 - gr.c0 + 1,
    text: gr.texts.join(' '),
    header: true,
  }));
  // one-column headings, per column and depth (the levels above them)
  const leaves = new Map<string, { c: number; depth: number; texts: string[]; words: Word[] }>();
  for (const { p, t } of hp) {
    if (p.c1 > p.c0 || consumed.has(p)) continue;
    const over = groups.filter((gr) => gr.t < t && gr.c0 <= p.c0 && p.c0 <= gr.c1);
    const depth = over.length ? Math.max(...over.map((gr) => gr.level)) + 1 : 0;
    const key = `${p.c0}|${depth}`;
    const e = leaves.get(key) ?? { c: p.c0, depth, texts: [], words: [] };
    e.texts.push(clean(p));
    e.words.push(...p.words);
    leaves.set(key, e);
  }
  for (const e of leaves.values()) {
    const below = groups.filter((gr) => gr.level >= e.depth && gr.c0 <= e.c && e.c <= gr.c1);
    const last = below.length ? Math.min(...below.map((gr) => gr.level)) - 1 : rows - 1;
    const row = Math.min(e.depth, rows - 1);
    cells.push({
      row,
      col: e.c,
      rowSpan: Math.max(1, last - row + 1),
      colSpan: 1,
      text: e.texts.join(' '),
      box: boxOf(e.words),
      header: true,
    });
  }
  return { cells, rows };
}
