/**
 * Speaker clustering of per-window acoustic features. Pure.
 *
 * Windows (two adjacent 750 ms blocks = 1.5 s, inside speech) are z-scored per dimension, a uniform sample of at
 * most `maxWindows` is clustered bottom-up (Ward linkage), and the number of speakers is chosen by a BIC test:
 * cuts of the dendrogram are accepted one more speaker at a time while the likelihood gain of the extra cluster
 * (diagonal Gaussians) exceeds `bicLambda` × its BIC penalty; otherwise the audio is one speaker. Every window then
 * takes its nearest centroid's label and labels are median-smoothed in time.
 */

export interface ClusterOptions {
  maxSpeakers: number;
  maxWindows: number;
  /** how many times its BIC penalty an extra speaker must gain in likelihood (higher = fewer speakers) */
  bicLambda: number;
  /** a cluster smaller than this share of the windows is folded into its nearest neighbour */
  minClusterShare: number;
}

export const defaultClusterOptions: ClusterOptions = {
  maxSpeakers: 30,
  maxWindows: 500,
  bicLambda: 2,
  minClusterShare: 0.08,
};

export function zscore(rows: Float32Array[]): Float32Array[] {
  if (!rows.length) return rows;
  const d = rows[0].length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / rows.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  return rows.map((r) => Float32Array.from(r, (v, j) => (v - mean[j]) / sd[j]));
}

function dist(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
}

/** Agglomerative (Ward) clustering; returns the label vector for every k from n down to 1 on request. */
export function agglomerate(points: Float32Array[], ks: number[]): Map<number, number[]> {
  const n = points.length;
  // Ward linkage on squared Euclidean distances: merges the pair that least increases within-cluster variance,
  // which favours balanced speaker clusters over peeling off single outlier windows
  const D = Array.from({ length: n }, (_, i) =>
    Float64Array.from({ length: n }, (_, j) => (i === j ? 0 : dist(points[i], points[j]) ** 2)),
  );
  const size = new Array(n).fill(1);
  const alive = new Array(n).fill(true);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    if (parent[i] !== i) parent[i] = find(parent[i]);
    return parent[i];
  };
  const want = new Set(ks);
  const out = new Map<number, number[]>();
  const snapshot = (k: number) => {
    const roots = new Map<number, number>();
    out.set(
      k,
      points.map((_, i) => {
        const r = find(i);
        if (!roots.has(r)) roots.set(r, roots.size);
        return roots.get(r)!;
      }),
    );
  };
  let clusters = n;
  if (want.has(clusters)) snapshot(clusters);
  while (clusters > 1) {
    let bi = -1;
    let bj = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      const Di = D[i];
      for (let j = i + 1; j < n; j++) if (alive[j] && Di[j] < best) [best, bi, bj] = [Di[j], i, j];
    }
    // merge bj into bi (Lance–Williams update for Ward linkage)
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === bi || k === bj) continue;
      const v =
        ((size[bi] + size[k]) * D[bi][k] + (size[bj] + size[k]) * D[bj][k] - size[k] * best) /
        (size[bi] + size[bj] + size[k]);
      D[bi][k] = v;
      D[k][bi] = v;
    }
    size[bi] += size[bj];
    alive[bj] = false;
    parent[bj] = bi;
    clusters--;
    if (want.has(clusters)) snapshot(clusters);
  }
  return out;
}

export function silhouette(points: Float32Array[], labels: number[]): number {
  const k = Math.max(...labels) + 1;
  if (k < 2) return 0;
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      sums[labels[j]] += dist(points[i], points[j]);
      counts[labels[j]]++;
    }
    const own = labels[i];
    if (counts[own] === 0) continue;
    const a = sums[own] / counts[own];
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / points.length;
}

/** Sum of the log variances (a diagonal covariance's log-determinant), with a variance floor. */
function logDetDiag(rows: Float32Array[]): number {
  const d = rows[0].length;
  let sum = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const r of rows) mean += r[j];
    mean /= rows.length;
    let v = 0;
    for (const r of rows) v += (r[j] - mean) ** 2;
    sum += Math.log(v / rows.length + 1e-3);
  }
  return sum;
}

