/**
 * Text lines from a DB (differentiable binarisation) detector's probability map, as PaddleOCR post-processes it
 * but axis-aligned: pixels above the threshold form connected regions; a region whose mean probability is
 * below the box threshold, or that is thinner than a few pixels, is dropped; the rest are grown by PaddleOCR's
 * unclip distance (area × ratio / perimeter), since the detector marks a shrunken core of each line. Rotated
 * lines get their upright bounding box (document pages are deskewed before OCR; IMAGE inputs are not). Pure; hand-written: the one JavaScript
 * port of the post-process (@gutenye/ocr-common) goes through OpenCV's WASM build and keeps a matrix per line
 * it crops.
 */

export interface TextRegion {
  /** pixels of the map, x1/y1 exclusive */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
}

export interface RegionOptions {
  threshold?: number;
  boxThreshold?: number;
  unclipRatio?: number;
  minSide?: number;
}

export function textRegions(prob: ArrayLike<number>, w: number, h: number, o: RegionOptions = {}): TextRegion[] {
  const threshold = o.threshold ?? 0.3;
  const boxThreshold = o.boxThreshold ?? 0.6;
  const unclip = o.unclipRatio ?? 1.5;
  const minSide = o.minSide ?? 3;
  const label = new Int32Array(w * h);
  const out: TextRegion[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (label[start] || prob[start] <= threshold) continue;
    next++;
    label[start] = next;
    stack.push(start);
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    let sum = 0;
    let count = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      sum += prob[i];
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      // the four neighbours, inline: no array or closure per pixel (this runs on the worker's event loop)
      for (let k = 0; k < 4; k++) {
        const j = k === 0 ? (x > 0 ? i - 1 : -1) : k === 1 ? (x < w - 1 ? i + 1 : -1) : k === 2 ? i - w : i + w;
        if (j >= 0 && j < w * h && !label[j] && prob[j] > threshold) {
          label[j] = next;
          stack.push(j);
        }
      }
    }
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    if (Math.min(bw, bh) < minSide || sum / count < boxThreshold) continue;
    const d = (bw * bh * unclip) / (2 * (bw + bh));
    const r = {
      x0: Math.max(0, Math.floor(x0 - d)),
      y0: Math.max(0, Math.floor(y0 - d)),
      x1: Math.min(w, Math.ceil(x1 + 1 + d)),
      y1: Math.min(h, Math.ceil(y1 + 1 + d)),
      score: sum / count,
    };
    if (Math.min(r.x1 - r.x0, r.y1 - r.y0) < minSide + 2) continue;
    out.push(r);
  }
  // reading order: top to bottom, then left to right (layout regroups the words anyway)
  return out.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}
