/**
 * Pure: finds tables among a page's lines, ruled or not. A table is a run of consecutive rows cut into two or
 * more short segments that line up in columns (column edges are the gaps of the run's x-projection). Ruling
 * lines found on the page raster extend and confirm runs. Segments spanning column gaps become column spans;
 * a lone segment just under a cell (a wrapped cell) joins that cell. Prose columns are told apart by length:
 * table cells are short.
 */
import { type Box, unionAll } from '../page-content.ts';
import { type Line, median } from './lines.ts';
import type { TableCell, TableGrid } from './table-grid.ts';

export interface FoundTable {
  grid: TableGrid;
  box: Box;
  lines: Line[];
}

const NUMERIC = /^[-+(]?[$€£]?\s?[\d.,]+%?\)?$/;

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

export function findTables(
  lines: Line[],
  page: { widthPt: number; heightPt: number },
  rules: { horizontal: Box[] } = { horizontal: [] },
): {
  tables: FoundTable[];
  rest: Line[];
} {
  const body = median(lines.map((l) => l.heightPt)) || 10;
  const byRow = new Map<number, Line[]>();
  for (const l of lines) byRow.set(l.row, [...(byRow.get(l.row) ?? []), l]);
  const rows = [...byRow.values()]
    .map((segs) => segs.sort((a, b) => a.box.x0 - b.box.x0))
    .sort((a, b) => a[0].box.y0 - b[0].box.y0);
  const rowBox = (r: Line[]) => unionAll(r.map((s) => s.box));
  const used = new Set<Line>();
  const tables: FoundTable[] = [];
  const minGap = (body * 0.9) / page.widthPt;

  let i = 0;
  while (i < rows.length) {
    if (rows[i].length < 2) {
      i++;
      continue;
    }
    // grow a run of rows: multi-segment rows, plus single-segment rows wedged between them
    const run: Line[][] = [rows[i]];
    let j = i + 1;
    while (j < rows.length) {
      const gapPt = (rowBox(rows[j]).y0 - rowBox(run[run.length - 1]).y1) * page.heightPt;
      if (gapPt > body * 2.2) break;
      const rulesBetween = rules.horizontal.some(
        (r) => r.y0 >= rowBox(run[run.length - 1]).y1 - 0.002 && r.y1 <= rowBox(rows[j]).y0 + 0.002,
      );
      if (gapPt > body * 1.2 && !rulesBetween && rows[j].length < 2) break;
      if (rows[j].length >= 2 || (rows[j + 1]?.length ?? 0) >= 2) run.push(rows[j]);
      else break;
      j++;
    }
    while (run.length && run[run.length - 1].length < 2) run.pop();
    const multi = run.filter((r) => r.length >= 2);
    const segs = run.flat();
    const wordsPerSeg = median(segs.map((s) => s.words.length));
    const longSegs = segs.filter((s) => s.words.length > 6).length / segs.length;
    const cols = columnEdges(multi.flat(), minGap);
    const ok =
      multi.length >= 3 &&
      cols.length >= 2 &&
      wordsPerSeg <= 5 &&
      longSegs < 0.25 &&
      !(cols.length === 2 && wordsPerSeg > 3);
    if (!ok) {
      i = Math.max(i + 1, j > i + 1 && multi.length >= 3 ? i + 1 : i + 1);
      continue;
    }
    const colOf = (x: number) => {
      let best = 0;
      let bestD = Infinity;
      cols.forEach(([a, b], k) => {
        const d = x < a ? a - x : x > b ? x - b : 0;
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      });
      return best;
    };
    const cells: TableCell[] = [];
    let r = 0;
    let prevRowCells: TableCell[] = [];
    let prevBox: Box | undefined;
    for (const row of run) {
      const rb = rowBox(row);
      const tight = prevBox && (rb.y0 - prevBox.y1) * page.heightPt < body * 0.45;
      const placed = row.map((s) => {
        const c0 = colOf(s.box.x0);
        const c1 = Math.max(c0, colOf(s.box.x1 - 1e-6));
        return { s, c0, c1 };
      });
      // a wrapped cell: a tight row whose segments all sit under existing cells and fill few columns
      if (
        tight &&
        row.length < cols.length &&
        placed.every((p) => prevRowCells.some((c) => c.col === p.c0 && c.text))
      ) {
        for (const p of placed) {
          const c = prevRowCells.find((x) => x.col === p.c0);
          if (c) {
            c.text += ` ${p.s.text}`;
            c.box = c.box ? unionAll([c.box, p.s.box]) : p.s.box;
          }
        }
        prevBox = rb;
        continue;
      }
      const rowCells: TableCell[] = [];
      for (let k = 0; k < placed.length; k++) {
        const p = placed[k];
        const prev = rowCells[rowCells.length - 1];
        if (prev && p.c0 <= prev.col + prev.colSpan - 1) {
          prev.text += ` ${p.s.text}`;
          prev.box = unionAll([prev.box as Box, p.s.box]);
          continue;
        }
        rowCells.push({
          row: r,
          col: p.c0,
          rowSpan: 1,
          colSpan: p.c1 - p.c0 + 1,
          text: p.s.text,
          box: p.s.box,
          header: false,
        });
      }
      cells.push(...rowCells);
      prevRowCells = rowCells;
      prevBox = rb;
      r++;
    }
    // header: first row without numbers over rows that have them
    const rowText = (k: number) => cells.filter((c) => c.row === k);
    const numericRows = Array.from({ length: r }, (_, k) => rowText(k).some((c) => NUMERIC.test(c.text)));
    let headerRows = 0;
    if (r >= 3 && !numericRows[0] && numericRows.slice(1).some(Boolean)) headerRows = 1;
    else if (r >= 3 && !numericRows[0] && rowText(0).length === cols.length) headerRows = 1;
    for (const c of cells) c.header = c.row < headerRows;
    for (const s of segs) used.add(s);
    tables.push({
      grid: { rows: r, cols: cols.length, headerRows, cells, columnStarts: cols.map((c) => c[0]) },
      box: unionAll(segs.map((s) => s.box)),
      lines: segs,
    });
    i = j;
  }
  return { tables, rest: lines.filter((l) => !used.has(l)) };
}
