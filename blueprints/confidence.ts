/**
 * Confidence: a logistic combination of the evidence a value carries (OCR confidence, label match, position,
 * type parse, validation rules, provider agreement), then an isotonic calibration map fitted on the evaluation
 * sets (bench/blueprints.bench.ts writes blueprints/calibration.json), so that 0.8 means "right 8 times in 10".
 * Also: pool-adjacent-violators isotonic regression and expected calibration error. Pure.
 */
import type { Features } from './evidence.ts';

export interface CalibrationMap {
  /** increasing raw scores and their calibrated probabilities (piecewise-linear between points) */
  x: number[];
  y: number[];
  fittedOn?: string;
  samples?: number;
  /** the map of values the generative model read (source `model`), fitted on that path's own outcomes */
  model?: CalibrationMap;
}

/** The uncalibrated score in 0..1 (the weights were set by hand from what each signal means, not fitted per file). */
export function rawScore(f: Features): number {
  if (f.source === 'none') return 0.02;
  if (f.source === 'model') {
    // the model's own belief in the value, how well and where it was grounded, and the layout pass's opinion
    const zm =
      -2.4 + 2.4 * (f.model ?? 0.5) + 1.6 * f.label + 0.8 * f.position + 0.8 * f.ocr + 0.9 * f.rule + 0.7 * f.agreement;
    return 1 / (1 + Math.exp(-zm));
  }
  const z =
    -3.2 +
    2.6 * f.label +
    1.2 * f.position +
    1.6 * f.parse +
    1.4 * f.ocr +
    0.9 * f.rule +
    0.8 * f.agreement +
    (f.source === 'layout' ? -0.4 : 0) +
    (f.source === 'provider' ? 0.6 : 0);
  return 1 / (1 + Math.exp(-z));
}

export function applyCalibration(score: number, map: CalibrationMap | undefined): number {
  if (!map || map.x.length === 0) return score;
  const { x, y } = map;
  if (score <= x[0]) return y[0];
  if (score >= x[x.length - 1]) return y[y.length - 1];
  let i = 1;
  while (x[i] < score) i++;
  const t = (score - x[i - 1]) / (x[i] - x[i - 1] || 1);
  return y[i - 1] + t * (y[i] - y[i - 1]);
}

export function confidenceOf(f: Features, map?: CalibrationMap): number {
  const c = applyCalibration(rawScore(f), f.source === 'model' ? map?.model : map);
  return Math.round(Math.min(0.999, Math.max(0.001, c)) * 1e4) / 1e4;
}

/** Isotonic regression (pool adjacent violators) of outcomes (0/1) on scores → a monotone calibration map. */
export function fitIsotonic(samples: readonly { score: number; correct: boolean }[], label?: string): CalibrationMap {
  const sorted = [...samples].sort((a, b) => a.score - b.score);
  const blocks: { sum: number; n: number; lo: number; hi: number }[] = [];
  for (const s of sorted) {
    blocks.push({ sum: s.correct ? 1 : 0, n: 1, lo: s.score, hi: s.score });
    while (
      blocks.length > 1 &&
      blocks[blocks.length - 2].sum / blocks[blocks.length - 2].n >=
        blocks[blocks.length - 1].sum / blocks[blocks.length - 1].n
    ) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1];
      a.sum += b.sum;
      a.n += b.n;
      a.hi = b.hi;
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const b of blocks) {
    // Laplace smoothing keeps a small block from claiming certainty
    const p = (b.sum + 0.5) / (b.n + 1);
    const mid = (b.lo + b.hi) / 2;
    if (x.length && mid <= x[x.length - 1]) continue;
    x.push(Math.round(mid * 1e6) / 1e6);
    y.push(Math.round(p * 1e4) / 1e4);
  }
  return { x, y, ...(label ? { fittedOn: label } : {}), samples: samples.length };
}

/** Expected calibration error with equal-width bins. */
export function expectedCalibrationError(
  samples: readonly { confidence: number; correct: boolean }[],
  bins = 10,
): number {
  if (samples.length === 0) return 0;
  const acc = Array.from({ length: bins }, () => ({ n: 0, conf: 0, correct: 0 }));
  for (const s of samples) {
    const b = acc[Math.min(bins - 1, Math.floor(s.confidence * bins))];
    b.n++;
    b.conf += s.confidence;
    b.correct += s.correct ? 1 : 0;
  }
  let ece = 0;
  for (const b of acc) if (b.n) ece += (b.n / samples.length) * Math.abs(b.conf / b.n - b.correct / b.n);
  return ece;
}
