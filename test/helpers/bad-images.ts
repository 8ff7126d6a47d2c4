/** Images that must be refused, made on the fly: truncated files of every format, a PNG pixel bomb, not-an-image. */
import zlib from 'node:zlib';
import sharp from 'sharp';

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** A ~1 KB PNG whose header declares `side` x `side` grey pixels (a decompression bomb; only its header is valid). */
export function pixelBombPng(side = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1 << 20))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A noisy picture (compresses badly, so half the file is half the pixels) in `format`. */
export async function noiseImage(format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff', width = 400, height = 300) {
  let x = 2463534242; // xorshift32: deterministic and incompressible enough
  const px = Buffer.alloc(width * height * 3);
  for (let i = 0; i < px.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    px[i] = x & 0xff;
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

export const truncated = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));