function centroids(points: Float32Array[], labels: number[]): Float32Array[] {
  const k = Math.max(...labels) + 1;
  const d = points[0].length;
  const c = Array.from({ length: k }, () => new Float32Array(d));
  const n = new Array(k).fill(0);
  points.forEach((p, i) => {
    n[labels[i]]++;
    for (let j = 0; j < d; j++) c[labels[i]][j] += p[j];
  });
  return c.map((row, i) => row.map((v) => v / Math.max(1, n[i])));
}

function nearest(p: Float32Array, cs: Float32Array[]): number {
  let best = 0;
  let bd = Number.POSITIVE_INFINITY;
  cs.forEach((c, i) => {
    const d = dist(p, c);
    if (d < bd) [bd, best] = [d, i];
  });
  return best;
}

function medianSmooth(labels: number[], radius = 1): number[] {
  return labels.map((_, i) => {
    const counts = new Map<number, number>();
    for (let j = Math.max(0, i - radius); j <= Math.min(labels.length - 1, i + radius); j++)
      counts.set(labels[j], (counts.get(labels[j]) ?? 0) + 1);
    let best = labels[i];
    let bc = counts.get(best) ?? 0;
    for (const [l, c] of counts) if (c > bc) [best, bc] = [l, c];
    return best;
  });
}

export interface ClusterResult {
  labels: number[];
  speakers: number;
  silhouette: number;
}

/** Labels for every window; speaker numbers are ordered by first appearance (spk_0 speaks first). */
export function clusterSpeakers(windows: Float32Array[], o: ClusterOptions = defaultClusterOptions): ClusterResult {
  if (windows.length === 0) return { labels: [], speakers: 0, silhouette: 0 };
  if (windows.length < 4) return { labels: windows.map(() => 0), speakers: 1, silhouette: 0 };
  const z = zscore(windows);
  const step = Math.max(1, z.length / o.maxWindows);
  const sample: Float32Array[] = [];
  for (let i = 0; i < z.length; i += step) sample.push(z[Math.floor(i)]);
  const maxK = Math.min(o.maxSpeakers, Math.floor(sample.length / 4), 10);
  const ks = Array.from({ length: Math.max(0, maxK - 1) }, (_, i) => i + 2);
  const cuts = agglomerate(sample, ks);
  // Add speakers one at a time while each extra cluster pays for itself: its gain in (diagonal-Gaussian)
  // log-likelihood must exceed `bicLambda` times the BIC penalty of its extra parameters.
  let best: { k: number; s: number; labels: number[] } = { k: 1, s: 0, labels: sample.map(() => 0) };
  let prevGain = 0;
  const d = sample[0].length;
  const stepPenalty = 0.5 * 2 * d * Math.log(sample.length);
  for (const k of ks) {
    const labels = cuts.get(k);
    if (!labels) break;
    const counts = new Array(k).fill(0);
    for (const l of labels) counts[l]++;
    if (Math.min(...counts) < Math.max(2, o.minClusterShare * sample.length)) break;
    let gain = (sample.length / 2) * logDetDiag(sample);
    for (let c = 0; c < k; c++) {
      const group = sample.filter((_, i) => labels[i] === c);
      gain -= (group.length / 2) * logDetDiag(group);
    }
    if (gain - prevGain <= o.bicLambda * stepPenalty) break;
    prevGain = gain;
    best = { k, s: silhouette(sample, labels), labels };
  }
  if (best.k === 1) return { labels: windows.map(() => 0), speakers: 1, silhouette: 0 };
  const cs = centroids(sample, best.labels);
  const raw = medianSmooth(z.map((p) => nearest(p, cs)));
  const order = new Map<number, number>();
  for (const l of raw) if (!order.has(l)) order.set(l, order.size);
  return { labels: raw.map((l) => order.get(l)!), speakers: order.size, silhouette: best.s };
}
