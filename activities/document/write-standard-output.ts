/**
 * Streams the DOCUMENT standard output: pages are read one at a time (memory flat in page count), elements,
 * lines and words go to temporary JSON-lines files and are spliced into result.json at the end. A table that
 * ends a page and one that starts the next with the same columns become one table (page_indices [p, p+1]).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, SUMMARY_METHOD, splitSentences, summarize } from '../../engines/language/extractive-summary.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { applyPhrasedSummary, phraseDocumentSummary } from '../../engines/language/document-summary.ts';
import type { LayoutElement, PageLayout } from '../../engines/layout/page-layout.ts';
import { joinRepresentations, renderElement, tableCsv } from '../../engines/layout/render.ts';
import { appendRows, type TableGrid, toMatrix } from '../../engines/layout/table-grid.ts';
import { boundingBoxOf as bbox } from '../../schemas/box.ts';
import type {
  DocumentElement,
  DocumentPage,
  DocumentStandardOutput,
  TableElement,
  TextLine,
  TextWord,
} from '../../schemas/document-output.ts';
import type { DocumentOptions } from './output-options.ts';

/** BDA's document/page statistics, all zero. */
const emptyStatistics = () => ({
  element_count: 0,
  table_count: 0,
  figure_count: 0,
  word_count: 0,
  line_count: 0,
  hyperlinks_count: 0,
});

export interface ResultContext {
  assetId: string;
  fileType: string;
  s3?: { bucket: string; key: string };
  pageCount: number;
  options: DocumentOptions;
  /** writes an extra asset file (per-page .md/.txt, table CSVs) and returns its URI */
  saveAsset?: (name: string, body: string, contentType: string) => Promise<string>;
  provider?: GenerativeProvider;
  /**
   * leave the model's summary to the generative queue: the extractive fields are written, and the sentences the
   * model is to phrase from are returned as `summarySource`
   */
  deferSummary?: boolean;
  /** figure crop URIs by page index */
  figureCrops: Map<number, (string | undefined)[]>;
  /**
   * also write `layout.json`: every word with its box, whatever granularity the request asked for, so that
   * custom output reads the words even when the standard output holds only elements
   */
  layoutForBlueprints?: boolean;
}

type Rep = { text?: string; markdown?: string; html?: string; csv?: string };
const sameColumns = (a: TableGrid, b: TableGrid) =>
  a.cols === b.cols && a.columnStarts.every((x, i) => Math.abs(x - (b.columnStarts[i] ?? -1)) < 0.03);
const isBody = (e: LayoutElement) =>
  !(e.type === 'TEXT' && (e.subType === 'HEADER' || e.subType === 'FOOTER' || e.subType === 'PAGE_NUMBER'));
const URL_RE = /\bhttps?:\/\/[^\s)]+|\bwww\.[^\s)]+/g;

class JsonLines<T> {
  private readonly out;
  private first = true;
  count = 0;
  constructor(readonly file: string) {
    this.out = createWriteStream(file);
  }
  async push(v: T) {
    const s = `${this.first ? '' : ',\n'}${JSON.stringify(v)}`;
    this.first = false;
    this.count++;
    if (!this.out.write(s)) await once(this.out, 'drain');
  }
  async close() {
    this.out.end();
    await once(this.out, 'finish');
  }
}

