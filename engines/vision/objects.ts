/**
 * Object detection for images and frames, embedded and offline: CenterNet (MobileNetV3 backbone, COCO's 80
 * classes) on TensorFlow.js. The weights ship inside the @vladmandic/human npm package (MIT; `models/centernet.*`,
 * installed at setup, read from disk, never fetched); the decoding follows that package's `src/object/centernet.ts`.
 * Detection never throws: a failure comes back as a reason, so the callers can say what was not judged.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { rgbPixels } from './rgb-pixels.ts';
import type { Tf } from './tfjs-runtime.ts';
import { tfRuntime } from './tfjs-runtime.ts';

/** COCO's 80 labels in the model's class order */
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
  'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear',
  'hair drier', 'toothbrush',
] as const; // biome-ignore format: one table

export const OBJECT_ENGINE = 'centernet-mobilenetv3-coco (@vladmandic/human models, tfjs)';
/** below this a detection is not reported (CenterNet's scores are low-ish: human's default is 0.2) */
export const DEFAULT_OBJECT_MIN_SCORE = 0.3;

export interface DetectedObject {
  label: string;
  score: number;
  /** normalised 0–1, top-left origin */
  box: { left: number; top: number; width: number; height: number };
}

export interface ObjectDetection {
  objects: DetectedObject[];
  engine?: string;
  /** why nothing was detected, when the model did not run */
  error?: string;
  ms?: number;
}

interface Loaded {
  tf: Tf;
  model: import('@tensorflow/tfjs').GraphModel;
  size: number;
  backend: string;
}

let loading: Promise<Loaded> | undefined;

/** where the npm package keeps the model (its `exports` map hides package.json, so from its main file) */
export function centerNetFiles(): { json: string; weights: string } {
  const main = createRequire(import.meta.url).resolve('@vladmandic/human');
  const dir = path.join(path.dirname(main), '..', 'models');
  return { json: path.join(dir, 'centernet.json'), weights: path.join(dir, 'centernet.bin') };
}

async function load(): Promise<Loaded> {
  const { tf, backend } = await tfRuntime();
  const files = centerNetFiles();
  const json = JSON.parse(await fs.readFile(files.json, 'utf8'));
  const weights = await fs.readFile(files.weights);
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      weightSpecs: (json.weightsManifest ?? []).flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const inputs = Object.values(json.signature?.inputs ?? {}) as { tensorShape?: { dim?: { size?: string }[] } }[];
  const size = Number(inputs[0]?.tensorShape?.dim?.[2]?.size ?? 512);
  return { tf, model, size, backend };
}

function model(): Promise<Loaded> {
  if (!loading) {
    loading = load();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const clamp = (v: number) => Math.min(1, Math.max(0, v));

/** Pure: the model's rows [x1, y1, x2, y2, score, class] (input pixels) → detections, after suppression `keep`. */
export function decodeDetections(
  rows: number[][],
  keep: Iterable<number>,
  inputSize: number,
  minScore: number,
): DetectedObject[] {
  const out: DetectedObject[] = [];
  for (const i of keep) {
    const [x1, y1, x2, y2, score, cls] = rows[i] ?? [];
    const label = COCO_LABELS[cls];
    if (!label || !(score >= minScore)) continue;
    const left = clamp(x1 / inputSize);
    const top = clamp(y1 / inputSize);
    out.push({
      label,
      score: round(score),
      box: {
        left: round(left),
        top: round(top),
        width: round(clamp(x2 / inputSize) - left),
        height: round(clamp(y2 / inputSize) - top),
      },
    });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** Detects COCO objects in an image file (anything sharp decodes). Never throws. */
export async function detectObjects(file: string, minScore = DEFAULT_OBJECT_MIN_SCORE): Promise<ObjectDetection> {
  let m: Loaded;
  try {
    m = await model();
  } catch (e) {
    return {
      objects: [],
      error: `the object model did not load (${String((e as Error)?.message ?? e).slice(0, 200)})`,
    };
  }
  const { tf } = m;
  try {
    const t0 = performance.now();
    // the whole image stretched to the square input, 0–255 floats (as the package feeds it)
    const px = await rgbPixels(file, m.size);
    const rows = tf.tidy(() => {
      const input = tf.tensor4d(Float32Array.from(px.data), [1, px.height, px.width, 3], 'float32');
      return m.model.execute(input, ['tower_0/detections']) as import('@tensorflow/tfjs').Tensor;
    });
    const all = ((await rows.array()) as number[][][])[0];
    const boxes = tf.tensor2d(all.map((r) => [r[1], r[0], r[3], r[2]]));
    const scores = tf.tensor1d(all.map((r) => r[4]));
    const nms = await tf.image.nonMaxSuppressionAsync(boxes, scores, 20, 0.4, minScore);
    const keep = await nms.data();
    tf.dispose([rows, boxes, scores, nms]);
    return {
      objects: decodeDetections(all, keep, m.size, minScore),
      engine: `${OBJECT_ENGINE} ${m.backend}`,
      ms: Math.round(performance.now() - t0),
    };
  } catch (e) {
    return {
      objects: [],
      error: `object detection failed on this image (${String((e as Error)?.message ?? e).slice(0, 200)})`,
    };
  }
}
