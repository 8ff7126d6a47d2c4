/**
 * Pure: finds tables among a page's lines, ruled or not. A table is a run of consecutive rows cut into two or
 * more short segments that line up in columns; prose columns are told apart by length (table cells are short).
 * A run may take in wrapped labels wedged between its rows and, after a blank line, short section headings
 * at its left edge. Ruling lines found on the page raster (strokes through words are glyphs, not rules) hold
 * a table together: rows inside one rule frame (rules joined by crossing, or neighbouring horizontal rules of
 * the same width with no prose between them) belong to one table; a caption between two grids, or the
 * table's first row repeated, starts a new one; a text column beside a ruled table is cut off at the frame;
 * a closed box round a few words (a diagram's node) keeps its rows out of tables. The cell structure is
 * built from the run's words and rules (table-structure.ts).
 */
import { type Rect, boxUnion, unionAll, type Word } from './page-content.ts';
import { type Line, median } from './lines.ts';
import type { TableGrid } from './table-grid.ts';
import { buildTableGrid, type TextRow } from './table-structure.ts';

export interface FoundTable {
  grid: TableGrid;
  box: Rect;
  lines: Line[];
}

function columnEdges(segs: Line[], minGap: number): [number, number][] {
  const iv = segs.map((s) => [s.box.x0, s.box.x1] as [number, number]).sort((a, b) => a[0] - b[0]);
  const cols: [number, number][] = [];
  for (const [x0, x1] of iv) {
    const last = cols[cols.length - 1];
    if (last && x0 - last[1] < minGap) last[1] = Math.max(last[1], x1);
    else cols.push([x0, x1]);
  }
  return cols;
}

interface Row extends TextRow {
  segs: Line[];
  multi: boolean;
}

interface Frame {
  box: Rect;
  /** has vertical rules inside (a grid) */
  gridded: boolean;
}

/** Pieces of one ruling line (broken where it crosses another, or by the raster) joined. */
function joinCollinear(rs: Rect[], dir: 'h' | 'v'): Rect[] {
  const out: Rect[] = [];
  const along = (b: Rect) => (dir === 'h' ? [b.x0, b.x1] : [b.y0, b.y1]);
  const across = (b: Rect) => (dir === 'h' ? (b.y0 + b.y1) / 2 : (b.x0 + b.x1) / 2);
  for (const r of [...rs].sort((a, b) => along(a)[0] - along(b)[0])) {
    const m = out.findIndex((o) => Math.abs(across(o) - across(r)) < 0.003 && along(r)[0] - along(o)[1] < 0.01);
    if (m >= 0) out[m] = boxUnion(out[m], r);
    else out.push({ ...r });
  }
  return out;
}

