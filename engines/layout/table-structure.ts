/**
 * Pure: the cell structure of one table region, from its words and the ruling lines around them.
 *
 * Columns: table-columns.ts; stacked headers: table-header.ts. Rows: each text row is a row, except that
 *  - in a ruled table (full-width horizontal rules between many rows), the text rows between two rules are
 *    one row (multi-line cells) unless a second row of figures or a second first-column label starts there;
 *    a cell whose column has no rule segment at a row boundary spans the empty cells across it (row span);
 *  - otherwise a wrapped line joins the row above it (no figures, only under text cells, closely set, and
 *    reading as a continuation), and a first-column label beside sub-rows whose first cell is empty spans
 *    them (or, alone on its line, the sub-rows it is vertically centred on);
 *  - header rows (above the first row of figures, or above the header rule) are stacked: a heading over
 *    several columns (or underlined by a short rule) makes a header level, lines under it in one column are
 *    joined, and a column's heading beside the levels spans them.
 */
import type { Rect, Word } from './page-content.ts';
import { median } from './lines.ts';
import { boxOf, findColumns, isNumericCell, mergeIntervals, type TRow, textRows } from './table-columns.ts';
import type { TableCell, TableGrid } from './table-grid.ts';
import { stackedHeader } from './table-header.ts';
import { clean, continues, type LRow, type Piece } from './table-rows.ts';

export interface TextRow {
  words: Word[];
  box: Rect;
}

export interface StructureOptions {
  page: { widthPt: number; heightPt: number };
  hRules: Rect[];
  vRules: Rect[];
}

