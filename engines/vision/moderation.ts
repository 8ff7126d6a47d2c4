/**
 * IMAGE CONTENT_MODERATION, embedded and offline: nsfwjs (MIT) whole-image classifier on TensorFlow.js with the
 * WebAssembly backend. The model weights ship inside the nsfwjs npm package (`dist/models/*`, imported as modules
 * and handed to tfjs from memory), the .wasm binaries inside @tensorflow/tfjs-backend-wasm: nothing is fetched.
 *
 * The model sees five classes (Drawing, Hentai, Neutral, Porn, Sexy), so it judges only BDA's nudity/suggestive
 * categories: Porn + Hentai → "Explicit", Sexy → "Swimwear or Underwear". The other categories are judged from
 * objects and text (moderation-signals.ts); `coverageNote` is what this model alone covers. The model is loaded once per
 * worker process (lazy singleton) and classification never throws: failures come back as a reason.
 */
import { rgbPixels } from './rgb-pixels.ts';
import { type Tf, tfRuntime } from './tfjs-runtime.ts';

/** nsfwjs's five classes, in the model's output order */
export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
export type NsfwScores = Record<NsfwClass, number>;

/** BDA's 7 image moderation categories (bda-output-image: "Explicit, Non-Explicit Nudity of Intimate parts and
 * Kissing, Swimwear or Underwear, Violence, Drugs & Tobacco, Alcohol, Hate symbols"). */
export const BDA_IMAGE_MODERATION_CATEGORIES = [
  'Explicit',
  'Non-Explicit Nudity of Intimate parts and Kissing',
  'Swimwear or Underwear',
  'Violence',
  'Drugs & Tobacco',
  'Alcohol',
  'Hate symbols',
] as const;
export type BdaImageModerationCategory = (typeof BDA_IMAGE_MODERATION_CATEGORIES)[number];

/** what each BDA category is built from; categories absent here are not produced */
export const CATEGORY_SOURCES: Partial<Record<BdaImageModerationCategory, NsfwClass[]>> = {
  // photographic and drawn pornography; the softmax classes are exclusive, so P(explicit) = P(Porn) + P(Hentai)
  Explicit: ['Porn', 'Hentai'],
  // nsfwjs "Sexy" = suggestive, not pornographic (lingerie, swimwear, revealing poses): it cannot separate
  // swimwear/underwear from non-explicit nudity, so it is reported as the milder of the two, never as both
  'Swimwear or Underwear': ['Sexy'],
};

export const NOT_COVERED: BdaImageModerationCategory[] = BDA_IMAGE_MODERATION_CATEGORIES.filter(
  (c) => !CATEGORY_SOURCES[c],
);

export interface ModerationLabel {
  category: BdaImageModerationCategory;
  confidence: number;
}

export type ModelName = 'MobileNetV2' | 'MobileNetV2Mid' | 'InceptionV3';
const MODELS: Record<ModelName, { module: string; size: number; graph: boolean }> = {
  MobileNetV2: { module: 'nsfwjs/models/mobilenet_v2', size: 224, graph: false },
  MobileNetV2Mid: { module: 'nsfwjs/models/mobilenet_v2_mid', size: 224, graph: true },
  InceptionV3: { module: 'nsfwjs/models/inception_v3', size: 299, graph: false },
};

/** QUARRY_IMAGE_MODERATION_MODEL's default (QuarryConfig `images.moderation.model`) */
export const DEFAULT_MODERATION_MODEL: ModelName = 'MobileNetV2';
/** QUARRY_IMAGE_MODERATION_THRESHOLD's default: a category is reported when its confidence reaches it */
export const DEFAULT_MODERATION_THRESHOLD = 0.5;

