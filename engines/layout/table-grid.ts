/** A table's structure: cells on a grid, with spans and header rows. Pure data, shared by layout and output. */
import type { Rect } from './page-content.ts';

export interface TableCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  text: string;
  box?: Rect;
  header: boolean;
}

export interface TableGrid {
  rows: number;
  cols: number;
  headerRows: number;
  cells: TableCell[];
  /** left edge of each column, normalised (for stitching a table continued on the next page) */
  columnStarts: number[];
}

/** The grid as a dense matrix of texts (spanned positions repeat nothing: empty strings). */
export function toMatrix(t: TableGrid): string[][] {
  const m = Array.from({ length: t.rows }, () => Array.from({ length: t.cols }, () => ''));
  for (const c of t.cells) if (m[c.row]) m[c.row][c.col] = c.text;
  return m;
}

/** Appends the rows of `next` under `first` (a table continued across a page break). */
export function appendRows(first: TableGrid, next: TableGrid): TableGrid {
  const firstHeader = toMatrix(first)
    .slice(0, first.headerRows)
    .map((r) => r.join('|'));
  const nextMatrix = toMatrix(next);
  // a repeated header row on the continuation is dropped
  let skip = 0;
  while (skip < next.headerRows && firstHeader[skip] === nextMatrix[skip]?.join('|')) skip++;
  if (!skip && next.headerRows && nextMatrix[0]?.join('|') === firstHeader[0]) skip = 1;
  const cells = [
    ...first.cells,
    ...next.cells.filter((c) => c.row >= skip).map((c) => ({ ...c, row: c.row - skip + first.rows, header: false })),
  ];
  return { ...first, rows: first.rows + next.rows - skip, cells };
}
