/**
 * Benchmark measurements in their own process (so peak RSS and the OCR engine choice are their own):
 *   tsx bench/documents/child.ts <file>:<fileType> ...  → one JSON line per file, then {maxRssMb}
 * QUARRY_OCR_ENGINE picks the engine; BENCH_KEEP_RESULT=1 includes each result.json; BENCH_DEFAULT_OPTIONS=1
 * uses BDA's default output options instead of words + CSV.
 */
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import { runDocumentDirect } from './run-direct.ts';

const full = {
  document: {
    extraction: {
      granularity: { types: ['DOCUMENT', 'PAGE', 'ELEMENT', 'WORD'] as ('DOCUMENT' | 'PAGE' | 'ELEMENT' | 'WORD')[] },
      boundingBox: { state: 'ENABLED' as const },
    },
    generativeField: { state: 'ENABLED' as const },
    outputFormat: {
      textFormat: { types: ['PLAIN_TEXT' as const, 'CSV' as const] },
      additionalFileFormat: { state: 'DISABLED' as const },
    },
  },
};
for (const arg of process.argv.slice(2)) {
  const i = arg.lastIndexOf(':');
  const [file, fileType] = [arg.slice(0, i), arg.slice(i + 1)];
  const t0 = performance.now();
  const r = await runDocumentDirect(file, fileType, process.env.BENCH_DEFAULT_OPTIONS ? {} : full);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({ file, seconds, pages: r.stats.pages, ocrPages: r.stats.ocr_pages, result: process.env.BENCH_KEEP_RESULT ? r.result : undefined })}\n`,
  );
  await r.cleanup();
}
await closeOcrEngines();
process.stdout.write(`${JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
