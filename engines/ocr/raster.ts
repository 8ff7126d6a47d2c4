/**
 * Page images: PDF pages rasterised by poppler `pdftoppm` to PGM (grey, no compression: PNG's zlib costs
 * seconds per scanned page), image pages (PNG/JPEG/TIFF page i) decoded by sharp. Grey buffers only.
 */
import { promises as fs } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { runTool } from '../media/run-tool.ts';
import type { GrayImage } from '../layout/ink.ts';

export function parsePgm(buf: Buffer): GrayImage {
  // P5\n<w> <h>\n<max>\n<data>, comments allowed
  let pos = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    if (buf[pos] === 0x23) {
      while (buf[pos] !== 0x0a) pos++;
      continue;
    }
    const s = pos;
    while (!/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    tokens.push(buf.toString('latin1', s, pos));
  }
  pos++;
  if (tokens[0] !== 'P5') throw new Error(`not a binary PGM (${tokens[0]})`);
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  return { width, height, data: new Uint8Array(buf.buffer, buf.byteOffset + pos, width * height) };
}

export function pgmBytes(img: GrayImage): Buffer {
  return Buffer.concat([
    Buffer.from(`P5\n${img.width} ${img.height}\n255\n`),
    Buffer.from(img.data.buffer, img.data.byteOffset, img.width * img.height),
  ]);
}

/** Renders PDF page `page` (1-based) at `dpi` to `outBase`.pgm and returns it. */
export async function rasterizePdfPage(
  pdfPath: string,
  page: number,
  dpi: number,
  outBase: string,
  signal?: AbortSignal,
): Promise<GrayImage> {
  await runTool(
    'pdftoppm',
    ['-r', String(dpi), '-gray', '-f', String(page), '-l', String(page), '-singlefile', pdfPath, outBase],
    {
      signal,
      timeoutMs: 300_000,
    },
  );
  const buf = await fs.readFile(`${outBase}.pgm`);
  return parsePgm(buf);
}

/** A sharp pipeline over a grey image's pixels (raw, one channel). */
export function sharpOfGray(img: GrayImage): Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.width * img.height), {
    raw: { width: img.width, height: img.height, channels: 1 },
  });
}

/** Runs a sharp pipeline to the end as a grey image. */
export async function grayOf(pipeline: Sharp): Promise<GrayImage> {
  const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height),
  };
}

/** Decodes page `pageIndex` (0-based) of an image file to grey, honouring EXIF orientation. */
export async function imagePageToGray(path: string, pageIndex: number): Promise<GrayImage> {
  return grayOf(
    sharp(path, { page: pageIndex, limitInputPixels: 10_000 * 10_000 })
      .rotate()
      .flatten({ background: '#ffffff' }),
  );
}

export async function shrinkGray(img: GrayImage, width: number): Promise<GrayImage> {
  if (img.width <= width) return img;
  return grayOf(sharpOfGray(img).resize(width));
}

export async function scaleGray(img: GrayImage, factor: number): Promise<GrayImage> {
  return grayOf(sharpOfGray(img).resize(Math.round(img.width * factor)));
}
