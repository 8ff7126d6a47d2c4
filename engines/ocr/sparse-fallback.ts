/**
 * Pure: the sparse-text second pass. Tesseract's automatic layout (PSM 3) drops whole regions of forms
 * (boxed fields, scattered labels, text among rules) as non-text. When its words cover too few of the
 * page's glyphs (preprocess-glyphs.ts), a sparse-text pass (PSM 11: find as much text as possible) runs on
 * the residual page (the words already read painted white: half the cost of a full pass, same words) and
 * its confident words that PSM 3 did not already find are added. Clean pages (prose, columns) are covered
 * almost entirely by PSM 3 and never pay for the second pass.
 */
import type { GrayImage } from '../layout/ink.ts';
import type { Rect, Word } from '../layout/page-content.ts';

/**
 * PSM 3 words covering fewer text-line glyphs than this → the sparse pass runs. Prose and column pages
 * measure 0.97–1.0 (a page with a drawing too: its glyph-like bits do not form lines); forms that lost
 * fields 0.4–0.9.
 */
export const MIN_GLYPH_COVERAGE = 0.95;
/**
 * Sparse-pass words below this confidence are more often noise (rules, speckle, pictures) than missed text:
 * on FUNSD's 50 forms 29 % of the 0.6–0.7 ones are real words, 49 % of the 0.7–0.8 ones, 90 % above 0.9
 * (a word helps F1 when it is right more often than F1/2).
 */
export const MIN_SPARSE_CONFIDENCE = 0.7;
export const SPARSE_PSM = 11;

/** Share (0..1) of glyph centres (normalised) lying inside some word box. 1 when there are no glyphs. */
export function glyphCoverage(centres: { x: number; y: number }[], words: Word[]): number {
  if (!centres.length) return 1;
  // bucket words by rows of the page so the check stays near-linear on dense pages
  const ROWS = 64;
  const rows: Rect[][] = Array.from({ length: ROWS }, () => []);
  for (const w of words) {
    const r0 = Math.max(0, Math.floor(w.box.y0 * ROWS));
    const r1 = Math.min(ROWS - 1, Math.floor(w.box.y1 * ROWS));
    for (let r = r0; r <= r1; r++) rows[r].push(w.box);
  }
  let inside = 0;
  for (const c of centres) {
    const row = rows[Math.max(0, Math.min(ROWS - 1, Math.floor(c.y * ROWS)))];
    if (row.some((b) => c.x >= b.x0 && c.x <= b.x1 && c.y >= b.y0 && c.y <= b.y1)) inside++;
  }
  return inside / centres.length;
}

const overlapShare = (a: Rect, b: Rect) => {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.max(1e-12, (a.x1 - a.x0) * (a.y1 - a.y0));
};

/**
 * `found` plus the confident `sparse` words with a letter or digit (bare punctuation there is rule and
 * speckle fragments) that overlap none of them (by > 30 % of either box).
 */
export function mergeSparseWords(found: Word[], sparse: Word[]): Word[] {
  const extra = sparse.filter(
    (s) =>
      s.confidence >= MIN_SPARSE_CONFIDENCE &&
      /[\p{L}\p{N}]/u.test(s.text) &&
      !found.some((f) => overlapShare(s.box, f.box) > 0.3 || overlapShare(f.box, s.box) > 0.3),
  );
  return extra.length ? [...found, ...extra] : found;
}

/** The page with the words already read painted white (boxes grown by 1 px), for the sparse pass. */
export function residualImage(img: GrayImage, words: Word[]): GrayImage {
  const { width: W, height: H } = img;
  const data = new Uint8Array(img.data);
  for (const w of words) {
    const x0 = Math.max(0, Math.floor(w.box.x0 * W) - 1);
    const x1 = Math.min(W, Math.ceil(w.box.x1 * W) + 1);
    const y0 = Math.max(0, Math.floor(w.box.y0 * H) - 1);
    const y1 = Math.min(H, Math.ceil(w.box.y1 * H) + 1);
    for (let y = y0; y < y1; y++) data.fill(255, y * W + x0, y * W + x1);
  }
  return { width: W, height: H, data };
}
