/**
 * Pure: words → text lines. Words are grouped into rows by vertical overlap, then each row is cut at wide
 * horizontal gaps (column gutters, table cells), so text layer and OCR words give the same kind of lines.
 */
import { type Rect, unionAll, type Word } from './page-content.ts';

export interface Line {
  words: Word[];
  box: Rect;
  text: string;
  /** median word height in points: the font size proxy */
  heightPt: number;
  /** index of the row (same baseline band) this line was cut from */
  row: number;
}

export interface PageGeometry {
  widthPt: number;
  heightPt: number;
}

const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export { median };

const MARKER = /^([•·▪◦‣∙●○■□\-–—*>]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])$/;

export function wordsToLines(words: Word[], page: PageGeometry): Line[] {
  const h = (w: Word) => (w.box.y1 - w.box.y0) * page.heightPt;
  const sorted = [...words].sort((a, b) => a.box.y0 + a.box.y1 - (b.box.y0 + b.box.y1));
  // rows: a word joins the row whose vertical band it overlaps by half its height
  const rows: { y0: number; y1: number; words: Word[] }[] = [];
  for (const w of sorted) {
    let best: (typeof rows)[number] | undefined;
    let bestOverlap = 0;
    for (let i = rows.length - 1; i >= 0 && i >= rows.length - 4; i--) {
      const r = rows[i];
      const ov = Math.min(r.y1, w.box.y1) - Math.max(r.y0, w.box.y0);
      const rel = ov / Math.min(r.y1 - r.y0, w.box.y1 - w.box.y0 || 1e-9);
      if (rel > 0.5 && rel > bestOverlap) {
        best = r;
        bestOverlap = rel;
      }
    }
    if (best) {
      best.words.push(w);
      // keep the band near the first words' band so a tall word does not swallow the next row
      best.y0 = Math.min(best.y0, w.box.y0 * 0.3 + best.y0 * 0.7);
      best.y1 = Math.max(best.y1, w.box.y1 * 0.3 + best.y1 * 0.7);
    } else rows.push({ y0: w.box.y0, y1: w.box.y1, words: [w] });
  }
  const lines: Line[] = [];
  rows.forEach((r, rowIndex) => {
    const ws = r.words.sort((a, b) => a.box.x0 - b.box.x0);
    const hh = median(ws.map(h)) || 1;
    let cur: Word[] = [];
    const flush = () => {
      if (!cur.length) return;
      lines.push({
        words: cur,
        box: unionAll(cur.map((w) => w.box)),
        text: cur.map((w) => w.text).join(' '),
        heightPt: median(cur.map(h)),
        row: rowIndex,
      });
      cur = [];
    };
    for (const w of ws) {
      const prev = cur[cur.length - 1];
      if (prev) {
        const gapPt = (w.box.x0 - prev.box.x1) * page.widthPt;
        const afterMarker = cur.length === 1 && MARKER.test(prev.text);
        if (gapPt > hh * (afterMarker ? 3 : 1.0)) flush();
      }
      cur.push(w);
    }
    flush();
  });
  return lines.sort((a, b) => a.box.y0 - b.box.y0 || a.box.x0 - b.box.x0);
}

export const isListMarker = (s: string) => MARKER.test(s);