export async function writeDocumentResult(
  pages: AsyncIterable<PageLayout>,
  ctx: ResultContext,
): Promise<{
  file: string;
  layoutFile?: string;
  /** with `deferSummary`: the sentences the model is to phrase the summary from */
  summarySource?: string[];
  stats: Record<string, number>;
  cleanup: () => Promise<void>;
}> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-docout-'));
  const o = ctx.options;
  const elementsOut = new JsonLines<DocumentElement>(path.join(dir, 'elements'));
  const linesOut = new JsonLines<TextLine>(path.join(dir, 'lines'));
  const wordsOut = new JsonLines<TextWord>(path.join(dir, 'words'));
  const pagesOut = new JsonLines<DocumentPage>(path.join(dir, 'pages'));
  const layoutOut = new JsonLines<TextWord>(path.join(dir, 'layout-words'));
  const docReps: Rep[] = [];
  const sentences: { text: string; ref: string }[] = [];
  const totals = emptyStatistics();
  let order = 0;
  let lineNo = 0;
  let wordNo = 0;
  let tableNo = 0;
  let ocrPages = 0;
  let pending: { json: TableElement; grid: TableGrid } | undefined;

  const finishTable = async (p: { json: TableElement; grid: TableGrid }) => {
    const t = p.grid;
    const rep = renderElement({ type: 'TABLE', grid: t, box: { x0: 0, y0: 0, x1: 0, y1: 0 }, lines: [] }, o.formats);
    p.json.representation = rep;
    p.json.headers = t.headerRows ? toMatrix(t)[0] : [];
    p.json.table_structure = {
      rows: t.rows,
      columns: t.cols,
      header_rows: t.headerRows,
      cells: t.cells.map((c) => ({
        row: c.row,
        column: c.col,
        row_span: c.rowSpan,
        column_span: c.colSpan,
        text: c.text,
        header: c.header,
      })),
    };
    tableNo++;
    if (ctx.saveAsset) p.json.csv_s3_uri = await ctx.saveAsset(`table_${tableNo}.csv`, tableCsv(t), 'text/csv');
    if (o.granularity.has('ELEMENT')) await elementsOut.push(p.json);
    docReps.push(rep);
  };

  for await (const page of pages) {
    if (page.source === 'OCR') ocrPages++;
    const stats = emptyStatistics();
    const pageReps: Rep[] = [];
    const crops = ctx.figureCrops.get(page.pageIndex) ?? [];
    let figureNo = 0;
    const bodyEls = page.elements.filter(isBody);
    for (const e of page.elements) {
      const loc = { page_index: page.pageIndex, ...(o.boundingBoxes ? { bounding_box: bbox(e.box) } : {}) };
      const conf = e.lines.length ? e.lines.reduce((s, l) => s + l.confidence, 0) / e.lines.length : 1;
      // lines and words, in reading order
      const elementId = `element-${order}`;
      for (const l of e.lines) {
        const lineId = `line-${lineNo}`;
        if (o.granularity.has('LINE'))
          await linesOut.push({
            id: lineId,
            text: l.text,
            reading_order: lineNo,
            page_index: page.pageIndex,
            confidence: round(l.confidence),
            ...(o.boundingBoxes ? { locations: { page_index: page.pageIndex, bounding_box: bbox(l.box) } } : {}),
          });
        if (ctx.layoutForBlueprints)
          for (const [k, w] of l.words.entries())
            await layoutOut.push({
              id: `word-${wordNo + k}`,
              text: w.text,
              line_id: lineId,
              reading_order: wordNo + k,
              page_index: page.pageIndex,
              confidence: round(w.confidence),
              locations: { page_index: page.pageIndex, bounding_box: bbox(w.box) },
            });
        if (o.granularity.has('WORD'))
          for (const w of l.words) {
            await wordsOut.push({
              id: `word-${wordNo}`,
              text: w.text,
              line_id: lineId,
              reading_order: wordNo,
              page_index: page.pageIndex,
              confidence: round(w.confidence),
              ...(o.boundingBoxes ? { locations: { page_index: page.pageIndex, bounding_box: bbox(w.box) } } : {}),
            });
            wordNo++;
          }
        else wordNo += l.words.length;
        lineNo++;
        stats.line_count++;
        stats.word_count += l.words.length;
        stats.hyperlinks_count += (l.text.match(URL_RE) ?? []).length;
      }
      stats.element_count++;
      if (e.type === 'TABLE') {
        stats.table_count++;
        const pageRep = renderElement(e, o.formats);
        pageReps.push(pageRep);
        const continues = pending && e === bodyEls[0] && sameColumns(pending.grid, e.grid);
        if (continues && pending) {
          pending.grid = appendRows(pending.grid, e.grid);
          pending.json.page_indices.push(page.pageIndex);
          pending.json.locations?.push(loc);
        } else {
          if (pending) await finishTable(pending);
          pending = {
            grid: e.grid,
            json: {
              id: elementId,
              type: 'TABLE',
              reading_order: order++,
              page_indices: [page.pageIndex],
              locations: [loc],
              confidence: round(conf),
            },
          };
        }
        if (e !== bodyEls[bodyEls.length - 1] && pending) {
          await finishTable(pending);
          pending = undefined;
        }
        continue;
      }
      if (pending && isBody(e)) {
        await finishTable(pending);
        pending = undefined;
      }
      let json: DocumentElement;
      if (e.type === 'FIGURE') {
        stats.figure_count++;
        const crop = crops[figureNo++];
        const rep = renderElement(e, o.formats, { crop });
        json = {
          id: elementId,
          type: 'FIGURE',
          sub_type: 'IMAGE',
          summary: '',
          summary_source: ctx.provider
            ? `none generated: the configured provider (${ctx.provider.name}) takes text only; figure captions need a vision provider`
            : 'none generated: no captioning provider is configured',
          representation: rep,
          ...(crop ? { crop_images: [crop] } : {}),
          reading_order: order++,
          page_indices: [page.pageIndex],
          locations: [loc],
        };
        pageReps.push(rep);
        docReps.push(rep);
      } else {
        const rep = renderElement(e, o.formats);
        json = {
          id: elementId,
          type: 'TEXT',
          sub_type: e.subType,
          representation: rep,
          reading_order: order++,
          page_indices: [page.pageIndex],
          locations: [loc],
          confidence: round(conf),
        };
        pageReps.push(rep);
        docReps.push(rep);
        if (
          e.subType === 'PARAGRAPH' ||
          e.subType === 'LIST' ||
          e.subType === 'TITLE' ||
          e.subType === 'SECTION_TITLE'
        ) {
          for (const s of splitSentences(e.lines.map((l) => l.text).join(' ')))
            sentences.push({ text: s, ref: elementId });
        }
      }
      if (o.granularity.has('ELEMENT')) await elementsOut.push(json);
    }
    if (pending && !bodyEls.length) {
      /* an empty page ends a table */
      await finishTable(pending);
      pending = undefined;
    }
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += stats[k];
    const pageRep = joinRepresentations(pageReps, o.formats);
    const assetMeta: Record<string, unknown> = {};
    if (page.pageImageWidthPx)
      Object.assign(assetMeta, {
        rectified_image_width_pixels: page.pageImageWidthPx,
        rectified_image_height_pixels: page.pageImageHeightPx,
      });
    if (ctx.saveAsset) {
      const n = page.pageIndex + 1;
      if (pageRep.markdown !== undefined || o.formats.includes('MARKDOWN'))
        assetMeta.markdown_s3_uri = await ctx.saveAsset(
          `page_${n}.md`,
          joinRepresentations(pageReps, ['MARKDOWN']).markdown ?? '',
          'text/markdown',
        );
      assetMeta.text_s3_uri = await ctx.saveAsset(
        `page_${n}.txt`,
        joinRepresentations(pageReps, ['PLAIN_TEXT']).text ?? '',
        'text/plain',
      );
    }
    if (o.granularity.has('PAGE'))
      await pagesOut.push({
        id: `page-${page.pageIndex}`,
        page_index: page.pageIndex,
        ...(page.detectedPageNumber !== undefined ? { detected_page_number: page.detectedPageNumber } : {}),
        representation: pageRep,
        statistics: stats,
        ...(Object.keys(assetMeta).length ? { asset_metadata: assetMeta } : {}),
        text_source: {
          source: page.source,
          reason: page.sourceReason,
          ...(page.ocrEngine ? { ocr_engine: page.ocrEngine } : {}),
        },
      });
  }
  if (pending) await finishTable(pending);
  totals.table_count = tableNo; // a table across pages counts once
  totals.element_count = order;
  await Promise.all([elementsOut.close(), linesOut.close(), wordsOut.close(), pagesOut.close(), layoutOut.close()]);

  const document: Partial<DocumentStandardOutput['document']> = {};
  let summarySource: string[] | undefined;
  if (o.granularity.has('DOCUMENT')) document.representation = joinRepresentations(docReps, o.formats);
  if (o.generative) {
    // candidates spread evenly over the document so a 1,500-page file ranks in bounded time
    const cap = 400;
    const step = Math.max(1, sentences.length / cap);
    const cands = Array.from({ length: Math.min(cap, sentences.length) }, (_, i) => sentences[Math.floor(i * step)]);
    const sum = summarize(cands, { maxWords: 250 });
    document.description = describe(cands, 10);
    document.summary = sum.text;
    document.generative_source = {
      method: SUMMARY_METHOD,
      sentences: sum.picks.map((p) => ({ element_id: String(p.ref), score: round(p.score) })),
    };
    if (ctx.deferSummary) summarySource = cands.map((c) => c.text);
    else if (ctx.provider && cands.length) {
      // a configured model writes both fields from the document's own top-ranked text; on failure the
      // extractive fields stay, and the reason is recorded
      const phrased = await phraseDocumentSummary(
        ctx.provider,
        cands.map((c) => c.text),
      );
      applyPhrasedSummary(document, phrased);
    }
  }
  document.statistics = totals;
  const metadata: DocumentStandardOutput['metadata'] = {
    asset_id: ctx.assetId,
    semantic_modality: 'DOCUMENT',
    ...(ctx.s3 ? { s3_bucket: ctx.s3.bucket, s3_key: ctx.s3.key } : {}),
    number_of_pages: ctx.pageCount,
    start_page_index: 0,
    end_page_index: ctx.pageCount - 1,
    file_type: ctx.fileType,
  };
  const file = path.join(dir, 'result.json');
  const out = createWriteStream(file);
  const put = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await put(`{"metadata":${JSON.stringify(metadata)},\n"document":${JSON.stringify(document)}`);
  const splice = async <T>(key: keyof DocumentStandardOutput, jl: JsonLines<T>, enabled: boolean) => {
    if (!enabled) return;
    await put(`,\n"${key}":[\n`);
    for await (const chunk of createReadStream(jl.file)) if (!out.write(chunk)) await once(out, 'drain');
    await put('\n]');
  };
  await splice('pages', pagesOut, o.granularity.has('PAGE'));
  await splice('elements', elementsOut, o.granularity.has('ELEMENT'));
  await splice('text_lines', linesOut, o.granularity.has('LINE'));
  await splice('text_words', wordsOut, o.granularity.has('WORD'));
  await put('}\n');
  out.end();
  await once(out, 'finish');
  let layoutFile: string | undefined;
  if (ctx.layoutForBlueprints) {
    // `{"text_words": [...]}`: custom output reads these words in place of the standard output's (BlueprintWords)
    layoutFile = path.join(dir, 'layout.json');
    const lo = createWriteStream(layoutFile);
    const write = async (s: string) => {
      if (!lo.write(s)) await once(lo, 'drain');
    };
    await write('{"text_words":[\n');
    for await (const chunk of createReadStream(layoutOut.file)) if (!lo.write(chunk)) await once(lo, 'drain');
    await write('\n]}\n');
    lo.end();
    await once(lo, 'finish');
  }
  for (const jl of [elementsOut, linesOut, wordsOut, pagesOut, layoutOut]) await fs.rm(jl.file, { force: true });
  return {
    file,
    layoutFile,
    ...(summarySource?.length ? { summarySource } : {}),
    stats: {
      pages: ctx.pageCount,
      ocr_pages: ocrPages,
      words: totals.word_count,
      elements: totals.element_count,
      tables: totals.table_count,
      figures: totals.figure_count,
    },
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
