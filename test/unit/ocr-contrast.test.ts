import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../engines/layout/ink.ts';
import { contrastLevels, grayHistogram, stretchContrast } from '../../engines/ocr/preprocess-contrast.ts';
import { otsuThreshold } from '../../engines/ocr/preprocess-glyphs.ts';

/** a page of `paper` grey with `inkShare` of its pixels at `ink` and a band of anti-aliased edge greys */
function page(paper: number, ink: number, inkShare: number, edge = Math.round((paper + ink) / 2)): GrayImage {
  const width = 1000;
  const height = 1000;
  const data = new Uint8Array(width * height).fill(paper);
  const nInk = Math.round(width * height * inkShare);
  for (let i = 0; i < nInk; i++) data[i * 7] = ink;
  for (let i = 0; i < nInk; i++) data[i * 7 + 1] = edge; // each ink pixel has a grey neighbour
  return { width, height, data };
}
const levelsOf = (img: GrayImage) => contrastLevels(grayHistogram(img), otsuThreshold(img));

describe('contrast stretch before OCR', () => {
  it('never turns paper or edge greys black on a page with little ink (a receipt on an A4 bed)', () => {
    // 0.8 % ink: a 1 %-percentile stretch would put black at the paper's grey
    const img = page(240, 30, 0.008, 200);
    const out = stretchContrast(img);
    const at = (v: number) => out.data[img.data.indexOf(v)];
    expect(at(240)).toBe(255); // paper → white
    expect(at(30)).toBe(0); // ink → black
    expect(at(200)).toBeGreaterThan(150); // an edge grey stays light, not black
  });

  it('stretches a faded scan: grey ink on grey paper', () => {
    const img = page(200, 110, 0.06);
    const l = levelsOf(img);
    expect(l).toEqual({ black: 110, white: 200 });
    const out = stretchContrast(img);
    expect(out.data[img.data.indexOf(110)]).toBe(0);
    expect(out.data[img.data.indexOf(200)]).toBe(255);
    expect(out.data[img.data.indexOf(155)]).toBeCloseTo(128, -1);
  });

  it('leaves a page that already spans black to white as it is (same object, no copy)', () => {
    const img = page(255, 0, 0.05);
    expect(levelsOf(img)).toBeUndefined();
    expect(stretchContrast(img)).toBe(img);
  });

  it('leaves a blank or flat page alone', () => {
    const blank: GrayImage = { width: 10, height: 10, data: new Uint8Array(100).fill(250) };
    expect(stretchContrast(blank)).toBe(blank);
    const flat = page(200, 190, 0.1);
    expect(levelsOf(flat)).toBeUndefined();
  });

  it('takes black from the darkest tenth of the ink, white from the paper median', () => {
    const hist = new Float64Array(256);
    for (let v = 20; v < 120; v++) hist[v] = 10; // ink spread over 20..119
    hist[245] = 5000;
    hist[250] = 6000;
    expect(contrastLevels(hist, 128)).toEqual({ black: 29, white: 250 });
  });
});
