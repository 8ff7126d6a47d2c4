/**
 * One page → words with boxes (text layer or OCR), figures and rules. PDF pages: poppler text layer plus a
 * low-resolution raster to see what the text layer does not explain; pages that need it are rasterised at
 * OCR resolution, cleaned up (sharp) and OCR'd. Image pages are always OCR'd.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ANALYSIS_DPI } from './analysis-raster.ts';
import { chooseSource } from './choose-source.ts';
import { analyseInk, type GrayImage } from '../layout/ink.ts';
import type { DocumentLimits } from './limits.ts';
import type { OcrEngine, OcrPage } from '../ocr/engine.ts';
import type { Rect, PageWords, Word } from '../layout/page-content.ts';
import { preprocessForOcr } from '../ocr/preprocess.ts';
import { imagePageToGray, parsePgm, pgmBytes, rasterizePdfPage, scaleGray, shrinkGray } from '../ocr/raster.ts';
import type { TextLayerPage } from './text-layer.ts';

export interface PageSourceContext {
  kind: 'PDF' | 'IMAGE';
  path: string;
  tmpDir: string;
  limits: DocumentLimits;
  engine: OcrEngine;
  psm: number;
  /** when set, figure crops are written through it and their URIs recorded */
  saveCrop?: (name: string, png: Buffer) => Promise<string>;
  signal?: AbortSignal;
}

async function ocrGray(
  ctx: PageSourceContext,
  gray: GrayImage,
  name: string,
): Promise<{ ocr: OcrPage; image: GrayImage; skew: number; rotation: number }> {
  let { image, skew } = await preprocessForOcr(gray);
  const file = path.join(ctx.tmpDir, `${name}.pgm`);
  await fs.writeFile(file, pgmBytes(image));
  let ocr = await ctx.engine.recognize(file, { psm: ctx.psm, signal: ctx.signal });
  let rotation = 0;
  const meanConf = ocr.words.reduce((s, w) => s + w.confidence, 0) / (ocr.words.length || 1);
  if ((ocr.words.length < 5 || meanConf < 0.55) && ctx.engine.detectOrientation) {
    const rot = await ctx.engine.detectOrientation(file, ctx.signal);
    if (rot) {
      ({ image, skew } = await preprocessForOcr(gray, { rotate: rot }));
      await fs.writeFile(file, pgmBytes(image));
      const again = await ctx.engine.recognize(file, { psm: ctx.psm, signal: ctx.signal });
      if (again.words.length >= ocr.words.length) {
        ocr = again;
        rotation = rot;
      }
    }
  }
  await fs.rm(file, { force: true });
  return { ocr, image, skew, rotation };
}

async function cropFigures(
  ctx: PageSourceContext,
  image: GrayImage,
  figures: Rect[],
  pageIndex: number,
): Promise<(string | undefined)[]> {
  if (!ctx.saveCrop || !figures.length) return [];
  const out: (string | undefined)[] = [];
  for (const [k, f] of figures.entries()) {
    const left = Math.max(0, Math.floor(f.x0 * image.width));
    const top = Math.max(0, Math.floor(f.y0 * image.height));
    const width = Math.min(image.width - left, Math.ceil((f.x1 - f.x0) * image.width));
    const height = Math.min(image.height - top, Math.ceil((f.y1 - f.y0) * image.height));
    if (width < 2 || height < 2) {
      out.push(undefined);
      continue;
    }
    const png = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.width * image.height), {
      raw: { width: image.width, height: image.height, channels: 1 },
    })
      .extract({ left, top, width, height })
      .png({ compressionLevel: 6 })
      .toBuffer();
    out.push(await ctx.saveCrop(`figure_page${pageIndex + 1}_${k + 1}.png`, png));
  }
  return out;
}

export interface ExtractedPage extends PageWords {
  figureCrops: (string | undefined)[];
}

