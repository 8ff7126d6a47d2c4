import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  imageIabCategories,
  objectPhrase,
  summariseImage,
  TEMPLATE_SUMMARY_METHOD,
  templateSummary,
  ungroundedWords,
} from '../../activities/image/describe-image.ts';
import { decodeFailureMessage, imageRefusal, openImage } from '../../activities/image/image-input.ts';
import { readImageText } from '../../engines/ocr/read-image-text.ts';
import { GENERATED_IMAGES, renderImage } from '../../bench/images/posters.ts';
import { closeOcrEngines, defaultOcrEngine } from '../../engines/ocr/choose-engine.ts';
import { addColourText, darkestChannel } from '../../engines/ocr/colour-text-pass.ts';
import { loadConfig } from '../../schemas/config.ts';
import sharp from 'sharp';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { colourName, colourShares } from '../../engines/vision/colours.ts';
import { BDA_IMAGE_MODERATION_CATEGORIES } from '../../engines/vision/moderation.ts';
import { judgeModeration, reportedModeration } from '../../engines/vision/moderation-signals.ts';
import { centerNetFiles, decodeDetections, type DetectedObject, detectObjects } from '../../engines/vision/objects.ts';
import { noiseImage, pixelBombPng, truncated } from '../helpers/bad-images.ts';

const LIMITS = { maxBytes: 5 * 1024 * 1024, maxSide: 4096 };
const box = { left: 0.1, top: 0.1, width: 0.2, height: 0.2 };
const obj = (label: string, score = 0.8): DetectedObject => ({ label, score, box });

describe('image input limits (pure)', () => {
  const ok = { bytes: 1000, format: 'png', width: 800, height: 600, pages: 1 };
  it('accepts the five formats within the limits', () => {
    for (const format of ['jpeg', 'png', 'webp', 'tiff', 'gif'])
      expect(imageRefusal({ ...ok, format }, LIMITS)).toBeNull();
  });
  it('refuses other formats, big files, huge or empty canvases with a message naming the limit', () => {
    expect(imageRefusal({ ...ok, format: 'svg' }, LIMITS)?.type).toBe('UnsupportedMediaType');
    expect(imageRefusal({ ...ok, bytes: 6 * 1024 * 1024 }, LIMITS)).toEqual({
      type: 'LimitExceeded',
      message: 'the image file is 6.0 MB; the limit is 5.0 MB (QUARRY_IMAGE_MAX_BYTES)',
    });
    const bomb = imageRefusal({ ...ok, width: 50_000, height: 50_000 }, LIMITS);
    expect(bomb?.type).toBe('LimitExceeded');
    expect(bomb?.message).toMatch(/declares 50000 x 50000 px \(2500 megapixels\).*4096 px a side.*not decoded/);
    expect(imageRefusal({ ...ok, width: 4097 }, LIMITS)?.type).toBe('LimitExceeded');
    expect(imageRefusal({ ...ok, width: 0 }, LIMITS)?.type).toBe('InvalidInput');
  });
  it('tells truncation from damage in decoder messages', () => {
    expect(decodeFailureMessage('VipsJpeg: premature end of JPEG image')).toMatch(/^the image file is truncated/);
    expect(decodeFailureMessage('gifload: Unexpected end of GIF source data')).toMatch(/^the image file is truncated/);
    expect(decodeFailureMessage('vipspng: libpng read error')).toMatch(/unreadable \(truncated or damaged\)/);
    expect(decodeFailureMessage('something odd')).toMatch(/^the image is corrupt/);
  });
});

