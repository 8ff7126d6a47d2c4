/**
 * What both engines do around a bare tesseract pass (so tesseract and tesseract.js see the same input):
 * measure the page's glyphs once; enlarge the page when its text is small (preprocess-upscale.ts); run the
 * requested PSM; when that was the automatic layout (PSM 3) and its words cover too few glyphs, add a
 * sparse-text pass over what it left (sparse-fallback.ts). Boxes come back normalised to the original page.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { GrayImage } from '../layout/ink.ts';
import { glyphStats, MIN_GLYPHS } from './preprocess-glyphs.ts';
import { enlargeGray, mapPageBack, upscaleFactor } from './preprocess-upscale.ts';
import { grayOf, parsePgm, pgmBytes } from './raster.ts';
import type { OcrOptions, OcrPage } from './engine.ts';
import { glyphCoverage, MIN_GLYPH_COVERAGE, mergeSparseWords, residualImage, SPARSE_PSM } from './sparse-fallback.ts';

/** one tesseract pass over an image file at a PSM; `invert: false` skips tesseract's inverted-text check */
export type TesseractPass = (imagePath: string, psm: number, opts?: { invert?: boolean }) => Promise<OcrPage>;

/** the file as tesseract reads it: grey, no EXIF rotation (tesseract applies none) */
async function loadGray(imagePath: string): Promise<GrayImage> {
  if (/\.pgm$/i.test(imagePath)) return parsePgm(await fs.readFile(imagePath));
  return grayOf(sharp(imagePath, { limitInputPixels: 10_000 * 10_000 }).flatten({ background: '#ffffff' }));
}

/** pages beyond this are not analysed (600-dpi posters): no enlargement would fit, PSM 3 alone reads them */
const MAX_ANALYSED_PIXELS = 40_000_000;

/** which steps an engine runs when a call does not say (QUARRY_OCR_ENLARGE=0 / QUARRY_OCR_SPARSE_PASS=0 turn them off) */
export interface AdaptiveSteps {
  enlarge: boolean;
  sparsePass: boolean;
}

export async function recognizeAdaptive(
  imagePath: string,
  opts: OcrOptions,
  pass: TesseractPass,
  steps: AdaptiveSteps = { enlarge: true, sparsePass: true },
): Promise<OcrPage> {
  const psm = opts.psm ?? 3;
  const enlarge = opts.enlarge ?? steps.enlarge;
  const sparse = opts.sparseFallback ?? (psm === 3 && steps.sparsePass);
  if (!enlarge && !sparse) return pass(imagePath, psm);
  let img: GrayImage;
  try {
    img = await loadGray(imagePath);
  } catch {
    return pass(imagePath, psm); // a format only tesseract reads: no preprocessing
  }
  if (img.width * img.height > MAX_ANALYSED_PIXELS) return pass(imagePath, psm);
  const glyphs = glyphStats(img);
  const factor = !enlarge ? 1 : upscaleFactor(glyphs.medianHeight, img.width, img.height);
  let file = imagePath;
  let tmpDir: string | undefined;
  try {
    let ocrImg = img;
    if (factor > 1) {
      tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-ocr-'));
      file = path.join(tmpDir, 'enlarged.pgm');
      ocrImg = await enlargeGray(img, factor);
      await fs.writeFile(file, pgmBytes(ocrImg));
    }
    opts.signal?.throwIfAborted();
    let page = await pass(file, psm);
    let sparsePass = false;
    if (
      sparse &&
      glyphs.centres.length >= MIN_GLYPHS &&
      glyphCoverage(glyphs.centres, page.words) < MIN_GLYPH_COVERAGE
    ) {
      opts.signal?.throwIfAborted();
      tmpDir ??= await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-ocr-'));
      const residual = path.join(tmpDir, 'residual.pgm');
      await fs.writeFile(residual, pgmBytes(residualImage(ocrImg, page.words)));
      // inverted-text check off: on what is left (rules, speckle) it costs ~20 % of the pass and found nothing
      const more = await pass(residual, SPARSE_PSM, { invert: false });
      page = { ...page, words: mergeSparseWords(page.words, more.words) };
      sparsePass = true;
    }
    if (factor > 1) page = { ...mapPageBack(page, img), enlargedBy: factor };
    return sparsePass ? { ...page, sparsePass } : page;
  } finally {
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true });
  }
}
