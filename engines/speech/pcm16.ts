/**
 * 16-bit little-endian PCM from a decoder's stdout, as float samples in [-1, 1). Stream chunks may end in
 * the middle of a sample: the odd byte is carried into the next chunk. Shared by every meter that reads the
 * decoded stream (levels, speaker features, Silero VAD).
 */
export class Pcm16Samples {
  private carry: Buffer | null = null;

  /** The whole samples in `chunk` (after any byte carried from the previous one). */
  next(chunk: Buffer): Float32Array {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const usable = buf.length - (buf.length % 2);
    if (usable < buf.length) this.carry = Buffer.from(buf.subarray(usable));
    const out = new Float32Array(usable / 2);
    for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2) / 32768;
    return out;
  }
}
