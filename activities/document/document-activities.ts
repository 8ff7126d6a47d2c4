/**
 * DOCUMENT activities (task queue quarry-document). The pipeline (workflows/document.ts) calls:
 *   prepareDocument  → sniff-independent probe, limits, DOCX → PDF; returns the plan (page groups)
 *   extractPageGroup → per page: text layer or OCR, figures, layout; one JSON per page in the work area;
 *                      reports `{ next, ocrBefore }` so a retry resumes at the next unfinished page
 *   writeDocumentOutput → streams the pages into standard_output/0/result.json (+ assets) and cleans up
 */
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { clientError } from '../../engines/client-error.ts';
import { metrics } from '../../engines/telemetry/metrics.ts';
import { inSpan } from '../../engines/telemetry/tracing.ts';
import { convertDocxToPdf } from '../../engines/document/convert-docx.ts';
import {
  type ExtractedPage,
  extractImagePage,
  extractPdfPage,
  type PageSourceContext,
} from '../../engines/document/extract-page.ts';
import { renderForAnalysis } from '../../engines/document/analysis-raster.ts';
import { probeImage, probePdf } from '../../engines/document/probe.ts';
import { looksLikeTextPage, planPageGroups, wordsPerPage } from '../../engines/document/page-groups.ts';
import { readPlainText, readTextLayer } from '../../engines/document/text-layer.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { layoutPage, type PageLayout } from '../../engines/layout/page-layout.ts';
import { ToolError } from '../../engines/media/run-tool.ts';
import { defaultOcrEngine, ocrEngine } from '../../engines/ocr/choose-engine.ts';
import { ocrConcurrency } from '../../engines/ocr/ocr-slots.ts';
import {
  blueprintLayoutUri,
  joinUri,
  standardOutputAssetsUri,
  standardOutputUri,
  summarySourceUri,
  workAreaUri,
} from '../../schemas/output-location.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';
import { activityContext } from '../activity-context.ts';
import type { ActivityDeps } from '../deps.ts';
import { reportProgress, resumedProgress } from '../heartbeat.ts';
import { createWorkAreaActivities } from '../work-area.ts';
import { documentOptions } from './output-options.ts';
import {
  chainOfRuns,
  firstMissingPage,
  pagesOfRun,
  RUN_EVERY_MS,
  runFileName,
  runOfFileName,
  type StoredPage,
  type StoredRun,
} from './page-runs.ts';
import { appliesToStandardOutput, redactStandardOutput } from './redact-standard-output.ts';
import { writeDocumentResult } from './write-standard-output.ts';

export const DocumentPlan = z.object({
  sourceUri: z.string(),
  kind: z.enum(['PDF', 'IMAGE']),
  fileType: z.string(),
  pageCount: z.number().int().positive(),
  workUri: z.string(),
  groups: z.array(z.tuple([z.number().int(), z.number().int()])),
  groupsInFlight: z.number().int().positive(),
});
export type DocumentPlan = z.infer<typeof DocumentPlan>;

export interface PageGroupRequest {
  plan: DocumentPlan;
  /** 0-based, inclusive */
  first: number;
  last: number;
  assetsUri?: string;
}

/** What a page group reports as it goes: the first page not yet done, and how many of those before it were OCR'd. */
interface GroupProgress {
  next: number;
  of: number;
  ocrBefore: number;
}

