/** Pure scoring helpers for the document benchmarks. */

export const normWord = (w: string) => w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
export const tokens = (text: string) => text.split(/\s+/).map(normWord).filter(Boolean);

/** Order-free word F1 (multiset): precision, recall, f1. */
export function bagOfWords(predicted: string[], reference: string[]) {
  const ref = new Map<string, number>();
  for (const w of reference) ref.set(w, (ref.get(w) ?? 0) + 1);
  let hit = 0;
  for (const w of predicted) {
    const c = ref.get(w) ?? 0;
    if (c > 0) {
      hit++;
      ref.set(w, c - 1);
    }
  }
  const p = predicted.length ? hit / predicted.length : 0;
  const r = reference.length ? hit / reference.length : 0;
  return {
    precision: p,
    recall: r,
    f1: p + r ? (2 * p * r) / (p + r) : 0,
    hits: hit,
    predicted: predicted.length,
    reference: reference.length,
  };
}

/**
 * Reading-order agreement: the reference's word 3-grams that occur exactly once in both texts, taken in
 * reference order; the share of consecutive pairs whose positions in the prediction also increase.
 */
export function readingOrderScore(predicted: string[], reference: string[]) {
  const grams = (ws: string[]) => {
    const m = new Map<string, number[]>();
    for (let i = 0; i + 2 < ws.length; i++) {
      const g = ws.slice(i, i + 3).join(' ');
      m.set(g, [...(m.get(g) ?? []), i]);
    }
    return m;
  };
  const gp = grams(predicted);
  const gr = grams(reference);
  const seq: number[] = [];
  for (let i = 0; i + 2 < reference.length; i++) {
    const g = reference.slice(i, i + 3).join(' ');
    if (gr.get(g)?.length === 1 && gp.get(g)?.length === 1) seq.push((gp.get(g) as number[])[0]);
  }
  let ok = 0;
  for (let i = 1; i < seq.length; i++) if (seq[i] > seq[i - 1]) ok++;
  return { score: seq.length > 1 ? ok / (seq.length - 1) : 0, anchors: seq.length };
}

export interface GridCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  text: string;
}

/** ICDAR-2013 adjacency relations: each non-empty cell with its nearest non-empty right and down neighbours. */
export function adjacencyRelations(cells: GridCell[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '');
  const at = new Map<string, GridCell>();
  let rows = 0;
  let cols = 0;
  for (const c of cells) {
    if (!norm(c.text)) continue;
    for (let r = c.row; r < c.row + c.rowSpan; r++)
      for (let k = c.col; k < c.col + c.colSpan; k++) at.set(`${r},${k}`, c);
    rows = Math.max(rows, c.row + c.rowSpan);
    cols = Math.max(cols, c.col + c.colSpan);
  }
  const rel = new Set<string>();
  for (const c of new Set(at.values())) {
    for (let r = c.row; r < c.row + c.rowSpan; r++)
      for (let k = c.col + c.colSpan; k < cols; k++) {
        const n = at.get(`${r},${k}`);
        if (n && n !== c) {
          rel.add(`${norm(c.text)}→${norm(n.text)}`);
          break;
        }
      }
    for (let k = c.col; k < c.col + c.colSpan; k++)
      for (let r = c.row + c.rowSpan; r < rows; r++) {
        const n = at.get(`${r},${k}`);
        if (n && n !== c) {
          rel.add(`${norm(c.text)}↓${norm(n.text)}`);
          break;
        }
      }
  }
  return [...rel];
}

export function setF1(predicted: string[], reference: string[]) {
  const ref = new Set(reference);
  const hit = new Set(predicted.filter((x) => ref.has(x))).size;
  const p = predicted.length ? hit / new Set(predicted).size : 0;
  const r = ref.size ? hit / ref.size : 0;
  return {
    precision: p,
    recall: r,
    f1: p + r ? (2 * p * r) / (p + r) : 0,
    hits: hit,
    predicted: new Set(predicted).size,
    reference: ref.size,
  };
}
