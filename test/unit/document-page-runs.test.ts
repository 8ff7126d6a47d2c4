/** The runs of pages a page group writes, and the chain the output writer reads them back by. */
import { describe, expect, it } from 'vitest';
import {
  chainOfRuns,
  firstMissingPage,
  pagesOfRun,
  runFileName,
  runOfFileName,
} from '../../activities/document/page-runs.ts';

const run = (first: number, last: number) => ({ first, last });

describe('page runs', () => {
  it('names a run by its first and last page, and reads the one-page names of earlier versions', () => {
    expect(runFileName(10, 34)).toBe('00010-00034.json');
    expect(runOfFileName('00010-00034.json')).toEqual(run(10, 34));
    expect(runOfFileName('00007.json')).toEqual(run(7, 7));
    expect(runOfFileName('00034-00010.json')).toBeUndefined();
    expect(runOfFileName('notes.txt')).toBeUndefined();
    const page = { layout: {} as never, figureCrops: [] };
    expect(pagesOfRun(page)).toEqual([page]);
    expect(pagesOfRun({ first: 3, pages: [page, page] })).toHaveLength(2);
  });

  it('chains runs from the first page to the last', () => {
    expect(chainOfRuns([run(25, 49), run(0, 24)], 50)).toEqual([run(0, 24), run(25, 49)]);
    expect(chainOfRuns([run(0, 0)], 1)).toEqual([run(0, 0)]);
  });

  it('steps around the run of an abandoned attempt that ends where no other run starts', () => {
    // attempt A wrote 0-9 and 10-19; its retry B resumed at 10 and wrote 10-14, 15-24; A, still running, wrote 20-22
    const runs = [run(0, 9), run(10, 19), run(10, 14), run(15, 24), run(20, 22)];
    expect(chainOfRuns(runs, 25)).toEqual([run(0, 9), run(10, 14), run(15, 24)]);
  });

  it('says which page was never written', () => {
    const runs = [run(0, 9), run(12, 24)];
    expect(chainOfRuns(runs, 25)).toBeUndefined();
    expect(firstMissingPage(runs, 25)).toBe(10);
    expect(chainOfRuns([run(0, 30)], 25)).toBeUndefined(); // a run past the document's end is not this document's
    expect(firstMissingPage([], 3)).toBe(0);
  });
});
