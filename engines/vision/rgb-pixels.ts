/**
 * An image file's pixels as the vision models and colour measures read them: interleaved sRGB bytes, auto-oriented,
 * transparency over white (a transparent PNG is not a black one), optionally stretched to a square model input.
 */
import sharp from 'sharp';

export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The whole image; `square`: stretched to square × square (how nsfwjs and CenterNet frame an image). */
export async function rgbPixels(file: string, square?: number): Promise<RgbPixels> {
  let s = sharp(file, { failOn: 'none' }).rotate().flatten({ background: '#ffffff' });
  if (square) s = s.resize(square, square, { fit: 'fill' });
  const { data, info } = await s.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after decoding, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
