/**
 * The low-resolution page images a page group's analysis looks at (figures, rules, ink the text layer does not
 * explain), rendered by one poppler `pdftoppm` call for the whole group and handed out page by page as poppler
 * writes them: the first pages are analysed while the last are still being drawn, instead of the group waiting
 * for all of them (a 250-page group takes poppler about a second).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runTool } from '../media/run-tool.ts';

export const ANALYSIS_DPI = 50;

/** How often the folder poppler writes into is looked at while it runs. */
const LOOK_EVERY_MS = 10;

export interface AnalysisImages {
  /** the PGM file of page `page` (1-based) once poppler has finished it; undefined if it drew none */
  page(page: number): Promise<string | undefined>;
  /** stops poppler (the group failed or was cancelled) */
  stop(): void;
}

/** Pure: page numbers of the finished files among `names` (poppler's `p-0042.pgm`); the newest may be half-written. */
export function finishedPages(names: string[], popplerDone: boolean): Map<number, string> {
  const pages = new Map<number, string>();
  for (const f of names) {
    const m = /^p-0*(\d+)\.pgm$/.exec(f);
    if (m) pages.set(Number(m[1]), f);
  }
  if (!popplerDone && pages.size) pages.delete(Math.max(...pages.keys())); // poppler writes pages in order
  return pages;
}

/** Starts rendering pages first..last (1-based) of a PDF into `tmpDir` at the analysis resolution. */
export async function renderForAnalysis(
  pdfPath: string,
  first: number,
  last: number,
  tmpDir: string,
  signal?: AbortSignal,
): Promise<AnalysisImages> {
  const dir = path.join(tmpDir, `analysis-${first}`);
  await fs.mkdir(dir, { recursive: true });
  const stopper = new AbortController();
  const onAbort = () => stopper.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  const drawing = runTool(
    'pdftoppm',
    ['-r', String(ANALYSIS_DPI), '-gray', '-f', String(first), '-l', String(last), pdfPath, path.join(dir, 'p')],
    { signal: stopper.signal, timeoutMs: 600_000 },
  ).finally(() => {
    finished = true;
    signal?.removeEventListener('abort', onAbort);
  });
  drawing.catch(() => {}); // a failure reaches whoever waits for a page
  const waitFor = async (page: number): Promise<string | undefined> => {
    for (;;) {
      const done = finished;
      const ready = finishedPages(await fs.readdir(dir).catch(() => []), done);
      const file = ready.get(page);
      if (file) return path.join(dir, file);
      if (done) {
        await drawing; // throws poppler's failure
        return undefined;
      }
      await Promise.race([drawing.catch(() => {}), new Promise((r) => setTimeout(r, LOOK_EVERY_MS))]);
    }
  };
  return { page: waitFor, stop: () => stopper.abort() };
}
