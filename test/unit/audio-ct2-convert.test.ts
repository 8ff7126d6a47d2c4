import { describe, expect, it } from 'vitest';
import { readCt2Model, slaneyMelFilters, tokenBytes } from '../../scripts/audio/ct2-whisper-to-ggml.ts';

describe('CTranslate2 → ggml Whisper conversion helpers', () => {
  it('maps GPT-2 byte-level token spellings back to bytes', () => {
    expect(tokenBytes('Ġthe').toString()).toBe(' the');
    expect(tokenBytes('Ċ').toString()).toBe('\n');
    expect(tokenBytes('<|endoftext|>').toString()).toBe('<|endoftext|>');
  });

  it("computes Whisper's Slaney mel filter bank (80 × 201, unit area per band)", () => {
    const f = slaneyMelFilters();
    expect(f.length).toBe(80 * 201);
    // librosa slaney-normalised triangles: each band's weights sum to 2/(f_hi - f_lo) × bin spacing × peak width
    const band0 = f.slice(0, 201);
    expect(band0[0]).toBe(0);
    expect(Math.max(...band0)).toBeCloseTo(0.0247, 3); // the peak of the first band, as librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) gives
    for (const v of f) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('reads the CTranslate2 binary layout (version 6)', () => {
    const parts: Buffer[] = [];
    const u32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      parts.push(b);
    };
    const str = (s: string) => {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(s.length + 1);
      parts.push(b, Buffer.from(s), Buffer.from([0]));
    };
    u32(6);
    str('WhisperSpec');
    u32(3);
    u32(1);
    str('encoder/conv1/bias');
    parts.push(Buffer.from([1]));
    u32(2);
    parts.push(Buffer.from([4]));
    u32(4);
    parts.push(Buffer.from([0, 0x3c, 0, 0xc0]));
    u32(1);
    str('decoder/projection/weight');
    str('decoder/embeddings/weight');
    const m = readCt2Model(Buffer.concat(parts));
    expect(m.spec).toBe('WhisperSpec');
    expect(m.vars.get('encoder/conv1/bias')).toMatchObject({ dims: [2], dtype: 4 });
    expect(m.aliases.get('decoder/projection/weight')).toBe('decoder/embeddings/weight');
  });
});
