/**
 * IMAGE TEXT_DETECTION with the shared OCR engine: the image in grey with its contrast stretched (photos are not
 * pages: no deskew, which would tilt scene text), the documents' automatic layout with its sparse-text pass, the
 * colour-contrast pass for text as light as its background (engines/ocr/colour-text-pass.ts), then words and
 * lines in reading order with boxes, 4-point polygons and confidences.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wordsToLines } from '../layout/lines.ts';
import { readingOrder } from '../layout/reading-order.ts';
import { addColourText } from './colour-text-pass.ts';
import type { OcrEngine } from './engine.ts';
import { preprocessForOcr } from './preprocess.ts';
import { imagePageToGray, pgmBytes } from './raster.ts';
import { boundingBoxOf as bbox, polygonOf as polygon } from '../../schemas/box.ts';
import type { ImageTextLine, ImageTextWord } from '../../schemas/image-output.ts';

const round = (v: number) => Math.round(v * 1000) / 1000;

export interface ImageText {
  words: ImageTextWord[];
  lines: ImageTextLine[];
  engine: string;
}

export async function readImageText(
  file: string,
  engine: OcrEngine,
  opts: { psm: number; boxes: boolean; signal?: AbortSignal },
): Promise<ImageText> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-image-'));
  try {
    const gray = await imagePageToGray(file, 0);
    const { image: clean } = await preprocessForOcr(gray, { deskew: false });
    const pgm = path.join(tmp, 'image.pgm');
    await fs.writeFile(pgm, pgmBytes(clean));
    // PSM 3 with its sparse pass: on photographed receipts and forms PSM 11 alone read fewer words right
    // (word F1 70.5 vs 74.6 % on SROIE dev, 77.8 vs 78.5 % on FUNSD; bench/ocr-photos.bench.ts)
    const ocr = await engine.recognize(pgm, { psm: opts.psm, signal: opts.signal });
    // text as light as its background in grey (a yellow heading on white, white on a pastel band); an engine
    // that reads it in the grey page itself is not asked again (it would read the painted-out words' edges)
    const colour = engine.readsFaintText
      ? { words: ocr.words }
      : await addColourText(file, ocr.words, engine, opts.signal);
    const found = wordsToLines(
      colour.words.filter((w) => w.text.trim() && w.confidence > 0.2),
      { widthPt: clean.width, heightPt: clean.height },
    );
    const lines: ImageTextLine[] = [];
    const words: ImageTextWord[] = [];
    readingOrder(found, (l) => l.box)
      .flat()
      .forEach((l, li) => {
        const lineId = `line-${li}`;
        lines.push({
          id: lineId,
          type: 'TEXT_LINE',
          text: l.text,
          confidence: round(l.words.reduce((s, w) => s + w.confidence, 0) / l.words.length),
          locations: opts.boxes ? [{ bounding_box: bbox(l.box), polygon: polygon(l.box) }] : [],
        });
        for (const w of l.words)
          words.push({
            id: `word-${words.length}`,
            type: 'TEXT_WORD',
            text: w.text,
            confidence: round(w.confidence),
            line_id: lineId,
            locations: opts.boxes ? [{ bounding_box: bbox(w.box), polygon: polygon(w.box) }] : [],
          });
      });
    return { words, lines, engine: ocr.engine };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
