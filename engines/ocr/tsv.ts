/** Pure: tesseract TSV (level 1 = page, level 5 = word) → words normalised to the page. */
import type { OcrPage } from './engine.ts';

export function parseTesseractTsv(tsv: string, engine: string): OcrPage {
  let widthPx = 0;
  let heightPx = 0;
  const words: OcrPage['words'] = [];
  for (const line of tsv.split('\n')) {
    const f = line.split('\t');
    if (f.length < 12 || f[0] === 'level') continue;
    const level = Number(f[0]);
    const [left, top, width, height] = [Number(f[6]), Number(f[7]), Number(f[8]), Number(f[9])];
    if (level === 1) {
      widthPx = width;
      heightPx = height;
      continue;
    }
    if (level !== 5) continue;
    const text = f.slice(11).join('\t').trim();
    const conf = Number(f[10]);
    if (!text || conf < 0 || !widthPx) continue;
    words.push({
      text,
      confidence: Math.max(0, Math.min(1, conf / 100)),
      box: { x0: left / widthPx, y0: top / heightPx, x1: (left + width) / widthPx, y1: (top + height) / heightPx },
    });
  }
  return { engine, widthPx, heightPx, words };
}