const YEAR = /^(1[89]|20)\d\d([-–/]\d{2,4})?$/;
const figureWord = (t: string) => /^[-+(]?([$€£¥]|\d)/.test(t);

export function buildTableGrid(rows: TextRow[], opt: StructureOptions): TableGrid | undefined {
  const { page } = opt;
  const words = rows.flatMap((r) => r.words);
  if (words.length < 2) return undefined;
  const hPt = median(words.map((w) => (w.box.y1 - w.box.y0) * page.heightPt)) || 10;
  const g = { em: hPt / page.widthPt, hN: hPt / page.heightPt, tolX: 3 / page.widthPt, tolY: 2.5 / page.heightPt };
  const { em, tolX, tolY } = g;
  const trows = textRows(words, g.hN, em);
  const columns = findColumns(trows, opt.vRules, g);
  if (!columns) return undefined;
  const { ext, vXs } = columns;
  const ncols = ext.length;
  const region = boxOf(trows.flatMap((r) => r.words));
  const hIn = opt.hRules.filter(
    (h) =>
      Math.min(h.x1, region.x1) - Math.max(h.x0, region.x0) > 0.5 * em &&
      h.y0 > region.y0 - tolY &&
      h.y1 < region.y1 + tolY,
  );
  /** a short rule just under a heading */
  const underline = (b: Rect, also: (h: Rect) => boolean = () => true) =>
    hIn.find(
      (h) =>
        h.y0 >= b.y1 - tolY &&
        h.y0 - b.y1 < 1.2 * g.hN &&
        h.x1 - h.x0 < 0.9 * (region.x1 - region.x0) &&
        Math.min(h.x1, b.x1) > Math.max(h.x0, b.x0) &&
        also(h),
    );

  // ---- pieces: the columns a word reaches (the one it overlaps most, and neighbours it covers well)
  const colsOf = (w: Rect): [number, number] => {
    const ov = ext.map(([a, b]) => Math.min(b, w.x1) - Math.max(a, w.x0));
    let best = ov.indexOf(Math.max(...ov));
    if (ov[best] <= 0) {
      // in a gutter: the nearer column
      const d = ext.map(([a, b]) => (w.x1 < a ? a - w.x1 : w.x0 > b ? w.x0 - b : 0));
      best = d.indexOf(Math.min(...d));
      return [best, best];
    }
    const covers = (k: number) => ov[k] > 0.15 * Math.min(w.x1 - w.x0, ext[k][1] - ext[k][0]) && ov[k] > 0.2 * em;
    let [c0, c1] = [best, best];
    while (c0 > 0 && covers(c0 - 1)) c0--;
    while (c1 < ncols - 1 && covers(c1 + 1)) c1++;
    return [c0, c1];
  };
  /** consecutive words in the same column(s) are a piece; so are words touching, or one space apart (in
   * header rows only over a short rule: a heading over several columns) */
  const piecesOf = (r: TRow, header: boolean) => {
    const out: Piece[] = [];
    for (const w of r.words) {
      const [c0, c1] = colsOf(w.box);
      const p = out[out.length - 1];
      if (!p) {
        out.push({ words: [w], c0, c1, text: w.text, box: w.box });
        continue;
      }
      const gap = w.box.x0 - p.box.x1;
      const last = p.words[p.words.length - 1].text;
      const ruledCut = vXs.some((x) => x > p.box.x1 - tolX / 2 && x < w.box.x0 + tolX / 2);
      const spaced = header
        ? gap < 0.45 * em &&
          !!underline(
            { ...p.box, x1: w.box.x1, y1: Math.max(p.box.y1, w.box.y1) },
            (h) => h.x0 <= p.box.x0 + em && h.x1 >= w.box.x1 - em,
          )
        : gap < 0.3 * em && !figureWord(last) && !figureWord(w.text);
      if ((c0 <= p.c1 || spaced || gap < 0.12 * em) && !ruledCut) {
        p.words.push(w);
        p.c1 = Math.max(p.c1, c1);
        p.box = boxOf(p.words);
        p.text += ` ${w.text}`;
      } else out.push({ words: [w], c0, c1, text: w.text, box: w.box });
    }
    return out;
  };
  const rowPieces = trows.map((r) => piecesOf(r, false));
  /** a row of figures: most of its cells after the first are figures (years are headings) */
  const hasFigures = (ps: Piece[]) => {
    const rest = ps.filter((p) => p.c0 > 0);
    const figs = rest.filter((p) => isNumericCell(p.text) && !YEAR.test(p.text.trim()));
    return figs.some((p) => /\d/.test(p.text)) && figs.length >= 0.6 * rest.length;
  };

  // ---- horizontal rules between text rows i and i+1, per column
  const sepAfter = trows.slice(0, -1).map((a, i) => {
    const b = trows[i + 1];
    // (a rule between the rows' centres, below the words of the upper row and above those of the lower row
    // that it runs under or over: a label centred on two rows may reach across it beside the rule)
    const rs = hIn.filter((h) => {
      const y = (h.y0 + h.y1) / 2;
      const over = (w: Word) => Math.min(w.box.x1, h.x1) - Math.max(w.box.x0, h.x0) > 0;
      return (
        y > (a.box.y0 + a.box.y1) / 2 &&
        y < (b.box.y0 + b.box.y1) / 2 &&
        a.words.every((w) => !over(w) || y >= w.box.y1 - tolY) &&
        b.words.every((w) => !over(w) || y <= w.box.y0 + tolY)
      );
    });
    return ext.map(([x0, x1]) => {
      const cover = mergeIntervals(
        rs.map((h) => [Math.max(x0, h.x0), Math.min(x1, h.x1)] as [number, number]).filter(([p, q]) => q > p),
        tolX,
      ).reduce((s, [p, q]) => s + q - p, 0);
      return cover >= 0.5 * (x1 - x0);
    });
  });
  const anyRule = sepAfter.map((s) => s.some(Boolean));
  const fullRule = sepAfter.map((s) => s.filter(Boolean).length >= Math.max(1, ncols * 0.6));
  const ruledCount = fullRule.filter(Boolean).length;
  const ruled = (ruledCount >= 2 && vXs.length > 0) || ruledCount >= Math.max(3, 0.3 * (trows.length - 1));

  // ---- header: text rows [0, headerEnd)
  const dataRow = rowPieces.map(hasFigures);
  const firstData = dataRow.indexOf(true);
  let headerEnd = 0;
  // the header rule: the last full-width rule above the first row of figures (else the first one)
  const headerRule =
    firstData > 0 ? fullRule.slice(0, firstData).lastIndexOf(true) : firstData < 0 ? fullRule.indexOf(true) : -1;
  if (!ruled && headerRule >= 0 && headerRule < Math.min(8, trows.length / 2)) headerEnd = headerRule + 1;
  else if (firstData > 0 && firstData <= 6 && firstData <= trows.length - 2) headerEnd = firstData;
  else if (firstData < 0 && trows.length >= 3 && rowPieces[0].length >= 2) headerEnd = 1;
  if (ruled && headerEnd > 0) {
    // a ruled header ends at a rule
    let e = headerEnd;
    while (e > 0 && !anyRule[e - 1]) e--;
    headerEnd = e > 0 ? e : anyRule[0] ? 1 : 0;
  }
  // a last heading row holding only a first-column label is a section row of the body
  while (headerEnd > 1 && rowPieces[headerEnd - 1].length === 1 && rowPieces[headerEnd - 1][0].c0 === 0) headerEnd--;
  for (let i = 0; i < headerEnd; i++) rowPieces[i] = piecesOf(trows[i], true);
  // a header in one band (no rule inside) is stacked; a ruled one is banded like the body
  const stack = !ruled || anyRule.slice(0, Math.max(0, headerEnd - 1)).every((r) => !r);

  // ---- table rows
  const lrows: LRow[] = [];
  /** per table row, per column: no rule below it (ruled tables) */
  const openBelow: boolean[][] = [];
  const newRow = (i: number, header: boolean) => {
    const r: LRow = {
      pieces: rowPieces[i].map((p) => ({ ...p, words: [...p.words] })),
      y0: trows[i].box.y0,
      y1: trows[i].box.y1,
      lastY1: trows[i].box.y1,
      header,
    };
    lrows.push(r);
    openBelow.push(ext.map(() => false));
    return r;
  };
  const joinInto = (row: LRow, i: number) => {
    for (const p of rowPieces[i]) {
      const target = row.pieces.find((q) => q.c0 <= p.c1 && p.c0 <= q.c1);
      if (target) {
        target.words.push(...p.words);
        target.text += ` ${p.text}`;
        target.box = boxOf(target.words);
        target.c0 = Math.min(target.c0, p.c0);
        target.c1 = Math.max(target.c1, p.c1);
      } else row.pieces.push({ ...p, words: [...p.words] });
    }
    row.pieces.sort((a, b) => a.c0 - b.c0);
    row.y1 = Math.max(row.y1, trows[i].box.y1);
    row.lastY1 = trows[i].box.y1;
  };
  const gaps = trows.slice(1).map((r, i) => (r.box.y0 - trows[i].box.y1) * page.heightPt);
  const usualGap = median(gaps.filter((x) => x > -hPt * 0.3));
  /** is text row i a wrapped line of the table row above? */
  const isContinuation = (prev: LRow, i: number) => {
    const ps = rowPieces[i];
    const gap = (trows[i].box.y0 - prev.lastY1) * page.heightPt;
    if (!ps.length || gap > Math.max(usualGap * 1.25 + 0.15 * hPt, 0.45 * hPt)) return false;
    const under = (p: Piece) => prev.pieces.find((q) => q.c0 === p.c0 && q.c1 >= p.c0 && !isNumericCell(q.text));
    if (ps.some((p) => !under(p)))
      // a label wrapped above its figures: the row above is one text cell in the first column
      return (
        prev.pieces.length === 1 &&
        prev.pieces[0].c0 === 0 &&
        !isNumericCell(prev.pieces[0].text) &&
        ps[0].c0 === 0 &&
        /^[a-z(]/.test(ps[0].text)
      );
    return !hasFigures(ps) && ps.every((p) => continues((under(p) as Piece).text, p.text));
  };

  if (ruled) {
    if (stack) for (let i = 0; i < headerEnd; i++) newRow(i, true);
    let band: number[] = [];
    for (let i = stack ? headerEnd : 0; i < trows.length; i++) {
      band.push(i);
      if (i < trows.length - 1 && !anyRule[i] && i + 1 !== headerEnd) continue;
      // a band is one row (multi-line cells) unless a second row of figures, or a second first-column label
      // beside other cells, starts in it
      const header = band[0] < headerEnd;
      let cur: LRow | undefined;
      let curFigures = false;
      for (const k of band) {
        const ps = rowPieces[k];
        const split =
          !header &&
          ((dataRow[k] && curFigures) ||
            (ps[0]?.c0 === 0 &&
              ps.length >= 2 &&
              !!cur?.pieces.some((p) => p.c0 === 0 && !continues(p.text, ps[0].text))));
        if (!cur || split) {
          cur = newRow(k, header);
          curFigures = dataRow[k];
        } else {
          joinInto(cur, k);
          curFigures ||= dataRow[k];
        }
      }
      band = [];
      if (i < trows.length - 1) openBelow[openBelow.length - 1] = sepAfter[i].map((s) => !s);
    }
  } else
    for (let i = 0; i < trows.length; i++) {
      const header = i < headerEnd;
      const prev = lrows[lrows.length - 1];
      if (prev && !header && !prev.header && isContinuation(prev, i)) joinInto(prev, i);
      else newRow(i, header);
    }

  // ---- cells
  const headRows = lrows.filter((r) => r.header);
  const stacked = stack && headRows.length ? stackedHeader(headRows, ext, em, underline) : undefined;
  const cells: TableCell[] = stacked?.cells ?? [];
  const headerRows = stacked ? stacked.rows : headRows.length;
  const gridRows = stacked ? lrows.filter((r) => !r.header) : lrows;
  const openAt = stacked ? openBelow.slice(headRows.length) : openBelow;
  const spans = ruled ? ruledSpans(gridRows, openAt, ncols) : labelSpans(gridRows, ncols);
  // rows left empty (a centred label moved away) are dropped
  const remap = new Map<number, number>();
  for (const [i, r] of gridRows.entries()) if (r.pieces.length) remap.set(i, remap.size);
  const rowBase = stacked ? stacked.rows : 0;
  for (const [i, r] of gridRows.entries()) {
    const row = remap.get(i);
    if (row === undefined) continue;
    for (const p of r.pieces) {
      let last = i + (spans.get(p) ?? 1) - 1;
      while (last > i && remap.get(last) === undefined) last--;
      cells.push({
        row: rowBase + row,
        col: p.c0,
        rowSpan: (remap.get(last) ?? row) - row + 1,
        colSpan: p.c1 - p.c0 + 1,
        text: clean(p),
        box: boxOf(p.words),
        header: r.header,
      });
    }
  }
  const nrows = rowBase + remap.size;
  // columns no cell reaches are dropped
  const used = ext.map((_, k) => cells.some((c) => c.col <= k && k < c.col + c.colSpan));
  const index: number[] = [];
  let n = 0;
  for (let k = 0; k < ncols; k++) index.push(used[k] ? n++ : -1);
  for (const c of cells) {
    const c0 = index.slice(c.col).find((x) => x >= 0) ?? 0;
    let end = c.col + c.colSpan - 1;
    while (end > c.col && index[end] < 0) end--;
    c.colSpan = Math.max(1, (index[end] >= 0 ? index[end] : c0) - c0 + 1);
    c.col = c0;
  }
  if (n < 2 || nrows < 2) return undefined;
  cells.sort((a, b) => a.row - b.row || a.col - b.col);
  return {
    rows: nrows,
    cols: n,
    headerRows: Math.min(headerRows, nrows),
    cells,
    columnStarts: ext.filter((_, k) => used[k]).map((e) => e[0]),
  };
}

/**
 * Row spans of a ruled table: a cell whose columns have no rule segment at a row boundary spans the empty
 * cells on the other side of it (up and down: a label vertically centred on merged rows).
 */
function ruledSpans(rows: LRow[], openBelow: boolean[][], ncols: number): Map<Piece, number> {
  const slot = slots(rows, ncols);
  const spans = new Map<Piece, number>();
  const moves: { p: Piece; from: number; to: number }[] = [];
  for (let r = 0; r < rows.length; r++)
    for (const p of rows[r].pieces) {
      const open = (k: number) => {
        for (let c = p.c0; c <= p.c1; c++) if (!openBelow[k]?.[c]) return false;
        return true;
      };
      const empty = (k: number) => slot[k].slice(p.c0, p.c1 + 1).every((s) => !s);
      let start = r;
      while (start > 0 && open(start - 1) && empty(start - 1)) start--;
      let end = r;
      while (end + 1 < rows.length && open(end) && empty(end + 1)) end++;
      if (end === start) continue;
      for (let k = start; k <= end; k++) for (let c = p.c0; c <= p.c1; c++) slot[k][c] = p;
      spans.set(p, end - start + 1);
      if (start < r) moves.push({ p, from: r, to: start });
    }
  for (const m of moves) {
    rows[m.from].pieces = rows[m.from].pieces.filter((x) => x !== m.p);
    rows[m.to].pieces.push(m.p);
    rows[m.to].pieces.sort((a, b) => a.c0 - b.c0);
  }
  return spans;
}

/**
 * Row spans of an unruled table: a first-column label whose row has other cells spans the sub-rows below
 * it whose first cell is empty; a label alone on its line spans the sub-rows around it when it sits
 * vertically centred on them (it moves up to the first of them).
 */
function labelSpans(rows: LRow[], ncols: number): Map<Piece, number> {
  const slot = slots(rows, ncols);
  const spans = new Map<Piece, number>();
  const subRow = (k: number) => k >= 0 && k < rows.length && !slot[k][0] && rows[k].pieces.length > 0;
  for (let r = 0; r < rows.length; r++) {
    const label = slot[r][0];
    if (label?.c1 !== 0 || isNumericCell(label.text)) continue;
    let end = r;
    while (subRow(end + 1)) end++;
    if (rows[r].pieces.length >= 2) {
      if (end > r) spans.set(label, end - r + 1);
      continue;
    }
    let start = r;
    while (subRow(start - 1)) start--;
    if (start === r || end === r) continue;
    const cy = (label.box.y0 + label.box.y1) / 2;
    const [top, bottom] = [rows[start].y0, rows[end].y1];
    if (Math.abs(cy - (top + bottom) / 2) > 0.25 * (bottom - top)) continue;
    rows[r].pieces = [];
    rows[start].pieces.unshift(label);
    for (let k = start; k <= end; k++) slot[k][0] = label;
    spans.set(label, end - start + 1);
  }
  return spans;
}

function slots(rows: LRow[], ncols: number): (Piece | undefined)[][] {
  return rows.map((r) => {
    const s: (Piece | undefined)[] = Array.from({ length: ncols }, () => undefined);
    for (const p of r.pieces) for (let k = p.c0; k <= p.c1; k++) s[k] ??= p;
    return s;
  });
}
