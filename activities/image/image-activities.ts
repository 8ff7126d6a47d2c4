/**
 * IMAGE activities (task queue quarry-image): metadata (sharp) and TEXT_DETECTION with the same OCR engine as
 * documents (native tesseract by default, tesseract.js fallback): words and lines with boxes, 4-point polygons
 * and confidences. CONTENT_MODERATION is partial (nsfwjs: Explicit, Swimwear or Underwear; ./moderation.ts). Logos,
 * IAB categories and the image summary need models Quarry does not ship: when asked for they come back empty with
 * the reason in `image.not_generated` (never invented); partial moderation says there what it cannot see.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { clientError } from '../../engines/client-error.ts';
import { wordsToLines } from '../../engines/layout/lines.ts';
import { readingOrder } from '../../engines/layout/reading-order.ts';
import { defaultOcrEngine } from '../../engines/ocr/choose-engine.ts';
import { preprocessForOcr } from '../../engines/ocr/preprocess.ts';
import { imagePageToGray, pgmBytes } from '../../engines/ocr/raster.ts';
import { moderateImage } from '../../engines/vision/moderation.ts';
import { boundingBoxOf as bbox, polygonOf as polygon } from '../../schemas/box.ts';
import { ImageStandardOutput, type ImageTextLine, type ImageTextWord } from '../../schemas/image-output.ts';
import { defaultStandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import { standardOutputUri } from '../../schemas/output-location.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';
import { activityContext } from '../activity-context.ts';
import type { ActivityDeps } from '../deps.ts';

const round = (v: number) => Math.round(v * 1000) / 1000;

export function createImageActivities(deps: ActivityDeps) {
  const { storage, config } = deps;

  async function analyzeImage(input: PipelineInput): Promise<{ uri: string; words: number; lines: number }> {
    const cfg = input.standardOutputConfiguration.image ?? defaultStandardOutputConfiguration.image;
    const cat = cfg?.extraction?.category;
    const types = cat?.state === 'ENABLED' ? (cat.types ?? []) : [];
    const boxes = cfg?.extraction?.boundingBox.state !== 'DISABLED';
    const gen = cfg?.generativeField?.state === 'ENABLED' ? (cfg.generativeField.types ?? []) : [];
    const limits = config.documents.limits;
    const result = await storage.withLocalFile(input.assetUri, async (local) => {
      let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
      try {
        meta = await sharp(local).metadata();
        await sharp(local).resize(32).raw().toBuffer();
      } catch (e) {
        throw clientError(
          'InvalidInput',
          `the image is corrupt or of an unsupported kind: ${String((e as Error).message).slice(0, 200)}`,
        );
      }
      const width = meta.autoOrient?.width ?? meta.width ?? 0;
      const height = meta.autoOrient?.height ?? meta.pageHeight ?? meta.height ?? 0;
      if (width > limits.maxPixels || height > limits.maxPixels)
        throw clientError(
          'LimitExceeded',
          `the image is ${width} x ${height} px; the limit is ${limits.maxPixels} px a side (QUARRY_DOC_MAX_PIXELS)`,
        );
      const image: ImageStandardOutput['image'] = {};
      const notGenerated: Record<string, string> = {};
      let words = 0;
      let lines = 0;
      // started before OCR so the two overlap (native tesseract runs in its own process); never rejects
      const { threshold, model } = config.images.moderation;
      const moderation = types.includes('CONTENT_MODERATION') ? moderateImage(local, threshold, model) : undefined;
      if (types.includes('TEXT_DETECTION')) {
        const engine = await defaultOcrEngine(config);
        const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-image-'));
        try {
          const gray = await imagePageToGray(local, 0);
          // photos are not pages: no deskew (it would tilt scene text), contrast stretch only
          const { image: clean } = await preprocessForOcr(gray, { deskew: false });
          const file = path.join(tmp, 'image.pgm');
          await fs.writeFile(file, pgmBytes(clean));
          // the documents' automatic layout (PSM 3), whose sparse-text pass (PSM 11 over what it left unread)
          // picks up scattered text: on photographed receipts and forms PSM 11 alone read fewer words right
          // (word F1 70.5 vs 74.6 % on SROIE dev, 77.8 vs 78.5 % on FUNSD; bench/ocr-photos.bench.ts)
          const ocr = await engine.recognize(file, {
            psm: config.images.ocrPsm,
            signal: activityContext()?.cancellationSignal,
          });
          const geo = { widthPt: clean.width, heightPt: clean.height };
          const found = wordsToLines(
            ocr.words.filter((w) => w.text.trim() && w.confidence > 0.2),
            geo,
          );
          const ordered = readingOrder(found, (l) => l.box).flat();
          const textLines: ImageTextLine[] = [];
          const textWords: ImageTextWord[] = [];
          ordered.forEach((l, li) => {
            const lineId = `line-${li}`;
            const conf = l.words.reduce((s, w) => s + w.confidence, 0) / l.words.length;
            textLines.push({
              id: lineId,
              type: 'TEXT_LINE',
              text: l.text,
              confidence: round(conf),
              locations: boxes ? [{ bounding_box: bbox(l.box), polygon: polygon(l.box) }] : [],
            });
            for (const w of l.words)
              textWords.push({
                id: `word-${words++}`,
                type: 'TEXT_WORD',
                text: w.text,
                confidence: round(w.confidence),
                line_id: lineId,
                locations: boxes ? [{ bounding_box: bbox(w.box), polygon: polygon(w.box) }] : [],
              });
          });
          lines = textLines.length;
          image.text_words = textWords;
          image.text_lines = textLines;
          image.ocr_engine = ocr.engine;
        } finally {
          await fs.rm(tmp, { recursive: true, force: true });
        }
      }
      let moderationCount = 0;
      if (moderation) {
        // nsfwjs covers Explicit / Swimwear or Underwear only: the note says so, and which categories are not seen
        const m = await moderation;
        image.content_moderation = m.labels;
        moderationCount = m.labels.length;
        notGenerated.CONTENT_MODERATION = m.note;
        if (m.engine) image.moderation_engine = m.engine;
      }
      if (types.includes('LOGOS')) {
        image.logos = [];
        notGenerated.LOGOS = 'no logo-detection model is configured (none ships offline)';
      }
      if (gen.includes('IAB')) {
        image.iab_categories = [];
        notGenerated.IAB = 'no IAB classification provider is configured';
      }
      if (gen.includes('IMAGE_SUMMARY')) {
        image.summary = '';
        notGenerated.IMAGE_SUMMARY = 'none generated: no image-captioning provider is configured';
      }
      if (Object.keys(notGenerated).length) image.not_generated = notGenerated;
      const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(input.assetUri);
      const json: ImageStandardOutput = {
        metadata: {
          asset_id: String(input.assetIndex),
          semantic_modality: 'IMAGE',
          ...(s3 ? { s3_bucket: s3[1], s3_key: s3[2] } : {}),
          image_width_pixels: width,
          image_height_pixels: height,
          image_encoding: meta.format === 'jpeg' ? 'jpeg' : (meta.format ?? 'unknown'),
        },
        image,
        statistics: {
          iab_category_count: 0,
          content_moderation_count: moderationCount,
          logo_count: 0,
          line_count: lines,
          word_count: words,
        },
      };
      return { json: ImageStandardOutput.parse(json), words, lines };
    });
    const uri = standardOutputUri(input.assetOutputUri);
    await storage.writeJson(uri, result.json);
    return { uri, words: result.words, lines: result.lines };
  }

  return { analyzeImage };
}

export type ImageActivities = ReturnType<typeof createImageActivities>;