describe('openImage on real files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-image-input-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));
  const refusal = async (name: string, body: Buffer) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, body);
    const e = await openImage(file, body.length, LIMITS).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, name).toBeInstanceOf(ApplicationFailure);
    return e as ApplicationFailure;
  };

  it('opens every format, first frame only', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'gif', 'tiff'] as const) {
      const file = path.join(dir, `ok.${format}`);
      const body = await noiseImage(format);
      await fs.writeFile(file, body);
      expect(await openImage(file, body.length, LIMITS)).toMatchObject({ format, width: 400, height: 300 });
    }
  });
  it('refuses a truncated file of every format as InvalidInput saying so', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'gif', 'tiff'] as const) {
      const e = await refusal(`cut.${format}`, truncated(await noiseImage(format)));
      expect(e.type, format).toBe('InvalidInput');
      expect(e.message, format).toMatch(/truncated/);
      expect(e.nonRetryable).toBe(true);
    }
  });
  it('refuses a pixel bomb from its header, and a non-image', async () => {
    const bomb = await refusal('bomb.png', pixelBombPng());
    expect(bomb.type).toBe('LimitExceeded');
    expect(bomb.message).toMatch(/50000 x 50000 px.*not decoded/);
    expect((await refusal('x.png', Buffer.from('hello, not an image'))).type).toBe('UnsupportedMediaType');
  });
});

describe('moderation over all 7 BDA categories (pure)', () => {
  const nsfw = { scores: { Neutral: 0.9, Sexy: 0.06, Porn: 0.02, Hentai: 0.01, Drawing: 0.01 }, engine: 'nsfwjs test' };
  const objects = { objects: [] as DetectedObject[], engine: 'centernet test' };
  const text = (t: string) => ({ text: t, engine: 'tesseract test' });

  it('judges every category it can and says which engine judged it', () => {
    const j = judgeModeration({ nsfw, objects, text: text('Fresh bread and cheese') });
    expect(j.map((x) => x.category)).toEqual([...BDA_IMAGE_MODERATION_CATEGORIES]);
    const by = Object.fromEntries(j.map((x) => [x.category, x]));
    expect(by.Explicit.judged_by).toEqual(['nsfwjs test']);
    expect(by.Violence.judged_by).toEqual(['centernet test', 'text lexicon over tesseract test']);
    expect(by.Alcohol.judged_by).toEqual(['centernet test', 'text lexicon over tesseract test']);
    expect(by['Drugs & Tobacco'].judged_by).toEqual(['text lexicon over tesseract test']);
    expect(by['Hate symbols'].judged_by).toEqual(['text lexicon over tesseract test']);
    expect(by['Non-Explicit Nudity of Intimate parts and Kissing']).toMatchObject({ judged: false, judged_by: [] });
    expect(by['Non-Explicit Nudity of Intimate parts and Kissing'].note).toMatch(/not judged/);
    expect(reportedModeration(j, 0.5)).toEqual([]);
  });
  it('reports weapons and drinks from objects, drugs and hate from text', () => {
    const j = judgeModeration({
      nsfw,
      objects: { objects: [obj('knife', 0.95), obj('wine glass', 0.9), obj('person')], engine: 'centernet test' },
      text: text('CIGARETTES and TOBACCO sold here. White power!'),
    });
    const reported = Object.fromEntries(reportedModeration(j, 0.5).map((l) => [l.category, l.confidence]));
    expect(reported.Violence).toBeCloseTo(0.57, 2);
    expect(reported.Alcohol).toBeCloseTo(0.63, 2);
    expect(reported['Drugs & Tobacco']).toBeGreaterThan(0.6);
    expect(reported['Hate symbols']).toBeGreaterThan(0.7);
    expect(reported.Explicit).toBeUndefined();
    expect(j.find((x) => x.category === 'Violence')?.evidence).toContain('object knife 0.95');
  });
  it('says what did not run, and judges nothing it has no engine for', () => {
    const j = judgeModeration({ nsfwError: 'the model did not load' });
    expect(j.every((x) => !x.judged && x.confidence === 0)).toBe(true);
    expect(j.find((x) => x.category === 'Explicit')?.note).toMatch(/nsfwjs did not run \(the model did not load\)/);
    expect(j.find((x) => x.category === 'Alcohol')?.note).toMatch(/object detection did not run.*no text was read/);
  });
});

