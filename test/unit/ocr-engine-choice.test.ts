import { describe, expect, it } from 'vitest';
import { defaultOcrEngine } from '../../engines/ocr/choose-engine.ts';
import { loadConfig } from '../../schemas/config.ts';

describe('OCR engine by what is read', () => {
  it('auto: PP-OCR for image files, tesseract for scanned pages and video frames', async () => {
    const config = loadConfig({});
    expect((await defaultOcrEngine(config, 'image file')).name).toBe('ppocr');
    expect((await defaultOcrEngine(config, 'scanned page')).name).toMatch(/^tesseract/);
    expect((await defaultOcrEngine(config, 'video frame')).name).toMatch(/^tesseract/);
  });

  it('QUARRY_OCR_ENGINE names one engine for everything', async () => {
    const config = loadConfig({ QUARRY_OCR_ENGINE: 'tesseract.js' });
    expect((await defaultOcrEngine(config, 'image file')).name).toBe('tesseract.js');
    expect((await defaultOcrEngine(config, 'scanned page')).name).toBe('tesseract.js');
  });
});
