/**
 * Acoustic speaker features for diarization, computed while streaming 16 kHz mono PCM: MFCCs (25 ms frames,
 * 10 ms hop, 26 mel bands, c1..c12) summarised per 750 ms block as mean and standard deviation. Pure numeric
 * code, no model: no speaker-embedding network is available from a package registry for Node (see docs/audio.md).
 */
import { Pcm16Samples } from './pcm16.ts';

const SR = 16000;
const FRAME = 400;
const HOP = 160;
const NFFT = 512;
const NMEL = 26;
const NCEP = 12;
export const BLOCK_MS = 750;
const FRAMES_PER_BLOCK = BLOCK_MS / 10;
/** pitch (mean log F0 of voiced frames) is repeated so that, after z-scoring, it weighs like several MFCCs */
const PITCH_WEIGHT = 4;
export const FEATURE_DIM = NCEP * 2 + 1 + PITCH_WEIGHT + 1;
const ACF = 1024;

function melFilterbank(): Float32Array[] {
  const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const lo = hzToMel(60);
  const hi = hzToMel(7600);
  const pts = Array.from({ length: NMEL + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (NMEL + 1)));
  const bins = pts.map((f) => (f * NFFT) / SR);
  const bank: Float32Array[] = [];
  for (let m = 1; m <= NMEL; m++) {
    const f = new Float32Array(NFFT / 2 + 1);
    for (let k = 0; k < f.length; k++) {
      if (k >= bins[m - 1] && k <= bins[m]) f[k] = (k - bins[m - 1]) / (bins[m] - bins[m - 1]);
      else if (k > bins[m] && k <= bins[m + 1]) f[k] = (bins[m + 1] - k) / (bins[m + 1] - bins[m]);
    }
    bank.push(f);
  }
  return bank;
}

/** In-place iterative radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let j = 0; j < len / 2; j++) {
        const a = i + j;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** Per-block feature accumulator fed with 16-bit PCM buffers. */
export class SpeakerFeatureMeter {
  private readonly bank = melFilterbank();
  private readonly window = Float64Array.from(
    { length: FRAME },
    (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (FRAME - 1)),
  );
  private readonly dct: Float64Array[] = Array.from({ length: NCEP }, (_, c) =>
    Float64Array.from({ length: NMEL }, (_, m) => Math.cos((Math.PI * (c + 1) * (m + 0.5)) / NMEL)),
  );
  private ring = new Float64Array(FRAME);
  private filled = 0;
  /** next write position in the circular frame buffer (= oldest sample once full) */
  private head = 0;
  private sinceHop = 0;
  private readonly pcm = new Pcm16Samples();
  private blockSum = new Float64Array(NCEP);
  private blockSq = new Float64Array(NCEP);
  private blockEnergy = 0;
  private blockFrames = 0;
  /** one row per 750 ms block: mean c1..c12, std c1..c12, log energy */
  readonly blocks: Float32Array[] = [];
  private re = new Float64Array(NFFT);
  private im = new Float64Array(NFFT);
  private are = new Float64Array(ACF);
  private aim = new Float64Array(ACF);
  private frameNo = 0;
  private pitchSum = 0;
  private pitchSq = 0;
  private voiced = 0;
  private pitchFrames = 0;

  push(chunk: Buffer): void {
    for (const s of this.pcm.next(chunk)) {
      this.ring[this.head] = s;
      this.head = (this.head + 1) % FRAME;
      if (this.filled < FRAME) this.filled++;
      if (this.filled === FRAME && ++this.sinceHop >= HOP) {
        this.sinceHop = 0;
        this.frame();
      }
    }
  }

  private frame(): void {
    const re = this.re;
    const im = this.im;
    re.fill(0);
    im.fill(0);
    let energy = 0;
    for (let i = 0; i < FRAME; i++) {
      const x = this.ring[(this.head + i) % FRAME];
      re[i] = x * this.window[i];
      energy += x * x;
    }
    if (this.frameNo++ % 2 === 0) this.pitch();
    fft(re, im);
    const mel = new Float64Array(NMEL);
    for (let m = 0; m < NMEL; m++) {
      const f = this.bank[m];
      let sum = 0;
      for (let k = 0; k < f.length; k++) if (f[k]) sum += f[k] * (re[k] * re[k] + im[k] * im[k]);
      mel[m] = Math.log(sum + 1e-10);
    }
    for (let c = 0; c < NCEP; c++) {
      let v = 0;
      for (let m = 0; m < NMEL; m++) v += this.dct[c][m] * mel[m];
      this.blockSum[c] += v;
      this.blockSq[c] += v * v;
    }
    this.blockEnergy += Math.log(energy / FRAME + 1e-10);
    if (++this.blockFrames === FRAMES_PER_BLOCK) this.flushBlock();
  }

  /** F0 by autocorrelation (FFT of the power spectrum), 60–400 Hz; voiced when the peak is strong. */
  private pitch(): void {
    const are = this.are;
    const aim = this.aim;
    are.fill(0);
    aim.fill(0);
    for (let i = 0; i < FRAME; i++) are[i] = this.ring[(this.head + i) % FRAME] * this.window[i];
    fft(are, aim);
    for (let k = 0; k < ACF; k++) {
      are[k] = are[k] * are[k] + aim[k] * aim[k];
      aim[k] = 0;
    }
    fft(are, aim); // real, symmetric input: the forward transform gives the autocorrelation (scaled)
    const r0 = are[0];
    this.pitchFrames++;
    if (r0 <= 1e-9) return;
    let best = 0;
    let lag = 0;
    for (let l = Math.floor(SR / 400); l <= Math.ceil(SR / 60); l++) {
      const v = are[l] / r0 / (1 - l / FRAME); // unbias the shorter overlap
      if (v > best) [best, lag] = [v, l];
    }
    if (best > 0.45 && lag > 0) {
      const lf0 = Math.log(SR / lag);
      this.pitchSum += lf0;
      this.pitchSq += lf0 * lf0;
      this.voiced++;
    }
  }

  private flushBlock(): void {
    const n = Math.max(1, this.blockFrames);
    const row = new Float32Array(FEATURE_DIM);
    for (let c = 0; c < NCEP; c++) {
      const mean = this.blockSum[c] / n;
      row[c] = mean;
      row[NCEP + c] = Math.sqrt(Math.max(0, this.blockSq[c] / n - mean * mean));
    }
    row[2 * NCEP] = this.blockEnergy / n;
    const meanF0 = this.voiced ? this.pitchSum / this.voiced : Math.log(150);
    for (let r = 0; r < PITCH_WEIGHT; r++) row[2 * NCEP + 1 + r] = meanF0;
    row[2 * NCEP + 1 + PITCH_WEIGHT] = this.voiced / Math.max(1, this.pitchFrames);
    this.pitchSum = 0;
    this.pitchSq = 0;
    this.voiced = 0;
    this.pitchFrames = 0;
    this.blocks.push(row);
    this.blockSum.fill(0);
    this.blockSq.fill(0);
    this.blockEnergy = 0;
    this.blockFrames = 0;
  }

  end(): Float32Array[] {
    if (this.blockFrames > FRAMES_PER_BLOCK / 2) this.flushBlock();
    return this.blocks;
  }
}
