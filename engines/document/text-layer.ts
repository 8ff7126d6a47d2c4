/**
 * Words with boxes from a PDF's text layer: poppler `pdftotext -bbox` (≈590 pages/s; a separate GPL process,
 * not linked). Parses the XHTML it prints: `<page width height>` then `<word xMin yMin xMax yMax>text</word>`.
 */
import { runTool } from '../media/run-tool.ts';
import type { Word } from '../layout/page-content.ts';

export interface TextLayerPage {
  widthPt: number;
  heightPt: number;
  words: Word[];
}

const unescapeXml = (s: string) =>
  !s.includes('&')
    ? s
    : s
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
        .replace(/&amp;/g, '&');

const clamp = (v: number) => Math.min(1, Math.max(0, v));

/** Pure: the pages in pdftotext -bbox output. */
export function parseBboxXhtml(xhtml: string): TextLayerPage[] {
  const pages: TextLayerPage[] = [];
  const re =
    /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)<\/word>/g;
  let cur: TextLayerPage | undefined;
  for (let m = re.exec(xhtml); m; m = re.exec(xhtml)) {
    if (m[1]) {
      cur = { widthPt: Number(m[1]), heightPt: Number(m[2]), words: [] };
      pages.push(cur);
    } else if (cur) {
      const text = unescapeXml(m[7]).trim();
      if (!text) continue;
      cur.words.push({
        text,
        confidence: 1,
        box: {
          x0: clamp(Number(m[3]) / cur.widthPt),
          y0: clamp(Number(m[4]) / cur.heightPt),
          x1: clamp(Number(m[5]) / cur.widthPt),
          y1: clamp(Number(m[6]) / cur.heightPt),
        },
      });
    }
  }
  return pages;
}

/** Text-layer words of pages first..last (1-based, inclusive). */
export async function readTextLayer(
  pdfPath: string,
  first: number,
  last: number,
  signal?: AbortSignal,
): Promise<TextLayerPage[]> {
  const { stdout } = await runTool('pdftotext', ['-bbox', '-f', String(first), '-l', String(last), pdfPath, '-'], {
    signal,
    timeoutMs: 120_000,
  });
  return parseBboxXhtml(stdout.toString('utf8'));
}

/** The plain text layer of every page (one `pdftotext` pass; pages end with a form feed). */
export async function readPlainText(pdfPath: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await runTool('pdftotext', ['-q', pdfPath, '-'], { signal, timeoutMs: 120_000 });
  return stdout.toString('utf8');
}