describe('detections, colours and the description (pure)', () => {
  it('decodes CenterNet rows to labelled normalised boxes above the score', () => {
    const rows = [
      [51.2, 102.4, 256, 512, 0.9, 0],
      [0, 0, 10, 10, 0.1, 43],
      [-5, 0, 600, 100, 0.5, 43],
    ];
    expect(decodeDetections(rows, [0, 1, 2], 512, 0.3)).toEqual([
      { label: 'person', score: 0.9, box: { left: 0.1, top: 0.2, width: 0.4, height: 0.8 } },
      { label: 'knife', score: 0.5, box: { left: 0, top: 0, width: 1, height: 0.195 } },
    ]);
  });
  it('names colours as people do', () => {
    expect(colourName(255, 255, 255)).toBe('white');
    expect(colourName(10, 10, 10)).toBe('black');
    expect(colourName(128, 128, 128)).toBe('grey');
    expect(colourName(200, 30, 30)).toBe('red');
    expect(colourName(30, 80, 200)).toBe('blue');
    expect(colourName(46, 125, 50)).toBe('green');
    expect(colourName(255, 183, 3)).toBe('orange');
    expect(colourName(250, 220, 40)).toBe('yellow');
    const px = new Uint8Array([...Array(30)].flatMap((_, i) => (i < 20 ? [255, 255, 255] : [30, 80, 200])));
    expect(colourShares(px)).toEqual([
      { colour: 'white', share: 0.67 },
      { colour: 'blue', share: 0.33 },
    ]);
  });
  it('phrases objects and writes a template sentence from the detections only', () => {
    expect(objectPhrase([obj('person'), obj('dog'), obj('person'), obj('apple')])).toBe(
      'two people, a dog and an apple',
    );
    expect(objectPhrase([])).toBe('');
    const s = templateSummary({
      objects: [obj('person')],
      lines: ['FARMERS MARKET', 'Every Saturday'],
      colours: [
        { colour: 'white', share: 0.7 },
        { colour: 'green', share: 0.2 },
      ],
    });
    expect(s).toBe('A mostly white and green image showing a person with the text "FARMERS MARKET · Every Saturday".');
    expect(templateSummary({ objects: [], lines: [], colours: [] })).toBe(
      'An image in which no text or known objects were detected.',
    );
  });
  it('finds the words of a generated text that nothing detected supports', () => {
    const f = {
      objects: [obj('dog')],
      lines: ['Red Cross appeal'],
      colours: [{ colour: 'white' as const, share: 0.8 }],
    };
    expect(ungroundedWords('A white image showing a dog, with the text Red Cross appeal.', f)).toEqual([]);
    expect(ungroundedWords('Two women walk a dog past a blue car.', f).sort()).toEqual([
      'blue',
      'car',
      'past',
      'two',
      'walk',
      'women',
    ]);
    expect(ungroundedWords('An empty library door with a banner in the centre.', f)).toEqual([
      'empty',
      'library',
      'door',
      'banner',
      'centre',
    ]);
  });

  const provider = (text: string | Error): GenerativeProvider => ({
    name: 'fake',
    async generate() {
      if (text instanceof Error) throw text;
      return { text, model: 'fake' };
    },
  });
  const findings = {
    objects: [obj('person')],
    lines: ['CITY MARATHON', 'Sunday 9 am'],
    colours: [{ colour: 'red' as const, share: 0.5 }],
  };
  it("keeps the provider's text when grounded and says which engine wrote it", async () => {
    expect(await summariseImage(findings)).toMatchObject({ engine: TEMPLATE_SUMMARY_METHOD });
    const ok = await summariseImage(
      findings,
      provider('A mostly red image showing a person, with the text City Marathon, Sunday 9 am.'),
    );
    expect(ok).toEqual({
      text: 'A mostly red image showing a person, with the text City Marathon, Sunday 9 am.',
      engine: 'generative:fake',
    });
  });
  it('falls back to the template, with the reason, when the provider invents or fails', async () => {
    const invented = await summariseImage(findings, provider('A red poster with a dog for the marathon.'));
    expect(invented.engine).toBe(TEMPLATE_SUMMARY_METHOD);
    expect(invented.note).toMatch(/"dog", not detected/);
    const placed = await summariseImage(findings, provider('A red banner for the City Marathon in the centre.'));
    expect(placed.note).toMatch(/"banner", "centre", not detected: template kept/);
    const name = await summariseImage(findings, provider('A poster for the Boston Marathon.'));
    expect(name.note).toMatch(/"Boston"/);
    const failed = await summariseImage(findings, provider(new Error('timeout')));
    expect(failed.note).toMatch(/fake failed \(timeout\)/);
  });
  it('files IAB categories from the text and the object names', () => {
    const iab = imageIabCategories({
      objects: [obj('dog'), obj('cat')],
      lines: ['ADOPT A PET', 'Dogs and puppies need a home'],
      colours: [],
    });
    expect(iab[0]).toMatchObject({ type: 'IAB', category: 'Pets', taxonomy_level: 1 });
    expect(iab[0].confidence).toBeGreaterThan(0);
    expect(imageIabCategories({ objects: [], lines: [], colours: [] })).toEqual([]);
  });
});