export async function extractPdfPage(
  ctx: PageSourceContext,
  pageIndex: number,
  layer: TextLayerPage,
  analysisFile: string | undefined,
): Promise<ExtractedPage> {
  const analysis = analysisFile ? parsePgm(await fs.readFile(analysisFile)) : undefined;
  const ink = analysis
    ? analyseInk(
        analysis,
        layer.words.map((w) => w.box),
      )
    : { inkFraction: 0, inkCoveredByWords: 1, figures: [], rules: { horizontal: [], vertical: [] } };
  const decision = chooseSource(layer.words, ink);
  if (decision.source === 'TEXT_LAYER') {
    let figureCrops: (string | undefined)[] = [];
    if (ctx.saveCrop && ink.figures.length) {
      const img = await rasterizePdfPage(
        ctx.path,
        pageIndex + 1,
        150,
        path.join(ctx.tmpDir, `crop-${pageIndex}`),
        ctx.signal,
      );
      figureCrops = await cropFigures(ctx, img, ink.figures, pageIndex);
      await fs.rm(path.join(ctx.tmpDir, `crop-${pageIndex}.pgm`), { force: true });
    }
    return {
      pageIndex,
      widthPt: layer.widthPt,
      heightPt: layer.heightPt,
      source: 'TEXT_LAYER',
      sourceReason: decision.reason,
      words: layer.words,
      figures: ink.figures,
      rules: ink.rules,
      figureCrops,
    };
  }
  // OCR: resolution capped so the long side stays within the pixel limit
  const maxSideIn = Math.max(layer.widthPt, layer.heightPt) / 72;
  const dpi = Math.max(72, Math.min(ctx.limits.ocrDpi, Math.floor(ctx.limits.maxPixels / Math.max(maxSideIn, 0.01))));
  const base = path.join(ctx.tmpDir, `ocr-${pageIndex}`);
  const gray = await rasterizePdfPage(ctx.path, pageIndex + 1, dpi, base, ctx.signal);
  await fs.rm(`${base}.pgm`, { force: true });
  const page = await ocrPage(ctx, gray, pageIndex, layer.widthPt, layer.heightPt);
  return { ...page, sourceReason: decision.reason };
}

export async function extractImagePage(ctx: PageSourceContext, pageIndex: number): Promise<ExtractedPage> {
  let gray = await imagePageToGray(ctx.path, pageIndex);
  const original = { width: gray.width, height: gray.height };
  // low-resolution scans (a letter page under ~180 dpi) read better at twice the size: +6 points word F1 on FUNSD
  // with tesseract, and with PP-OCR 76.7 % against 71.8 % (its line crops enlarged alone do not do it)
  if (Math.max(gray.width, gray.height) < 1800) gray = await scaleGray(gray, 2);
  // 300 dpi assumed for point sizes (TIFF/PNG densities are often wrong); layout only uses ratios
  const page = await ocrPage(ctx, gray, pageIndex, original.width * 0.24, original.height * 0.24);
  return { ...page, sourceReason: 'image page: OCR' };
}

async function ocrPage(
  ctx: PageSourceContext,
  gray: GrayImage,
  pageIndex: number,
  widthPt: number,
  heightPt: number,
): Promise<ExtractedPage> {
  const { ocr, image, skew, rotation } = await ocrGray(ctx, gray, `page-${pageIndex}`);
  const words: Word[] = ocr.words;
  const small = await shrinkGray(
    image,
    Math.max(200, Math.round((image.width / (gray.width / (widthPt / 72))) * ANALYSIS_DPI)),
  );
  const ink = analyseInk(
    small,
    words.map((w) => w.box),
  );
  const figureCrops = await cropFigures(ctx, image, ink.figures, pageIndex);
  const rotated = rotation === 90 || rotation === 270;
  return {
    pageIndex,
    widthPt: rotated ? heightPt : widthPt,
    heightPt: rotated ? widthPt : heightPt,
    source: 'OCR',
    sourceReason: '',
    ocrEngine: ocr.engine,
    words,
    figures: ink.figures,
    rules: ink.rules,
    deskewDegrees: skew || undefined,
    figureCrops,
  };
}
