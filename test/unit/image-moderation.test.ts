import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BDA_IMAGE_MODERATION_CATEGORIES,
  coverageNote,
  mapToBdaModeration,
  moderateImage,
  NOT_COVERED,
} from '../../engines/vision/moderation.ts';
import { loadConfig } from '../../schemas/config.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('nsfwjs classes → BDA image moderation categories (pure)', () => {
  it('maps Porn and Hentai to Explicit, adding the exclusive class probabilities', () => {
    expect(mapToBdaModeration({ Porn: 0.8, Neutral: 0.2 }, 0.5)).toEqual([{ category: 'Explicit', confidence: 0.8 }]);
    expect(mapToBdaModeration({ Hentai: 0.7, Drawing: 0.3 }, 0.5)).toEqual([{ category: 'Explicit', confidence: 0.7 }]);
    // neither alone reaches the threshold, together they do
    expect(mapToBdaModeration({ Porn: 0.3, Hentai: 0.25, Neutral: 0.45 }, 0.5)).toEqual([
      { category: 'Explicit', confidence: 0.55 },
    ]);
  });

  it('maps Sexy to Swimwear or Underwear (never also to Non-Explicit Nudity)', () => {
    const out = mapToBdaModeration({ Sexy: 0.9, Neutral: 0.1 }, 0.5);
    expect(out).toEqual([{ category: 'Swimwear or Underwear', confidence: 0.9 }]);
  });

  it('reports nothing for Neutral and Drawing, and nothing below the threshold', () => {
    expect(mapToBdaModeration({ Neutral: 0.95, Drawing: 0.05 }, 0.5)).toEqual([]);
    expect(mapToBdaModeration({ Drawing: 0.99 }, 0.01)).toEqual([]);
    expect(mapToBdaModeration({ Porn: 0.2, Sexy: 0.3, Neutral: 0.5 }, 0.5)).toEqual([]);
    expect(mapToBdaModeration({ Porn: 0.2, Sexy: 0.3, Neutral: 0.5 }, 0.25)).toEqual([
      { category: 'Swimwear or Underwear', confidence: 0.3 },
    ]);
  });

  it('orders by confidence, rounds, caps at 1 and ignores junk', () => {
    expect(mapToBdaModeration({ Porn: 0.41234, Sexy: 0.58766 }, 0.4)).toEqual([
      { category: 'Swimwear or Underwear', confidence: 0.588 },
      { category: 'Explicit', confidence: 0.412 },
    ]);
    expect(mapToBdaModeration({ Porn: 0.7, Hentai: 0.6 }, 0.5)).toEqual([{ category: 'Explicit', confidence: 1 }]);
    expect(mapToBdaModeration({ Porn: Number.NaN, Hentai: -1, Sexy: 0.6 }, 0.5)).toEqual([
      { category: 'Swimwear or Underwear', confidence: 0.6 },
    ]);
  });

  it('only ever produces BDA category names, and never the ones the model cannot see', () => {
    const all = mapToBdaModeration({ Drawing: 1, Hentai: 1, Neutral: 1, Porn: 1, Sexy: 1 }, 0);
    for (const l of all) expect(BDA_IMAGE_MODERATION_CATEGORIES).toContain(l.category);
    expect(all.map((l) => l.category).sort()).toEqual(['Explicit', 'Swimwear or Underwear']);
    expect(NOT_COVERED).toEqual([
      'Non-Explicit Nudity of Intimate parts and Kissing',
      'Violence',
      'Drugs & Tobacco',
      'Alcohol',
      'Hate symbols',
    ]);
    const note = coverageNote('MobileNetV2');
    expect(note).toMatch(/^partial: nudity\/suggestive only \(nsfwjs MobileNetV2/);
    for (const c of NOT_COVERED) expect(note).toContain(c);
  });

  it('reads QUARRY_IMAGE_MODERATION_THRESHOLD (default 0.5) and refuses nonsense at start-up', () => {
    const threshold = (v?: string) => loadConfig({ QUARRY_IMAGE_MODERATION_THRESHOLD: v }).images.moderation.threshold;
    expect(threshold()).toBe(0.5);
    expect(threshold('')).toBe(0.5);
    expect(threshold('0.8')).toBe(0.8);
    for (const bad of ['abc', '0', '-0.2', '1.5'])
      expect(() => threshold(bad)).toThrow(/QUARRY_IMAGE_MODERATION_THRESHOLD=.*expected a number > 0 and ≤ 1/);
  });
});

describe('moderateImage (nsfwjs MobileNetV2 on tfjs wasm, bundled weights)', () => {
  const offline = () => {
    throw new Error('network access during moderation');
  };
  const spies: { mockRestore(): void }[] = [];
  beforeAll(() => {
    spies.push(vi.spyOn(globalThis, 'fetch').mockImplementation(async () => offline()));
    spies.push(vi.spyOn(http, 'request').mockImplementation(offline));
    spies.push(vi.spyOn(http, 'get').mockImplementation(offline));
    spies.push(vi.spyOn(https, 'request').mockImplementation(offline));
    spies.push(vi.spyOn(https, 'get').mockImplementation(offline));
  });
  afterAll(() => {
    for (const s of spies) s.mockRestore();
  });

  it.each(['samples/sample.png', 'samples/sample.jpg'])(
    'finds nothing above the threshold on the neutral document image %s, offline',
    async (file) => {
      const r = await moderateImage(path.join(repo, file), 0.5);
      expect(r.note).toMatch(/^partial: nudity\/suggestive only/);
      expect(r.engine).toBe('nsfwjs MobileNetV2 (tfjs wasm)');
      expect(r.labels).toEqual([]);
      expect(r.scores?.Neutral).toBeGreaterThan(0.5);
      const total = Object.values(r.scores ?? {}).reduce((s, v) => s + v, 0);
      expect(total).toBeCloseTo(1, 1);
      expect(r.ms).toBeGreaterThanOrEqual(0);
      for (const s of spies) expect((s as unknown as { mock: { calls: unknown[] } }).mock.calls).toHaveLength(0);
    },
  );

  it('does not throw on something that is not an image: it says why nothing was produced', async () => {
    const r = await moderateImage(path.join(repo, 'samples/sample.pdf'));
    expect(r.labels).toEqual([]);
    expect(r.note).toMatch(/^not generated: moderation failed on this image/);
  });
});
