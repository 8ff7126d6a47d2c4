/**
 * Diarization error rate, frame-based (10 ms), no forgiveness collar, overlap-free references:
 * DER = (missed speech + false alarm + speaker confusion) / reference speech, with the hypothesis speakers mapped
 * to reference speakers by the best one-to-one assignment.
 */

export interface Turn {
  speaker: string;
  startMs: number;
  endMs: number;
}

function frames(turns: Turn[], n: number): (string | null)[] {
  const f: (string | null)[] = new Array(n).fill(null);
  for (const t of turns)
    for (let i = Math.floor(t.startMs / 10); i < Math.min(n, Math.ceil(t.endMs / 10)); i++) f[i] = t.speaker;
  return f;
}

function permutations<T>(xs: T[], k: number): T[][] {
  if (k === 0) return [[]];
  const out: T[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)], k - 1)) out.push([x, ...rest]);
  });
  return out;
}

export function diarizationErrorRate(
  ref: Turn[],
  hyp: Turn[],
): { der: number; missed: number; falseAlarm: number; confusion: number } {
  const end = Math.max(...ref.map((t) => t.endMs), ...hyp.map((t) => t.endMs), 0);
  const n = Math.ceil(end / 10);
  const r = frames(ref, n);
  const h = frames(hyp, n);
  const refSpk = [...new Set(ref.map((t) => t.speaker))];
  const hypSpk = [...new Set(hyp.map((t) => t.speaker))];
  // co-occurrence counts
  const co = new Map<string, number>();
  let missed = 0;
  let falseAlarm = 0;
  let speech = 0;
  for (let i = 0; i < n; i++) {
    if (r[i]) speech++;
    if (r[i] && !h[i]) missed++;
    if (!r[i] && h[i]) falseAlarm++;
    if (r[i] && h[i]) co.set(`${h[i]}|${r[i]}`, (co.get(`${h[i]}|${r[i]}`) ?? 0) + 1);
  }
  let both = 0;
  for (const v of co.values()) both += v;
  // best mapping hyp → ref (one-to-one); small speaker counts only
  let bestMatched = 0;
  const k = Math.min(hypSpk.length, refSpk.length);
  const hyps = hypSpk.length > 7 ? hypSpk.slice(0, 7) : hypSpk;
  for (const perm of permutations(refSpk, Math.min(k, hyps.length))) {
    for (const chosen of permutations(hyps, perm.length)) {
      let m = 0;
      chosen.forEach((hs, j) => {
        m += co.get(`${hs}|${perm[j]}`) ?? 0;
      });
      bestMatched = Math.max(bestMatched, m);
    }
  }
  const confusion = both - bestMatched;
  const der = speech ? (missed + falseAlarm + confusion) / speech : 0;
  return {
    der,
    missed: missed / Math.max(1, speech),
    falseAlarm: falseAlarm / Math.max(1, speech),
    confusion: confusion / Math.max(1, speech),
  };
}
