/**
 * Pure: how a document's pages are cut into page groups (one extraction activity each). Pages whose text layer
 * will do are read at a millisecond or two a page, and each group costs a poppler process or two (a fork of a
 * worker that holds hundreds of MB takes ~15 ms of its event loop), so they go in long groups; pages that will
 * probably be OCR'd take seconds each, so they go in short groups that workers share out. Which is which is
 * judged from the plain text layer as `chooseSource` judges it (word count, word quality); a page it misjudges
 * is still read the right way, only in a group of the other length.
 */
import { textLayerQuality } from './choose-source.ts';

export interface GroupSizes {
  /** pages per group of pages that will probably be OCR'd (QUARRY_DOC_PAGE_GROUP) */
  ocr: number;
  /** pages per group of pages with a text layer (QUARRY_DOC_TEXT_PAGE_GROUP) */
  text: number;
}

/** Pure: true when a page's text layer (its words) will probably be read as it is, without OCR. */
export function looksLikeTextPage(words: string[]): boolean {
  // fewer than 20 words may be a scan with a stray caption: chooseSource looks at its ink first
  if (words.length < 20) return false;
  const q = textLayerQuality(words.map((text) => ({ text, confidence: 1, box: { x0: 0, y0: 0, x1: 0, y1: 0 } })));
  return q >= 0.6;
}

/** Pure: the words of each page in `pdftotext` plain output (pages end with a form feed). */
export function wordsPerPage(text: string, pageCount: number): string[][] {
  const pages = text.split('\f').slice(0, pageCount);
  while (pages.length < pageCount) pages.push('');
  return pages.map((p) => p.split(/\s+/).filter(Boolean));
}

/**
 * Pure: page groups [first, last] (0-based, inclusive) of about equal work: a group holds `sizes.text` text pages,
 * or `sizes.ocr` other pages, or a mix in proportion, in page order.
 */
export function planPageGroups(textPage: boolean[], sizes: GroupSizes): [number, number][] {
  const ocrCost = Math.max(1, sizes.text / sizes.ocr);
  const groups: [number, number][] = [];
  let start = 0;
  let cost = 0;
  for (let i = 0; i < textPage.length; i++) {
    const c = textPage[i] ? 1 : ocrCost;
    if (i > start && cost + c > sizes.text + 1e-9) {
      groups.push([start, i - 1]);
      start = i;
      cost = 0;
    }
    cost += c;
  }
  if (textPage.length) groups.push([start, textPage.length - 1]);
  return groups;
}
