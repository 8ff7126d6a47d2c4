/**
 * A page to look at: one page of a PDF, TIFF, PNG or JPEG as a colour PNG at screen resolution, for the console
 * to draw the standard output's boxes over. PDF pages by poppler `pdftoppm` (as the pipeline rasterises them),
 * image pages by sharp (EXIF orientation honoured, as the pipeline reads them), so the boxes land where they
 * were read.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { BdaError } from '../../schemas/errors.ts';
import { runTool } from '../media/run-tool.ts';

/** Longest side of a page image, in pixels: sharp enough to read words, small enough to send. */
export const PAGE_IMAGE_SIDE = 1400;

/** PNG bytes of page `pageIndex` (0-based) of the file at `file`, of type `fileType` (sniffed). */
export async function renderPageImage(file: string, fileType: string, pageIndex: number): Promise<Buffer> {
  if (fileType === 'PDF') {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-page-'));
    try {
      const base = path.join(dir, 'page');
      const page = String(pageIndex + 1);
      await runTool(
        'pdftoppm',
        ['-png', '-scale-to', String(PAGE_IMAGE_SIDE), '-f', page, '-l', page, '-singlefile', file, base],
        {
          timeoutMs: 60_000,
        },
      );
      return await fs.readFile(`${base}.png`);
    } catch (e) {
      throw new BdaError('ValidationException', `page ${pageIndex + 1} could not be drawn: ${(e as Error).message}`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  if (fileType === 'PNG' || fileType === 'JPEG' || fileType === 'TIFF' || fileType === 'WEBP' || fileType === 'GIF') {
    return sharp(file, { page: pageIndex, limitInputPixels: 10_000 * 10_000 })
      .rotate()
      .resize({ width: PAGE_IMAGE_SIDE, height: PAGE_IMAGE_SIDE, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
  }
  throw new BdaError('ValidationException', `no page image for a ${fileType} file (PDF, TIFF, PNG, JPEG, WebP, GIF)`);
}