/** Rule frames: rules joined by crossing, or horizontal rules over the same width with no prose between. */
function ruleFrames(
  rows: Row[],
  h: Rect[],
  v: Rect[],
  page: { widthPt: number; heightPt: number },
): { frames: Frame[]; boxes: Rect[] } {
  const tol = 0.006;
  const hs = joinCollinear(h, 'h').filter((r) => r.x1 - r.x0 >= 0.08);
  v = joinCollinear(v, 'v');
  const rules = [...hs.map((b) => ({ b, h: true })), ...v.map((b) => ({ b, h: false }))];
  const parent = rules.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  const touches = (a: Rect, b: Rect) =>
    a.x0 <= b.x1 + tol && b.x0 <= a.x1 + tol && a.y0 <= b.y1 + tol && b.y0 <= a.y1 + tol;
  const attached = rules.map((r) => (r.h ? v.some((x) => touches(r.b, x)) : false));
  for (let a = 0; a < rules.length; a++)
    for (let b = a + 1; b < rules.length; b++) {
      const A = rules[a];
      const B = rules[b];
      if (A.h !== B.h) {
        if (touches(A.b, B.b)) union(a, b);
        continue;
      }
      if (!A.h) continue;
      const [up, down] = A.b.y0 <= B.b.y0 ? [A.b, B.b] : [B.b, A.b];
      const ov = Math.min(up.x1, down.x1) - Math.max(up.x0, down.x0);
      if (ov < 0.6 * Math.max(up.x1 - up.x0, down.x1 - down.x0)) continue;
      const x0 = Math.min(up.x0, down.x0);
      const x1 = Math.max(up.x1, down.x1);
      // only neighbouring rules
      if (
        hs.some(
          (o) =>
            o !== up &&
            o !== down &&
            o.y0 > up.y0 &&
            o.y0 < down.y0 &&
            Math.min(o.x1, x1) - Math.max(o.x0, x0) >= 0.6 * ov,
        )
      )
        continue;
      // the rows between them, cut to the segments that reach into the rules' width
      const inside = rows
        .filter((r) => {
          const cy = (r.box.y0 + r.box.y1) / 2;
          return cy > up.y1 && cy < down.y0;
        })
        .map((r) => r.segs.filter((sg) => Math.min(sg.box.x1, x1) - Math.max(sg.box.x0, x0) > 0))
        .filter((segs) => segs.length);
      const barrier = inside.some(
        (segs) =>
          segs.some((sg) => sg.box.x0 < x0 - 0.02 || sg.box.x1 > x1 + 0.02 || sg.words.length >= 12) ||
          (segs.length === 1 && segs[0].words.length >= 7 && segs[0].box.x1 - segs[0].box.x0 >= 0.4 * ov),
      );
      if (barrier) continue;
      // two grids with a caption between them and no vertical rule across the gap are two tables
      if (
        inside.length &&
        inside.every((segs) => segs.length < 2) &&
        attached[a] &&
        attached[b] &&
        !v.some((x) => x.y0 <= up.y1 + tol && x.y1 >= down.y0 - tol && x.x0 >= x0 - tol && x.x1 <= x1 + tol)
      )
        continue;
      union(a, b);
    }
  const groups = new Map<number, { h: Rect[]; v: Rect[] }>();
  rules.forEach((r, i) => {
    const g = groups.get(find(i)) ?? { h: [], v: [] };
    (r.h ? g.h : g.v).push(r.b);
    groups.set(find(i), g);
  });
  const frames: Frame[] = [];
  const boxes: Rect[] = [];
  for (const g of groups.values()) {
    if (g.h.length < 2 && !(g.h.length >= 1 && g.v.length >= 2)) continue;
    const box = unionAll([...g.h, ...g.v]);
    if (box.x1 - box.x0 < 0.15 || (box.y1 - box.y0) * page.heightPt < 12) continue;
    const inner = g.v.filter((x) => x.x0 > box.x0 + tol && x.x1 < box.x1 - tol);
    // rules over only a part of a table's width (the fills of some cells) frame nothing
    const whole = rows.filter(
      (r) =>
        r.multi &&
        (r.box.y0 + r.box.y1) / 2 > box.y0 &&
        (r.box.y0 + r.box.y1) / 2 < box.y1 &&
        r.box.x0 >= box.x0 - 0.02 &&
        r.box.x1 <= box.x1 + 0.02,
    );
    if (!inner.length && whole.length < 2) {
      // a closed box round a few words (a diagram's node) is no table, and no table row passes through it
      if (g.v.length >= 2) boxes.push(box);
      continue;
    }
    frames.push({ box, gridded: inner.length > 0 });
  }
  return { frames, boxes };
}