/** what `not_generated.CONTENT_MODERATION` says when moderation ran: coverage is partial, and by how much */
export function coverageNote(model: ModelName = DEFAULT_MODERATION_MODEL): string {
  return (
    `partial: nudity/suggestive only (nsfwjs ${model}, whole-image classifier; its "Sexy" class is reported as ` +
    `Swimwear or Underwear, Non-Explicit Nudity is not told apart); ${NOT_COVERED.join(', ')} are not detected ` +
    '(they need a moderation provider)'
  );
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Pure: nsfwjs class probabilities → BDA categories at or above `threshold`, most confident first. */
export function mapToBdaModeration(
  scores: Partial<NsfwScores>,
  threshold = DEFAULT_MODERATION_THRESHOLD,
): ModerationLabel[] {
  const out: ModerationLabel[] = [];
  for (const category of BDA_IMAGE_MODERATION_CATEGORIES) {
    const sources = CATEGORY_SOURCES[category];
    if (!sources) continue;
    const p = Math.min(
      1,
      sources.reduce((s, c) => s + (Number.isFinite(scores[c]) ? Math.max(0, scores[c] as number) : 0), 0),
    );
    if (p >= threshold) out.push({ category, confidence: round(p) });
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}

// ---- the model (one per worker process) -------------------------------------------------------------------

type Classifier = import('nsfwjs/core').NSFWJS;
interface Loaded {
  tf: Tf;
  model: Classifier;
  name: ModelName;
  size: number;
  backend: string;
  loadMs: number;
}

let loading: Promise<Loaded> | undefined;

async function loadModel(name: ModelName): Promise<Loaded> {
  const t0 = performance.now();
  const { tf, backend } = await tfRuntime();
  const spec = MODELS[name];
  const { NSFWJS } = await import('nsfwjs/core');
  const def = Object.values(await import(spec.module))[0] as import('nsfwjs/core').ModelDefinition;
  const json = (await def.modelJson()).default;
  const shards = await Promise.all(def.weightBundles.map(async (b) => Buffer.from((await b()).default, 'base64')));
  const weights = Buffer.concat(shards);
  const manifest = json.weightsManifest ?? [];
  const handler = tf.io.fromMemory({
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  });
  const model = new NSFWJS(handler, { size: spec.size, ...(spec.graph ? { type: 'graph' } : {}) });
  await model.load(); // also runs one warm-up prediction
  return { tf, model, name, size: spec.size, backend, loadMs: Math.round(performance.now() - t0) };
}

/** the process-wide model (the first call's name wins); a failed load is forgotten so the next image tries again */
export function moderationModel(name: ModelName = DEFAULT_MODERATION_MODEL): Promise<Loaded> {
  if (!loading) {
    loading = loadModel(name);
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

export interface ImageModerationResult {
  labels: ModerationLabel[];
  /** all five class probabilities (rounded), for audit */
  scores?: NsfwScores;
  /** `not_generated.CONTENT_MODERATION`: partial coverage, or why nothing was produced */
  note: string;
  engine?: string;
  ms?: number;
}

/** Classify an image file (anything sharp decodes). Never throws: on failure `labels` is empty and `note` says why. */
export async function moderateImage(
  file: string,
  threshold = DEFAULT_MODERATION_THRESHOLD,
  model: ModelName = DEFAULT_MODERATION_MODEL,
): Promise<ImageModerationResult> {
  let m: Loaded;
  try {
    m = await moderationModel(model);
  } catch (e) {
    return {
      labels: [],
      note: `not generated: the moderation model did not load (${String((e as Error)?.message ?? e).slice(0, 200)})`,
    };
  }
  try {
    const t0 = performance.now();
    // same framing as nsfwjs in a browser: the whole image stretched to the model's square input
    const px = await rgbPixels(file, m.size);
    const input = m.tf.tensor3d(Float32Array.from(px.data), [px.height, px.width, 3], 'float32');
    let predictions: Awaited<ReturnType<Classifier['classify']>>;
    try {
      predictions = await m.model.classify(input, NSFW_CLASSES.length);
    } finally {
      input.dispose();
    }
    const scores = Object.fromEntries(NSFW_CLASSES.map((c) => [c, 0])) as NsfwScores;
    for (const p of predictions) scores[p.className as NsfwClass] = round(p.probability);
    const raw = Object.fromEntries(predictions.map((p) => [p.className, p.probability])) as Partial<NsfwScores>;
    return {
      labels: mapToBdaModeration(raw, threshold),
      scores,
      note: coverageNote(m.name),
      engine: `nsfwjs ${m.name} (tfjs ${m.backend})`,
      ms: Math.round(performance.now() - t0),
    };
  } catch (e) {
    return {
      labels: [],
      note: `not generated: moderation failed on this image (${String((e as Error)?.message ?? e).slice(0, 200)})`,
    };
  }
}
