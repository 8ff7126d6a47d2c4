/**
 * A document table as header lines and body rows (markdown), from its grid when the output has one, else
 * from its markdown or CSV representation; and those rows packed into pieces that each repeat the header. Pure.
 */
import type { TableElement } from '../../schemas/document-output.ts';
import type { ChunkBudget } from './chunk-budget.ts';

export interface TableRows {
  header: string[];
  rows: string[];
}

const cell = (s: string) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const mdRow = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;

function fromGrid(s: NonNullable<TableElement['table_structure']>): TableRows {
  const grid = Array.from({ length: s.rows }, () => Array.from({ length: s.columns }, () => ''));
  for (const c of s.cells) if (grid[c.row] && c.column < s.columns) grid[c.row][c.column] = c.text;
  const headerRows = Math.max(
    s.header_rows,
    ...s.cells.filter((c) => c.header).map((c) => c.row + 1),
    0,
  );
  const lines = grid.map(mdRow);
  if (!headerRows) return { header: [], rows: lines };
  return {
    header: [...lines.slice(0, headerRows), mdRow(Array.from({ length: s.columns }, () => '---'))],
    rows: lines.slice(headerRows),
  };
}

/** The table's header and rows, in the representation a reader (and the embedding) sees. */
export function tableRows(t: TableElement): TableRows {
  if (t.table_structure?.rows && t.table_structure.cells.length) return fromGrid(t.table_structure);
  const md = t.representation?.markdown?.trim();
  if (md) {
    const lines = md.split('\n').filter((l) => l.trim());
    const sep = lines.findIndex((l) => /^\s*\|?\s*:?-{3,}/.test(l));
    return sep >= 0 ? { header: lines.slice(0, sep + 1), rows: lines.slice(sep + 1) } : { header: [], rows: lines };
  }
  const csv = (t.representation?.csv ?? t.representation?.text ?? '').trim();
  const lines = csv.split('\n').filter((l) => l.trim());
  if (t.headers?.length || lines.length > 1) return { header: lines.slice(0, 1), rows: lines.slice(1) };
  return { header: [], rows: lines };
}

/** Rows packed into pieces within `budget` tokens, each led by the header; one table that fits stays whole. */
export function tablePieces(t: TableRows, budget: number, b: ChunkBudget): string[] {
  const headerText = t.header.join('\n');
  const headerCost = t.header.length ? b.countTokens(headerText) : 0;
  const all = [...t.header, ...t.rows].join('\n');
  if (b.countTokens(all) <= budget || !t.rows.length) return all ? [all] : [];
  const pieces: string[] = [];
  let rows: string[] = [];
  let used = headerCost;
  const flush = () => {
    if (rows.length) pieces.push([...t.header, ...rows].join('\n'));
    rows = [];
    used = headerCost;
  };
  for (const r of t.rows) {
    const c = b.countTokens(r);
    if (rows.length && used + c > budget) flush();
    rows.push(r);
    used += c;
  }
  flush();
  return pieces;
}
