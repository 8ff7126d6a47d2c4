/** Configuration of the DOCUMENT and IMAGE modalities: BDA's document limits, the shared OCR engine, image moderation. Pure. */
import { z } from 'zod';
import { kinds, section, variable } from './variables.ts';

const psm = (env: string, d: number, what: string) =>
  variable(env, kinds.integer(0, 13).default(d), `tesseract page segmentation mode for ${what}`);

export const DocumentsConfig = section(
  'Documents',
  z.object({
    /** BDA's document limits (configurable) and how a document is cut into activities */
    limits: z.object({
      maxBytes: variable(
        'QUARRY_DOC_MAX_BYTES',
        kinds.integer().default(500 * 1024 * 1024),
        'largest document file, in bytes (500 MB)',
      ),
      maxPages: variable('QUARRY_DOC_MAX_PAGES', kinds.integer().default(3000), 'most pages of one document'),
      maxPageInches: variable(
        'QUARRY_DOC_MAX_PAGE_INCHES',
        kinds.number({ above: 0 }).default(40),
        'longest page side, in inches',
      ),
      maxPixels: variable(
        'QUARRY_DOC_MAX_PIXELS',
        kinds.integer().default(10000),
        'longest side of a page image of a DOCUMENT, in pixels',
      ),
      pageGroupSize: variable(
        'QUARRY_DOC_PAGE_GROUP',
        kinds.integer().default(25),
        "pages per extraction activity (a page group) of pages that will probably be OCR'd",
      ),
      textPageGroupSize: variable(
        'QUARRY_DOC_TEXT_PAGE_GROUP',
        kinds.integer().default(250),
        'pages per extraction activity of pages read from their text layer',
      ),
      maxGroupsInFlight: variable(
        'QUARRY_DOC_GROUPS_IN_FLIGHT',
        kinds.integer().default(4),
        'page groups of one document in flight at once',
      ),
      ocrDpi: variable('QUARRY_OCR_DPI', kinds.integer().default(300), 'rasterisation resolution for OCR'),
    }),
    ocr: z.object({
      engine: variable(
        'QUARRY_OCR_ENGINE',
        kinds.oneOf(['auto', 'tesseract', 'tesseract.js', 'ppocr']).default('auto'),
        'OCR engine for everything: the native `tesseract` CLI, `tesseract.js` (WASM), `ppocr` (PaddleOCR PP-OCRv4 in onnxruntime); or `auto`: PP-OCR for image files, the native tesseract (when installed) for PDF pages and video frames ([docs/documents.md](docs/documents.md#ocr-engines))',
      ),
      concurrency: variable(
        'QUARRY_OCR_CONCURRENCY',
        kinds.integer().optional(),
        'OCR passes at once per worker process, shared by all its activities',
        { shown: 'one per core' },
      ),
      psm: psm('QUARRY_OCR_PSM', 3, 'document pages (3: automatic layout)'),
      enlarge: variable(
        'QUARRY_OCR_ENLARGE',
        kinds.flag().default(true),
        'enlarge small text of low-resolution scans before OCR ([docs/documents.md](docs/documents.md))',
      ),
      sparsePass: variable(
        'QUARRY_OCR_SPARSE_PASS',
        kinds.flag().default(true),
        'a second, sparse-text OCR pass on forms whose automatic layout missed text',
      ),
    }),
  }),
  "BDA's document limits; OCR of scanned pages and images ([docs/documents.md](docs/documents.md))",
);

export const ImagesConfig = section(
  'Images',
  z.object({
    /** BDA's image limits (5 MB; the seed's 4K, BDA now says 8K): checked on the file and its header before decoding */
    limits: z.object({
      maxBytes: variable(
        'QUARRY_IMAGE_MAX_BYTES',
        kinds.integer().default(5 * 1024 * 1024),
        'largest IMAGE file, in bytes (5 MB)',
      ),
      maxSide: variable(
        'QUARRY_IMAGE_MAX_SIDE',
        kinds.integer().default(4096),
        'longest side of an IMAGE, in pixels (4K); larger headers (pixel bombs) are refused before decoding',
      ),
    }),
    ocrPsm: psm(
      'QUARRY_IMAGE_OCR_PSM',
      3,
      'IMAGE text detection (3: automatic layout with a sparse-text pass over what it left unread)',
    ),
    objectScore: variable(
      'QUARRY_IMAGE_OBJECT_SCORE',
      kinds.number({ above: 0, atMost: 1 }).default(0.3),
      'lowest CenterNet score of a detected object (moderation evidence, summary, IAB)',
    ),
    moderation: z.object({
      model: variable(
        'QUARRY_IMAGE_MODERATION_MODEL',
        kinds.oneOf(['MobileNetV2', 'MobileNetV2Mid', 'InceptionV3']).default('MobileNetV2'),
        'the nsfwjs model of IMAGE `CONTENT_MODERATION` (nudity; objects and text judge the other categories)',
      ),
      threshold: variable(
        'QUARRY_IMAGE_MODERATION_THRESHOLD',
        kinds.number({ above: 0, atMost: 1 }).default(0.5),
        'lowest probability reported as an image moderation category',
      ),
    }),
  }),
);