const IMAGE_TYPES = new Set(['PNG', 'JPEG', 'TIFF']);
export function createDocumentActivities(deps: ActivityDeps & { provider?: GenerativeProvider }) {
  const { storage, config } = deps;
  const workArea = createWorkAreaActivities(deps);

  async function prepareDocument(input: PipelineInput): Promise<DocumentPlan> {
    const limits = config.documents.limits;
    const fileType = input.asset.fileType.toUpperCase();
    const workUri = workAreaUri(input.assetOutputUri, 'document');
    const bytes = input.asset.bytes || (await storage.stat(input.assetUri)).bytes;
    if (bytes > limits.maxBytes)
      throw clientError(
        'LimitExceeded',
        `the file is ${(bytes / 1048576).toFixed(1)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(0)} MB (QUARRY_DOC_MAX_BYTES)`,
      );
    if (!bytes) throw clientError('InvalidInput', 'the file is empty');
    let sourceUri = input.assetUri;
    let kind: 'PDF' | 'IMAGE';
    let pageCount: number;
    if (fileType === 'PDF') {
      ({ kind, pageCount } = await storage.withLocalFile(input.assetUri, (p) => probePdf(p, limits)));
    } else if (fileType === 'DOCX') {
      sourceUri = joinUri(workUri, 'converted.pdf');
      ({ kind, pageCount } = await storage.withLocalFile(input.assetUri, async (p) => {
        const signal = activityContext()?.cancellationSignal;
        const { pdfPath, cleanup } = await convertDocxToPdf(p, signal, config.tools.soffice);
        try {
          const probe = await probePdf(pdfPath, limits);
          await storage.write(sourceUri, createReadStream(pdfPath), 'application/pdf');
          return probe;
        } finally {
          await cleanup();
        }
      }));
    } else if (IMAGE_TYPES.has(fileType)) {
      ({ kind, pageCount } = await storage.withLocalFile(input.assetUri, (p) => probeImage(p, limits)));
    } else {
      throw clientError(
        'UnsupportedMediaType',
        `the document pipeline does not read ${fileType} files (PDF, PNG, JPEG, TIFF, DOCX)`,
      );
    }
    // which pages will probably be read from their text layer: those go in long groups (engines/document/page-groups.ts)
    const textPages =
      kind === 'PDF'
        ? await storage.withLocalFile(sourceUri, (p) => textLayerPages(p, pageCount))
        : Array<boolean>(pageCount).fill(false);
    const groups = planPageGroups(textPages, { ocr: limits.pageGroupSize, text: limits.textPageGroupSize });
    return { sourceUri, kind, fileType, pageCount, workUri, groups, groupsInFlight: limits.maxGroupsInFlight };
  }

  async function extractPageGroup(
    req: PageGroupRequest,
  ): Promise<{ pages: number; ocrPages: number; resumedAt: number }> {
    const { plan } = req;
    const resumed = resumedProgress<GroupProgress>();
    const startAt = typeof resumed?.next === 'number' && resumed.next > req.first ? resumed.next : req.first;
    const signal = activityContext()?.cancellationSignal;
    const engine = await defaultOcrEngine(config, plan.kind === 'IMAGE' ? 'image file' : 'scanned page');
    // OCR pages of the ones a previous attempt finished: the count is the same however often the group was cut off
    let ocrBefore = startAt > req.first ? (resumed?.ocrBefore ?? 0) : 0;
    // the previous attempt wrote every page of the group and died before it could complete: nothing left to read
    if (startAt > req.last) return { pages: req.last - req.first + 1, ocrPages: ocrBefore, resumedAt: startAt };
    await storage.withLocalFile(plan.sourceUri, async (localPath) => {
      const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-pages-'));
      let stopDrawing: (() => void) | undefined;
      try {
        const ctx: PageSourceContext = {
          kind: plan.kind,
          path: localPath,
          tmpDir,
          limits: config.documents.limits,
          engine,
          psm: config.documents.ocr.psm,
          signal,
          saveCrop: req.assetsUri
            ? async (name, png) => (await storage.write(joinUri(req.assetsUri as string, name), png, 'image/png')).uri
            : undefined,
        };
        const analysis =
          plan.kind === 'PDF'
            ? await renderForAnalysis(localPath, startAt + 1, req.last + 1, tmpDir, signal)
            : undefined;
        stopDrawing = analysis?.stop;
        const layers =
          plan.kind === 'PDF'
            ? await readTextLayer(localPath, startAt + 1, req.last + 1, signal).catch((e) => {
                throw asInputError(e, `pages ${startAt + 1}-${req.last + 1}`);
              })
            : [];
        // pages read but not yet written (in order from `written`), and whether each was OCR'd
        const done = new Map<number, StoredPage & { ocr: boolean }>();
        let written = startAt;
        let lastWrite = performance.now();
        let writing = Promise.resolve();
        // writes the pages read in order since the last run, then reports the page a retry resumes at
        const writeRun = () => {
          let end = written;
          while (done.has(end)) end++;
          if (end === written) return writing;
          const first = written;
          const run = Array.from(
            { length: end - first },
            (_, k) => done.get(first + k) as StoredPage & { ocr: boolean },
          );
          written = end;
          lastWrite = performance.now();
          writing = writing.then(async () => {
            const pages = run.map(({ layout, figureCrops }) => ({ layout, figureCrops }));
            await storage.writeJson(joinUri(plan.workUri, 'pages', runFileName(first, end - 1)), {
              first,
              pages,
            } satisfies StoredRun);
            for (let k = first; k < end; k++) if (done.get(k)?.ocr) ocrBefore++;
            for (let k = first; k < end; k++) done.delete(k);
            reportProgress({ next: end, of: plan.pageCount, ocrBefore } satisfies GroupProgress);
          });
          return writing;
        };
        const one = async (i: number) => {
          let page: ExtractedPage;
          try {
            const image = analysis ? await analysis.page(i + 1) : undefined;
            page = await inSpan('document.page', { 'quarry.page': i + 1 }, () =>
              plan.kind === 'PDF'
                ? extractPdfPage(ctx, i, layers[i - startAt] ?? { widthPt: 612, heightPt: 792, words: [] }, image)
                : extractImagePage(ctx, i),
            );
          } catch (e) {
            throw asInputError(e, `page ${i + 1}`);
          }
          metrics.pages.inc({ source: page.source === 'OCR' ? 'ocr' : 'text' });
          const layout = layoutPage(page, { isFirstPage: i === 0 });
          done.set(i, { layout, figureCrops: page.figureCrops, ocr: page.source === 'OCR' });
          if (performance.now() - lastWrite >= RUN_EVERY_MS) await writeRun();
        };
        // pages of the group in order, as many at once as there are OCR slots
        const width = Math.max(1, Math.min(ocrConcurrency(config.documents.ocr.concurrency), 4));
        let cursor = startAt;
        await Promise.all(
          Array.from({ length: width }, async () => {
            while (cursor <= req.last) {
              const i = cursor++;
              await one(i);
            }
          }),
        );
        await writeRun();
      } finally {
        stopDrawing?.();
        await fs.rm(tmpDir, { recursive: true, force: true });
      }
    });
    return { pages: req.last - req.first + 1, ocrPages: ocrBefore, resumedAt: startAt };
  }

  /**
   * `deferSummary` (workflows since the generative queue writes summaries): when a generative provider is
   * configured, the model's summary is left to `phraseDocumentSummary` on `quarry-generative`; the sentences it
   * phrases from are written to `summarySourceUri`, which the result names.
   */
  async function writeDocumentOutput(args: {
    input: PipelineInput;
    plan: DocumentPlan;
    deferSummary?: boolean;
  }): Promise<{ uri: string; stats: Record<string, number>; summarySourceUri?: string }> {
    const { input, plan } = args;
    const provider = deps.provider ?? configuredProvider(config.generative) ?? undefined;
    const options = documentOptions(input.standardOutputConfiguration.document, input.sync);
    const figureCrops = new Map<number, (string | undefined)[]>();
    const pagesUri = joinUri(plan.workUri, 'pages');
    const runs: { first: number; last: number; uri: string }[] = [];
    for await (const o of storage.list(pagesUri)) {
      const run = runOfFileName(o.uri.slice(o.uri.lastIndexOf('/') + 1));
      if (run) runs.push({ ...run, uri: o.uri });
    }
    const chain = chainOfRuns(runs, plan.pageCount);
    if (!chain)
      throw new Error(
        `page ${firstMissingPage(runs, plan.pageCount) + 1} of ${plan.pageCount} was never written to the work area`,
      );
    async function* pages(): AsyncIterable<PageLayout> {
      for (const run of chain ?? []) {
        const stored = pagesOfRun(await storage.readJson<StoredRun | StoredPage>(run.uri));
        if (stored.length !== run.last - run.first + 1)
          throw new Error(`${run.uri} holds ${stored.length} pages; its name says ${run.last - run.first + 1}`);
        for (const [k, page] of stored.entries()) {
          const i = run.first + k;
          figureCrops.set(i, page.figureCrops);
          if (i % 50 === 0) reportProgress({ writing: i });
          yield page.layout;
          figureCrops.delete(i - 1);
        }
      }
    }
    const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(input.assetUri);
    const { file, layoutFile, summarySource, stats, cleanup } = await writeDocumentResult(pages(), {
      assetId: String(input.assetIndex),
      fileType: plan.fileType,
      s3: s3 ? { bucket: s3[1], key: s3[2] } : undefined,
      pageCount: plan.pageCount,
      options,
      provider,
      deferSummary: Boolean(args.deferSummary && provider),
      figureCrops,
      layoutForBlueprints: input.blueprints.length > 0 || Boolean(input.projectArn),
      saveAsset: options.additionalFiles
        ? async (name, body, type) =>
            (await storage.write(joinUri(standardOutputAssetsUri(input.assetOutputUri), name), body, type)).uri
        : undefined,
    });
    try {
      const uri = standardOutputUri(input.assetOutputUri);
      await storage.write(uri, createReadStream(file), 'application/json');
      if (layoutFile)
        await storage.write(blueprintLayoutUri(input.assetOutputUri), createReadStream(layoutFile), 'application/json');
      let sentences = summarySource;
      const sensitive = input.overrideConfiguration?.document?.sensitiveDataConfiguration;
      if (appliesToStandardOutput(sensitive)) {
        const r = await redactStandardOutput(storage, uri, sensitive, sentences);
        stats.sensitive_entities = r.entities;
        sentences = r.summarySource;
      }
      if (!sentences) return { uri, stats };
      const sourceUri = summarySourceUri(input.assetOutputUri);
      await storage.writeJson(sourceUri, { sentences });
      return { uri, stats, summarySourceUri: sourceUri };
    } finally {
      await cleanup();
    }
  }

  /** Removes the work area (page JSONs, converted DOCX); best effort. */
  async function cleanDocumentWork(args: { workUri: string }): Promise<void> {
    await workArea.removeWorkArea(args);
  }

  return { prepareDocument, extractPageGroup, writeDocumentOutput, cleanDocumentWork };
}

/** Which pages of a PDF will probably be read from their text layer (one plain `pdftotext` pass). */
async function textLayerPages(pdfPath: string, pageCount: number): Promise<boolean[]> {
  const text = await readPlainText(pdfPath, activityContext()?.cancellationSignal).catch((e) => {
    throw asInputError(e, 'the text layer');
  });
  return wordsPerPage(text, pageCount).map(looksLikeTextPage);
}

/** A poppler failure on a file that passed the probe is a damaged page: the same input fails the same way. */
function asInputError(e: unknown, where: string): unknown {
  if (e instanceof ToolError && e.code !== null && /^pdf/.test(e.tool))
    return clientError(
      'InvalidInput',
      `${where} could not be read (damaged PDF): ${e.stderr.trim().split('\n')[0].slice(0, 200)}`,
    );
  return e;
}

export type DocumentActivities = ReturnType<typeof createDocumentActivities>;
export { ocrEngine };