export function findTables(
  lines: Line[],
  page: { widthPt: number; heightPt: number },
  rules: { horizontal: Rect[]; vertical?: Rect[] } = { horizontal: [] },
): {
  tables: FoundTable[];
  rest: Line[];
} {
  const body = median(lines.map((l) => l.heightPt)) || 10;
  const byRow = new Map<number, Line[]>();
  for (const l of lines) byRow.set(l.row, [...(byRow.get(l.row) ?? []), l]);
  let rows: Row[] = [...byRow.values()]
    .map((segs) => segs.sort((a, b) => a.box.x0 - b.box.x0))
    .sort((a, b) => a[0].box.y0 - b[0].box.y0)
    .map((segs) => ({
      segs,
      words: segs.flatMap((s) => s.words) as Word[],
      box: unionAll(segs.map((s) => s.box)),
      multi: segs.length >= 2,
    }));
  // a stroke through a word is part of a glyph or a picture, not a rule
  const wordH = median(lines.flatMap((l) => l.words.map((w) => w.box.y1 - w.box.y0)));
  const words = lines.flatMap((l) => l.words).filter((w) => w.box.y1 - w.box.y0 <= 1.6 * wordH);
  const throughWord = (r: Rect, dir: 'h' | 'v') =>
    words.some((w) => {
      const wh = w.box.y1 - w.box.y0;
      if (dir === 'v') {
        const x = (r.x0 + r.x1) / 2;
        return (
          x > w.box.x0 + 0.002 && x < w.box.x1 - 0.002 && Math.min(r.y1, w.box.y1) - Math.max(r.y0, w.box.y0) > 0.5 * wh
        );
      }
      const y = (r.y0 + r.y1) / 2;
      return (
        y > w.box.y0 + 0.3 * wh && y < w.box.y1 - 0.3 * wh && Math.min(r.x1, w.box.x1) - Math.max(r.x0, w.box.x0) > 0
      );
    });
  const vertical = (rules.vertical ?? []).filter((r) => !throughWord(r, 'v'));
  const horizontal = rules.horizontal.filter((r) => !throughWord(r, 'h'));
  const { frames, boxes } = ruleFrames(rows, horizontal, vertical, page);
  // a row beside a framed table (a text column next to it) is cut at the frame's sides, when the frame holds
  // rows of cells of its own
  const inFrame = (fr: Frame, sg: Line) =>
    (sg.box.x0 + sg.box.x1) / 2 > fr.box.x0 &&
    (sg.box.x0 + sg.box.x1) / 2 < fr.box.x1 &&
    (sg.box.y0 + sg.box.y1) / 2 >= fr.box.y0 - 0.003 &&
    (sg.box.y0 + sg.box.y1) / 2 <= fr.box.y1 + 0.003;
  const solid = frames.filter(
    (fr) => rows.filter((r) => r.segs.filter((sg) => inFrame(fr, sg)).length >= 2).length >= 3,
  );
  rows = rows
    .flatMap((r) => {
      const cy = (r.box.y0 + r.box.y1) / 2;
      const f = solid.find((fr) => cy >= fr.box.y0 - 0.003 && cy <= fr.box.y1 + 0.003);
      if (!f) return [r];
      const inF = (sg: Line) => (sg.box.x0 + sg.box.x1) / 2 > f.box.x0 && (sg.box.x0 + sg.box.x1) / 2 < f.box.x1;
      const a = r.segs.filter(inF);
      const b = r.segs.filter((sg) => !inF(sg));
      if (!a.length || !b.length) return [r];
      return [a, b].map((segs) => ({
        segs,
        words: segs.flatMap((sg) => sg.words),
        box: unionAll(segs.map((sg) => sg.box)),
        multi: segs.length >= 2,
      }));
    })
    .sort((a, b) => a.box.y0 - b.box.y0);
  const frameOf = (r: Row) => {
    const cy = (r.box.y0 + r.box.y1) / 2;
    const w = r.box.x1 - r.box.x0;
    return frames.findIndex(
      (f) =>
        cy >= f.box.y0 - 0.003 &&
        cy <= f.box.y1 + 0.003 &&
        Math.min(r.box.x1, f.box.x1) - Math.max(r.box.x0, f.box.x0) >= 0.5 * w,
    );
  };
  const rowFrame = rows.map(frameOf);
  const boxed = rows.map((r) =>
    r.segs.some((sg) =>
      boxes.some(
        (b) =>
          sg.box.x0 >= b.x0 - 0.003 &&
          sg.box.x1 <= b.x1 + 0.003 &&
          sg.box.y0 >= b.y0 - 0.003 &&
          sg.box.y1 <= b.y1 + 0.003,
      ),
    ),
  );
  const used = new Set<Line>();
  const tables: FoundTable[] = [];
  const minGap = (body * 0.9) / page.widthPt;

  const taken = new Set<number>();
  const tried = new Set<number>();
  const frameAt = (k: number) => (tried.has(k) ? -1 : rowFrame[k]);
  const rowKey = (r: Row) =>
    r.words
      .map((w) => w.text)
      .join('')
      .toLowerCase();
  let i = 0;
  while (i < rows.length) {
    const fi = frameAt(i);
    if (taken.has(i) || (!rows[i].multi && fi < 0) || (fi < 0 && boxed[i])) {
      i++;
      continue;
    }
    // a rule frame's rows make one run; else grow a run of rows: multi-segment rows, plus single-segment
    // rows wedged between them
    const idx = [i];
    let j = i + 1;
    if (fi >= 0) {
      for (let k = i + 1; k < rows.length; k++) if (rowFrame[k] === fi && !taken.has(k) && !tried.has(k)) idx.push(k);
      j = idx[idx.length - 1] + 1;
      while (j < rows.length && rowFrame[j] < 0 && !rows[j].multi && rows[j].box.y0 < frames[fi].box.y1) j++;
    }
    // a frame of top and heading rules only (no bottom rule): the body goes on below it
    if (fi < 0 || (!frames[fi].gridded && idx.length <= 6))
      while (j < rows.length && !taken.has(j) && rowFrame[j] < 0 && !boxed[j]) {
        const last = rows[idx[idx.length - 1]];
        const gapPt = (rows[j].box.y0 - last.box.y1) * page.heightPt;
        if (gapPt > body * 2.2) break;
        const rulesBetween = horizontal.some((r) => r.y0 >= last.box.y1 - 0.002 && r.y1 <= rows[j].box.y0 + 0.002);
        // a section heading inside a table: a short line at the table's left edge, after a blank line
        const left = Math.min(...idx.map((k) => rows[k].box.x0));
        const section =
          !rows[j].multi &&
          rows[j].words.length <= 8 &&
          Math.abs(rows[j].box.x0 - left) <= (2 * body) / page.widthPt &&
          idx.filter((k) => rows[k].multi).length >= 2 &&
          gapPt > body * 1.2;
        if (gapPt > body * 1.2 && !rulesBetween && !rows[j].multi && !section) break;
        if (rows[j].multi) {
          idx.push(j++);
          continue;
        }
        // single-segment rows (wrapped labels) wedged between table rows: two at most, closely set
        let wedge = 0;
        while (
          wedge < 3 &&
          j + wedge < rows.length &&
          !rows[j + wedge].multi &&
          frameAt(j + wedge) < 0 &&
          (rows[j + wedge].box.y0 - (wedge ? rows[j + wedge - 1] : last).box.y1) * page.heightPt <=
            body * (wedge === 0 && section ? 2.2 : 1.2)
        )
          wedge++;
        const after = rows[j + wedge];
        if (
          wedge > 2 ||
          !after?.multi ||
          frameAt(j + wedge) >= 0 ||
          (after.box.y0 - rows[j + wedge - 1].box.y1) * page.heightPt > body * (section ? 1.2 : 2.2)
        )
          break;
        for (let k = 0; k < wedge; k++) idx.push(j + k);
        j += wedge;
      }
    // the first row repeated further down (a table heading again) starts the next table; the caption
    // rows before it belong to neither
    const first = rowKey(rows[idx[0]]);
    const again = first.length >= 4 ? idx.findIndex((k, n) => n >= 2 && rowKey(rows[k]) === first) : -1;
    if (again > 0) {
      let cut = again;
      while (cut > 1 && !rows[idx[cut - 1]].multi) cut--;
      for (const k of idx.slice(cut, again)) tried.add(k);
      idx.splice(cut);
    }
    if (fi >= 0) for (const k of idx) tried.add(k);
    const framed = fi >= 0 ? frames[fi] : undefined;
    if (!framed) while (idx.length && !rows[idx[idx.length - 1]].multi) idx.pop();
    const run = idx.map((k) => rows[k]);
    const multi = run.filter((r) => r.multi);
    const segs = run.flatMap((r) => r.segs);
    const wordsPerSeg = median(segs.map((s) => s.words.length));
    const longSegs = segs.filter((s) => s.words.length > 6).length / (segs.length || 1);
    const cols = columnEdges(
      multi.flatMap((r) => r.segs),
      minGap,
    );
    const ok = framed?.gridded
      ? run.length >= 2
      : framed
        ? multi.length >= 2 && wordsPerSeg <= 8 && longSegs < 0.5
        : multi.length >= 3 &&
          cols.length >= 2 &&
          wordsPerSeg <= 5 &&
          longSegs < 0.25 &&
          !(cols.length === 2 && wordsPerSeg > 3);
    const grid = ok ? buildTableGrid(run, { page, hRules: horizontal, vRules: vertical }) : undefined;
    const filled = grid ? new Set(grid.cells.map((c) => c.row)).size : 0;
    const multiCellRows = grid
      ? [...new Set(grid.cells.map((c) => c.row))].filter((r) => grid.cells.filter((c) => c.row === r).length >= 2)
          .length
      : 0;
    if (!grid || (!framed?.gridded && multiCellRows < Math.max(framed ? 2 : 3, 0.3 * filled))) {
      // a frame that holds no table: its rows are looked at again as plain rows
      if (!framed) i++;
      continue;
    }
    for (const s of segs) used.add(s);
    for (const k of idx) taken.add(k);
    tables.push({ grid, box: unionAll(segs.map((s) => s.box)), lines: segs });
    i = framed ? i + 1 : Math.max(i + 1, idx[idx.length - 1] + 1);
  }
  return { tables, rest: lines.filter((l) => !used.has(l)) };
}
