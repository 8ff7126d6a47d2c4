/**
 * An image's dominant colours, named in plain words (black, white, grey, red, orange, yellow, green, blue, purple,
 * pink, brown): each pixel of a small thumbnail is named by its hue, saturation and lightness, and the names that
 * cover at least a share of the image are returned, largest first. Used by the image summary.
 */
import { rgbPixels } from './rgb-pixels.ts';

export const COLOUR_NAMES = [
  'black', 'white', 'grey', 'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown',
] as const; // biome-ignore format: one list
export type ColourName = (typeof COLOUR_NAMES)[number];

export interface ColourShare {
  colour: ColourName;
  share: number;
}

/** Pure: the everyday name of an sRGB colour. */
export function colourName(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const l = (max + min) / 2;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  if (l < 0.15) return 'black';
  if (l > 0.9 && s < 0.5) return 'white';
  if (s < 0.18 || d < 0.08) return l < 0.3 ? 'black' : l > 0.8 ? 'white' : 'grey';
  let h = 0;
  const [R, G, B] = [r / 255, g / 255, b / 255];
  if (max === R) h = ((G - B) / d) % 6;
  else if (max === G) h = (B - R) / d + 2;
  else h = (R - G) / d + 4;
  h = (h * 60 + 360) % 360;
  if (h < 15 || h >= 345) return l > 0.7 ? 'pink' : l < 0.35 && s < 0.6 ? 'brown' : 'red';
  if (h < 45) return l < 0.4 ? 'brown' : 'orange';
  if (h < 70) return l < 0.3 ? 'brown' : 'yellow';
  if (h < 165) return 'green';
  if (h < 255) return 'blue';
  if (h < 290) return 'purple';
  return l > 0.6 ? 'pink' : 'purple';
}

/** Pure: named shares of interleaved RGB pixels, those ≥ `minShare`, largest first (at most `max`). */
export function colourShares(rgb: Uint8Array, minShare = 0.12, max = 3): ColourShare[] {
  const counts = new Map<ColourName, number>();
  const n = Math.floor(rgb.length / 3);
  for (let i = 0; i < n; i++) {
    const c = colourName(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts]
    .map(([colour, k]) => ({ colour, share: Math.round((k / Math.max(1, n)) * 100) / 100 }))
    .filter((c) => c.share >= minShare)
    .sort((a, b) => b.share - a.share)
    .slice(0, max);
}

/** The dominant colours of an image file (a 64-px thumbnail, transparency over white). */
export async function dominantColours(file: string): Promise<ColourShare[]> {
  return colourShares((await rgbPixels(file, 64)).data);
}
