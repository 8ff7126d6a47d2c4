/** Pure: the pieces a table is built from — a text row's words in one cell, and table rows of one or more text rows. */
import type { Rect, Word } from './page-content.ts';

const CONNECTOR =
  /(^|\s)(and|or|of|the|for|to|in|by|with|a|an|on|at|from|per|than|as|not|which|that|who|whose|into|under|over)$/i;

/** does `next` read as the continuation of `prev` (a wrapped line of the same cell)? */
export const continues = (prev: string, next: string) =>
  /^[a-z(&%]/.test(next) || /[-,/&(]$/.test(prev) || CONNECTOR.test(prev);

/** words of one text row in one cell, spanning columns c0..c1 */
export interface Piece {
  words: Word[];
  c0: number;
  c1: number;
  text: string;
  box: Rect;
}

/** a table row: one or more text rows */
export interface LRow {
  pieces: Piece[];
  y0: number;
  y1: number;
  lastY1: number;
  header: boolean;
}

export const clean = (p: Piece) => p.text.replace(/\s+/g, ' ').trim();
