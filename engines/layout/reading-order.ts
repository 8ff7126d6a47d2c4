/**
 * Pure: reading order by recursive XY-cut with band grouping.
 * A region with a vertical gutter (an x-interval no item crosses) is cut into columns, read left to right.
 * Otherwise it is cut into horizontal bands; consecutive bands that together still have a gutter are kept
 * together (so paragraph gaps that happen to line up across two columns do not interleave the columns),
 * and each group is cut again. The leaves come out in reading order.
 */
import type { Rect } from './page-content.ts';

export interface OrderOptions {
  /** smallest gutter, as a fraction of the page width */
  minGutter: number;
}

function gutters(boxes: Rect[], minGutter: number): number[] {
  if (boxes.length < 2) return [];
  const iv = boxes.map((b) => [b.x0, b.x1] as const).sort((a, b) => a[0] - b[0]);
  const cuts: number[] = [];
  let reach = iv[0][1];
  for (const [x0, x1] of iv.slice(1)) {
    if (x0 - reach >= minGutter) cuts.push((x0 + reach) / 2);
    reach = Math.max(reach, x1);
  }
  return cuts;
}

function bands<T>(items: T[], box: (t: T) => Rect): T[][] {
  const s = [...items].sort((a, b) => box(a).y0 - box(b).y0);
  const out: T[][] = [];
  let reach = -Infinity;
  for (const it of s) {
    const b = box(it);
    // a new band starts where nothing above reaches down past this item's upper third
    if (b.y0 + (b.y1 - b.y0) * 0.33 >= reach || !out.length) out.push([it]);
    else out[out.length - 1].push(it);
    reach = Math.max(reach, b.y1);
  }
  return out;
}

export function readingOrder<T>(
  items: T[],
  box: (t: T) => Rect,
  opts: OrderOptions = { minGutter: 0.015 },
  depth = 0,
): T[][] {
  if (items.length <= 1 || depth > 40) return items.length ? [items] : [];
  const cuts = gutters(items.map(box), opts.minGutter);
  if (cuts.length) {
    const cols: T[][] = Array.from({ length: cuts.length + 1 }, () => []);
    for (const it of items) {
      const cx = box(it).x0;
      let i = 0;
      while (i < cuts.length && cx > cuts[i]) i++;
      cols[i].push(it);
    }
    return cols.filter((c) => c.length).flatMap((c) => readingOrder(c, box, opts, depth + 1));
  }
  const bs = bands(items, box);
  if (bs.length <= 1) return [items.sort((a, b) => box(a).x0 - box(b).x0)];
  const groups: T[][] = [];
  let cur: T[] = [];
  for (const band of bs) {
    if (!cur.length) {
      cur = [...band];
      continue;
    }
    const joined = [...cur, ...band];
    if (gutters(joined.map(box), opts.minGutter).length) cur = joined;
    else {
      groups.push(cur);
      cur = [...band];
    }
  }
  if (cur.length) groups.push(cur);
  if (groups.length === 1) {
    // no band grouping possible: plain top-to-bottom
    return bs.map((b) => b.sort((a, c) => box(a).x0 - box(c).x0));
  }
  return groups.flatMap((g) => readingOrder(g, box, opts, depth + 1));
}
