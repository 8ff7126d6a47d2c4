/** How a document's pages are cut into page groups, and which page images poppler has finished. */
import { describe, expect, it } from 'vitest';
import { finishedPages } from '../../engines/document/analysis-raster.ts';
import { looksLikeTextPage, planPageGroups, wordsPerPage } from '../../engines/document/page-groups.ts';

const sizes = { ocr: 25, text: 250 };

describe('page groups', () => {
  it('puts text pages in long groups and pages that need OCR in short ones', () => {
    expect(planPageGroups(Array(600).fill(true), sizes)).toEqual([
      [0, 249],
      [250, 499],
      [500, 599],
    ]);
    expect(planPageGroups(Array(60).fill(false), sizes)).toEqual([
      [0, 24],
      [25, 49],
      [50, 59],
    ]);
    // a scan in the middle of a text document: each page of it weighs ten text pages
    const mixed = [...Array(100).fill(true), ...Array(30).fill(false), ...Array(100).fill(true)];
    expect(planPageGroups(mixed, sizes)).toEqual([
      [0, 114],
      [115, 229],
    ]);
    expect(planPageGroups([], sizes)).toEqual([]);
    expect(planPageGroups([false], { ocr: 25, text: 10 })).toEqual([[0, 0]]); // a text group smaller than an OCR one
  });

  it('judges a page from its plain text layer as the page reader will', () => {
    const prose = 'The harbour office keeps a record of every vessel that enters the port and the berth it takes on arrival';
    expect(looksLikeTextPage(prose.split(' '))).toBe(true);
    expect(looksLikeTextPage(['Figure', '3'])).toBe(false); // few words: perhaps a scan with a caption
    expect(looksLikeTextPage(Array(30).fill('xqzvbnm'))).toBe(false); // a junk text layer
    const pages = wordsPerPage('one two\fthree\f', 3);
    expect(pages).toEqual([['one', 'two'], ['three'], []]);
    expect(wordsPerPage('', 2)).toEqual([[], []]);
  });

  it('hands out a page image only once poppler has gone on to the next', () => {
    const names = ['p-0001.pgm', 'p-0002.pgm', 'p-0003.pgm', 'other.txt'];
    expect([...finishedPages(names, false).keys()]).toEqual([1, 2]);
    expect([...finishedPages(names, true).keys()]).toEqual([1, 2, 3]);
    expect(finishedPages([], false).size).toBe(0);
  });
});
