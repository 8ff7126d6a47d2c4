/**
 * What an IMAGE asset is, checked before any model sees it: JPEG and PNG (BDA's set) plus WebP, TIFF and GIF
 * (first page or frame), at most QUARRY_IMAGE_MAX_BYTES and QUARRY_IMAGE_MAX_SIDE. The side limit is read from
 * the header, so a pixel bomb (a small file declaring a huge canvas) is refused before it is decoded; a file that
 * does not decode to the end (truncated, corrupt) is refused with what the decoder said. Every refusal is a
 * ClientError with a message for the user.
 */
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import { clientError } from '../../engines/client-error.ts';
import { sniffType } from '../../engines/media/sniff.ts';
import type { ClientErrorType } from '../../schemas/job-status.ts';

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'gif'] as const;

export interface ImageLimits {
  maxBytes: number;
  maxSide: number;
}

export interface ImageFacts {
  bytes: number;
  /** sharp's format name: jpeg, png, webp, tiff, gif, … */
  format: string;
  /** as displayed (EXIF orientation applied), of the first page or frame */
  width: number;
  height: number;
  /** pages (TIFF) or frames (GIF, WebP) in the file; only the first is analysed */
  pages: number;
}

export interface ImageRefusal {
  type: ClientErrorType;
  message: string;
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

/** Pure: why an image's header facts break the limits, or null. */
export function imageRefusal(f: ImageFacts, limits: ImageLimits): ImageRefusal | null {
  if (!(IMAGE_FORMATS as readonly string[]).includes(f.format))
    return {
      type: 'UnsupportedMediaType',
      message: `IMAGE supports ${IMAGE_FORMATS.join(', ').toUpperCase()}; this file is ${f.format.toUpperCase()}`,
    };
  if (f.bytes > limits.maxBytes)
    return {
      type: 'LimitExceeded',
      message: `the image file is ${mb(f.bytes)}; the limit is ${mb(limits.maxBytes)} (QUARRY_IMAGE_MAX_BYTES)`,
    };
  if (!(f.width > 0 && f.height > 0))
    return { type: 'InvalidInput', message: 'the image header declares no width or height' };
  if (Math.max(f.width, f.height) > limits.maxSide) {
    const mp = ((f.width * f.height) / 1e6).toFixed(f.width * f.height >= 1e8 ? 0 : 1);
    return {
      type: 'LimitExceeded',
      message:
        `the image declares ${f.width} x ${f.height} px (${mp} megapixels); the limit is ${limits.maxSide} px a side ` +
        '(QUARRY_IMAGE_MAX_SIDE): it was not decoded',
    };
  }
  return null;
}

/** Pure: the user's message for a decoder error (sharp/libvips) on a file whose header was fine. */
export function decodeFailureMessage(error: string): string {
  const e = error.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (/premature end|truncat|unexpected end|end of (file|stream|data)|not enough data|short read|incomplete/i.test(e))
    return `the image file is truncated (it ends before its pixels do): ${e}`;
  if (/read error|corrupt|invalid|bad /i.test(e))
    return `the image's pixel data is unreadable (truncated or damaged): ${e}`;
  return `the image is corrupt (it does not decode): ${e}`;
}

/** Reads the header, checks the limits, then decodes the first page to the end once. Throws ClientErrors. */
export async function openImage(file: string, bytes: number, limits: ImageLimits): Promise<ImageFacts> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // the header only (no pixel limit here: the side limit below is the check, with a message)
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (e) {
    const why = String((e as Error).message);
    if (/unsupported image format/i.test(why)) {
      // an image by its magic bytes that the decoder cannot open: cut off before its directory (TIFF) or damaged
      const head = Buffer.alloc(64);
      const fd = await fs.open(file, 'r');
      await fd.read(head, 0, 64, 0).finally(() => fd.close());
      const sniffed = sniffType(head);
      if (sniffed.mediaType.startsWith('image/'))
        throw clientError(
          'InvalidInput',
          `the ${sniffed.fileType} file is truncated or damaged: its header is there but the image cannot be read`,
        );
      throw clientError('UnsupportedMediaType', `the file is not an image Quarry reads (${IMAGE_FORMATS.join(', ')})`);
    }
    throw clientError('InvalidInput', decodeFailureMessage(why));
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.pageHeight ?? meta.height ?? 0;
  const facts: ImageFacts = { bytes, format: meta.format ?? 'unknown', width, height, pages: meta.pages ?? 1 };
  const refusal = imageRefusal(facts, limits);
  if (refusal) throw clientError(refusal.type, refusal.message);
  try {
    // failOn 'truncated': a cut-off file fails here, not later as half an image; the pixel limit guards the decoder
    await sharp(file, { failOn: 'truncated', limitInputPixels: limits.maxSide * limits.maxSide })
      .resize(64)
      .raw()
      .toBuffer();
  } catch (e) {
    throw clientError('InvalidInput', decodeFailureMessage(String((e as Error).message)));
  }
  return facts;
}
