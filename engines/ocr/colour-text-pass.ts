/**
 * The colour-contrast pass for photos, posters and screenshots. Grey (luminance) loses text whose colour is about
 * as light as its background: a yellow, sky-blue or pink heading on white, white on a pastel band. The darkest
 * channel (min of R, G, B) keeps it: white stays white, any saturated colour turns dark. When an image has colour,
 * that channel image, with the words already read painted out, gets a sparse-text pass (PSM 11), and its
 * confident words that overlap none already read are added (the same merge as the sparse pass).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rgbPixels } from '../vision/rgb-pixels.ts';
import type { GrayImage } from '../layout/ink.ts';
import type { Word } from '../layout/page-content.ts';
import type { OcrEngine } from './engine.ts';
import { stretchContrast } from './preprocess-contrast.ts';
import { pgmBytes } from './raster.ts';
import { mergeSparseWords, residualImage, SPARSE_PSM } from './sparse-fallback.ts';

/** a pixel whose channels differ by this much is coloured (not grey) */
export const MIN_CHROMA = 60;
/** images with fewer coloured pixels than this share skip the pass (scans, receipts, grey photos) */
export const MIN_COLOURFUL_SHARE = 0.01;

/** Pure: the darkest channel of interleaved RGB pixels, and the share of coloured pixels. */
export function darkestChannel(
  rgb: Uint8Array,
  width: number,
  height: number,
): { image: GrayImage; colourful: number } {
  const data = new Uint8Array(width * height);
  let coloured = 0;
  for (let i = 0; i < data.length; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const lo = Math.min(r, g, b);
    data[i] = lo;
    if (Math.max(r, g, b) - lo >= MIN_CHROMA) coloured++;
  }
  return { image: { width, height, data }, colourful: coloured / Math.max(1, data.length) };
}

export interface ColourPassResult {
  words: Word[];
  /** words the pass added (0 when it did not run) */
  added: number;
  ran: boolean;
}

/** Adds the words only the darkest channel shows to `found` (boxes normalised to the image). */
export async function addColourText(
  file: string,
  found: Word[],
  engine: OcrEngine,
  signal?: AbortSignal,
): Promise<ColourPassResult> {
  const px = await rgbPixels(file);
  const { image, colourful } = darkestChannel(px.data, px.width, px.height);
  if (colourful < MIN_COLOURFUL_SHARE) return { words: found, added: 0, ran: false };
  signal?.throwIfAborted();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-colour-'));
  try {
    const file2 = path.join(tmp, 'darkest.pgm');
    await fs.writeFile(file2, pgmBytes(residualImage(stretchContrast(image), found)));
    const more = await engine.recognize(file2, { psm: SPARSE_PSM, sparseFallback: false, signal });
    const words = mergeSparseWords(found, more.words);
    return { words, added: words.length - found.length, ran: true };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
