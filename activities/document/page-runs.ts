/**
 * Where a page group keeps the pages it has read: runs of consecutive pages, one JSON file per run, named by
 * the run's first and last page (`pages/00010-00034.json`). A text-layer page takes a millisecond, so a group
 * writes its pages in runs of about a second's work instead of one file per page (one write per page was a
 * fifth of a born-digital page's time on local disk, and an object PUT per page on S3); an OCR page takes a
 * second or more, so it is still written as soon as it is read, and a retry resumes at the page after the last
 * run written.
 *
 * A run's file is never changed once written, and writing it again (a retry, or an attempt that timed out but
 * is still running) gives the same pages: the writer finds a chain of runs from the first page to the last among
 * whatever files there are (`chainOfRuns`). The one-file-per-page names of earlier versions (`pages/00010.json`)
 * are runs of one page, so a job that was running during an upgrade still reads.
 */
import type { PageLayout } from '../../engines/layout/page-layout.ts';

export interface StoredPage {
  layout: PageLayout;
  figureCrops: (string | undefined)[];
}

/** What a run's file holds (one page written by an earlier version: `StoredPage` itself). */
export interface StoredRun {
  first: number;
  pages: StoredPage[];
}

/** How much work a group collects before it writes a run. */
export const RUN_EVERY_MS = 1_000;

const pad = (n: number) => String(n).padStart(5, '0');

/** File name of the run of pages first..last (0-based, inclusive). */
export const runFileName = (first: number, last: number) => `${pad(first)}-${pad(last)}.json`;

/** Pure: the pages a run file covers, from its name; undefined for a name that is not a run's. */
export function runOfFileName(name: string): { first: number; last: number } | undefined {
  const m = /^(\d{5,})(?:-(\d{5,}))?\.json$/.exec(name);
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  return last >= first ? { first, last } : undefined;
}

/** Pure: the pages of a run file's content, whichever version wrote it. */
export function pagesOfRun(content: StoredRun | StoredPage): StoredPage[] {
  return 'pages' in content ? content.pages : [content];
}

/**
 * Pure: runs that cover pages 0..pageCount-1 once each, in order, chosen from those written (each `{first,
 * last}`); undefined when no chain reaches the last page (a page was never written). Breadth first over page
 * positions, so a dead end left by an abandoned attempt's run is stepped around.
 */
export function chainOfRuns<R extends { first: number; last: number }>(runs: R[], pageCount: number): R[] | undefined {
  const from = new Map<number, R[]>();
  for (const r of runs) if (r.last < pageCount) from.set(r.first, [...(from.get(r.first) ?? []), r]);
  const via = new Map<number, R>(); // position reached → the run that reached it
  const queue = [0];
  const reached = new Set([0]);
  while (queue.length) {
    const at = queue.shift() as number;
    if (at === pageCount) break;
    for (const r of from.get(at) ?? []) {
      const next = r.last + 1;
      if (reached.has(next)) continue;
      reached.add(next);
      via.set(next, r);
      queue.push(next);
    }
  }
  if (!reached.has(pageCount)) return undefined;
  const chain: R[] = [];
  for (let at = pageCount; at > 0; ) {
    const r = via.get(at) as R;
    chain.unshift(r);
    at = r.first;
  }
  return chain;
}

/** Pure: the first page of 0..pageCount-1 that no chain of runs reaches (for the error that names it). */
export function firstMissingPage(runs: { first: number; last: number }[], pageCount: number): number {
  const reached = new Set([0]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of runs)
      if (reached.has(r.first) && !reached.has(r.last + 1) && r.last < pageCount) {
        reached.add(r.last + 1);
        changed = true;
      }
  }
  return Math.max(...reached);
}