describe('detectObjects (CenterNet from the @vladmandic/human npm package, tfjs wasm)', () => {
  it('finds the people in the package’s own sample photo, offline, and never throws', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => {
      throw new Error('network access during object detection');
    });
    try {
      const sample = path.join(path.dirname(centerNetFiles().json), '..', 'assets', 'screenshot-vrm.jpg');
      const r = await detectObjects(sample, 0.3);
      expect(r.error).toBeUndefined();
      expect(r.engine).toMatch(/^centernet-mobilenetv3-coco .* (wasm|cpu)$/);
      expect(r.objects.filter((o) => o.label === 'person').length).toBeGreaterThanOrEqual(1);
      for (const o of r.objects) expect(o.box.left + o.box.width).toBeLessThanOrEqual(1.0001);
      expect(fetchSpy).not.toHaveBeenCalled();
      const bad = await detectObjects(path.join(os.tmpdir(), 'no-such-image.png'));
      expect(bad.objects).toEqual([]);
      expect(bad.error).toMatch(/^object detection failed on this image/);
    } finally {
      fetchSpy.mockRestore();
    }
  }, 60_000);
});

describe('the colour-contrast OCR pass', () => {
  it('takes the darkest channel, and measures how much of the image has colour (pure)', () => {
    // white, yellow, mid grey, blue
    const rgb = new Uint8Array([255, 255, 255, 249, 199, 79, 128, 128, 128, 30, 80, 200]);
    const { image, colourful } = darkestChannel(rgb, 2, 2);
    expect([...image.data]).toEqual([255, 79, 128, 30]);
    expect(colourful).toBe(0.5);
  });
  it('reads a light yellow heading on white that the grey pass misses, and skips grey images', async () => {
    const engine = await defaultOcrEngine(loadConfig({}));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-colour-'));
    try {
      const notice = GENERATED_IMAGES.find((g) => g.name === 'golden-notice')!;
      const file = path.join(dir, 'notice.png');
      await fs.writeFile(file, await renderImage(notice));
      const text = await readImageText(file, engine, { psm: 3, boxes: true });
      expect(text.lines.map((l) => l.text)).toContain('GOLDEN HOUR WALK');
      const grey = path.join(dir, 'grey.png');
      await fs.writeFile(
        grey,
        await sharp(await renderImage(notice))
          .greyscale()
          .png()
          .toBuffer(),
      );
      expect((await addColourText(grey, [], engine)).ran).toBe(false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
      await closeOcrEngines();
    }
  }, 60_000);
});

describe('text is weaker evidence than what is shown (pure)', () => {
  const judge = (t: string) =>
    reportedModeration(
      judgeModeration({ text: { text: t, engine: 'ocr' }, objects: { objects: [], engine: 'cn' } }),
      0.5,
    );
  it('one mention stays below the threshold, several reach it', () => {
    expect(judge('Fresh bread, cheese and local wine')).toEqual([]);
    expect(judge('BEER AND WINE FESTIVAL · craft beers, cider and cocktails').map((l) => l.category)).toEqual([
      'Alcohol',
    ]);
  });
});
