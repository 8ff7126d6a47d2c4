/**
 * IMAGE activities (task queue quarry-image): one image in, BDA's IMAGE standard output out. The input is checked
 * first (image-input.ts: formats, 5 MB / 4K, pixel bombs, truncation → ClientError). Then, as asked for:
 * TEXT_DETECTION with the documents' OCR engine (read-image-text.ts); CONTENT_MODERATION over all 7 of BDA's
 * categories from nsfwjs, CenterNet objects and the text read, each category saying which engines judged it
 * (engines/vision/moderation-signals.ts); IMAGE_SUMMARY (a template sentence) and IAB from the detections
 * (describe-image.ts). With a generative provider configured the result says so (`phraseSummary`) and the workflow
 * has the model phrase the summary on the generative queue (phraseImageSummary). Logos are not analysed, and the
 * output says so.
 */
import { promises as fs } from 'node:fs';
import { configuredProvider } from '../../engines/language/configured.ts';
import { defaultOcrEngine } from '../../engines/ocr/choose-engine.ts';
import { type ColourShare, dominantColours } from '../../engines/vision/colours.ts';
import { moderateImage } from '../../engines/vision/moderation.ts';
import { judgeModeration, reportedModeration, signalsFrom } from '../../engines/vision/moderation-signals.ts';
import { detectObjects, type ObjectDetection } from '../../engines/vision/objects.ts';
import { ImageStandardOutput } from '../../schemas/image-output.ts';
import { defaultStandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import { standardOutputUri } from '../../schemas/output-location.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';
import { activityContext } from '../activity-context.ts';
import type { ActivityDeps } from '../deps.ts';
import { IMAGE_IAB_METHOD, imageIabCategories, type ImageFindings, summariseImage } from './describe-image.ts';
import { openImage } from './image-input.ts';
import { type ImageText, readImageText } from '../../engines/ocr/read-image-text.ts';

export const LOGOS_NOT_ANALYSED =
  'not analysed: no logo reference library or logo provider is configured (none ships offline)';

export function createImageActivities(deps: ActivityDeps) {
  const { storage, config } = deps;

  async function analyzeImage(
    input: PipelineInput,
  ): Promise<{ uri: string; words: number; lines: number; phraseSummary?: boolean }> {
    const cfg = input.standardOutputConfiguration.image ?? defaultStandardOutputConfiguration.image;
    const cat = cfg?.extraction?.category;
    const types = cat?.state === 'ENABLED' ? (cat.types ?? []) : [];
    const boxes = cfg?.extraction?.boundingBox.state !== 'DISABLED';
    const gen = cfg?.generativeField?.state === 'ENABLED' ? (cfg.generativeField.types ?? []) : [];
    const want = {
      text: types.includes('TEXT_DETECTION'),
      moderation: types.includes('CONTENT_MODERATION'),
      logos: types.includes('LOGOS'),
      summary: gen.includes('IMAGE_SUMMARY'),
      iab: gen.includes('IAB'),
    };
    // moderation, the summary and IAB read the image's text and objects even when TEXT_DETECTION is not asked for
    const needText = want.text || want.moderation || want.summary || want.iab;
    const needObjects = want.moderation || want.summary || want.iab;
    const signal = activityContext()?.cancellationSignal;
    const result = await storage.withLocalFile(input.assetUri, async (local) => {
      const facts = await openImage(local, (await fs.stat(local)).size, config.images.limits);
      const image: ImageStandardOutput['image'] = {};
      const notGenerated: Record<string, string> = {};
      // the models run in this process while native tesseract runs in its own: started together, none rejects
      const { threshold, model } = config.images.moderation;
      const nsfw = want.moderation ? moderateImage(local, threshold, model) : undefined;
      const objects: Promise<ObjectDetection> | undefined = needObjects
        ? detectObjects(local, config.images.objectScore)
        : undefined;
      const colours: Promise<ColourShare[]> | undefined = want.summary
        ? dominantColours(local).catch(() => [])
        : undefined;
      let text: ImageText | undefined;
      if (needText)
        text = await readImageText(local, await defaultOcrEngine(config, 'image file'), { psm: config.images.ocrPsm, boxes, signal });
      if (want.text && text) {
        image.text_words = text.words;
        image.text_lines = text.lines;
        image.ocr_engine = text.engine;
      }
      const found = await objects;
      if (found) {
        image.detected_objects = found.objects;
        if (found.engine) image.object_engine = found.engine;
      }
      let moderationCount = 0;
      if (nsfw) {
        const n = await nsfw;
        const judgements = judgeModeration(signalsFrom(n, found, text));
        image.content_moderation = reportedModeration(judgements, threshold);
        image.moderation_categories = judgements;
        moderationCount = image.content_moderation.length;
        const unjudged = judgements.filter((j) => !j.judged).map((j) => j.category);
        if (n.engine) image.moderation_engine = n.engine;
        if (unjudged.length)
          notGenerated.CONTENT_MODERATION = `partial: ${unjudged.join(', ')} not judged (see moderation_categories)`;
      }
      if (want.logos) {
        image.logos = [];
        notGenerated.LOGOS = LOGOS_NOT_ANALYSED;
      }
      const findings: ImageFindings = {
        objects: found?.objects ?? [],
        lines: text?.lines.map((l) => l.text) ?? [],
        colours: (await colours) ?? [],
      };
      if (want.summary) {
        const s = await summariseImage(findings);
        image.summary = s.text;
        image.summary_engine = s.engine;
        // what the model may phrase from, on the generative queue (the objects are in detected_objects)
        image.summary_source = { lines: findings.lines, colours: findings.colours };
      }
      if (want.iab) {
        image.iab_categories = imageIabCategories(findings);
        image.iab_engine = IMAGE_IAB_METHOD;
        if (!image.iab_categories.length)
          notGenerated.IAB = 'no IAB category matched the text read and the objects detected';
      }
      if (Object.keys(notGenerated).length) image.not_generated = notGenerated;
      const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(input.assetUri);
      const words = image.text_words?.length ?? 0;
      const lines = image.text_lines?.length ?? 0;
      const json: ImageStandardOutput = {
        metadata: {
          asset_id: String(input.assetIndex),
          semantic_modality: 'IMAGE',
          ...(s3 ? { s3_bucket: s3[1], s3_key: s3[2] } : {}),
          image_width_pixels: facts.width,
          image_height_pixels: facts.height,
          image_encoding: facts.format,
          ...(facts.pages > 1 ? { image_page_count: facts.pages, analysed_page: 0 } : {}),
        },
        image,
        statistics: {
          iab_category_count: image.iab_categories?.length ?? 0,
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
    const phrase = want.summary && configuredProvider(config.generative) !== null;
    return { uri, words: result.words, lines: result.lines, ...(phrase ? { phraseSummary: true } : {}) };
  }

  return { analyzeImage };
}

export type ImageActivities = ReturnType<typeof createImageActivities>;
