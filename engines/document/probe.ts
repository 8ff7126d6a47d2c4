/**
 * Looks inside a document before any work: page count, page sizes, encryption, corruption, limits.
 * Every bad input ends here as a ClientError with a specific message (engines/client-error.ts).
 */
import sharp from 'sharp';
import { clientError } from '../client-error.ts';
import { runTool, ToolError } from '../media/run-tool.ts';
import type { DocumentLimits } from './limits.ts';

export interface DocumentProbe {
  /** how pages are read: PDF pages (text layer + raster) or image pages (OCR) */
  kind: 'PDF' | 'IMAGE';
  pageCount: number;
}

export function parsePdfInfo(out: string) {
  const pages = Number(/^Pages:\s+(\d+)/m.exec(out)?.[1] ?? 0);
  const encrypted = /^Encrypted:\s+yes/m.test(out);
  const sizes: { page: number; w: number; h: number }[] = [];
  for (const m of out.matchAll(/^Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts/gm))
    sizes.push({ page: Number(m[1]), w: Number(m[2]), h: Number(m[3]) });
  const single = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(out);
  if (!sizes.length && single) sizes.push({ page: 1, w: Number(single[1]), h: Number(single[2]) });
  return { pages, encrypted, sizes };
}

export async function probePdf(path: string, limits: DocumentLimits): Promise<DocumentProbe> {
  let out: string;
  try {
    out = (await runTool('pdfinfo', [path], { timeoutMs: 60_000 })).stdout.toString('latin1');
  } catch (e) {
    const msg = e instanceof ToolError ? e.stderr : String(e);
    if (/password/i.test(msg))
      throw clientError(
        'InvalidInput',
        'the PDF is password-protected (encrypted): remove the password and submit it again',
      );
    throw clientError('InvalidInput', `the PDF is corrupt or not a PDF: ${msg.trim().split('\n')[0].slice(0, 200)}`);
  }
  // pdfinfo opened it without a password: an owner password only restricts printing and copying, which do not
  // stop reading it (a PDF that needs a user password fails above)
  const info = parsePdfInfo(out);
  if (!info.pages) throw clientError('InvalidInput', 'the PDF has no pages');
  if (info.pages > limits.maxPages)
    throw clientError(
      'LimitExceeded',
      `the document has ${info.pages} pages; the limit is ${limits.maxPages} (QUARRY_DOC_MAX_PAGES)`,
    );
  // page sizes of every page (pdfinfo -f/-l lists each)
  const all = parsePdfInfo(
    (await runTool('pdfinfo', ['-f', '1', '-l', String(info.pages), path], { timeoutMs: 120_000 })).stdout.toString(
      'latin1',
    ),
  );
  const maxPt = limits.maxPageInches * 72;
  for (const s of all.sizes) {
    if (s.w > maxPt || s.h > maxPt)
      throw clientError(
        'LimitExceeded',
        `page ${s.page} is ${(s.w / 72).toFixed(1)} x ${(s.h / 72).toFixed(1)} in; the limit is ${limits.maxPageInches} in a side (QUARRY_DOC_MAX_PAGE_INCHES)`,
      );
  }
  return { kind: 'PDF', pageCount: info.pages };
}

export async function probeImage(path: string, limits: DocumentLimits): Promise<DocumentProbe> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(path).metadata();
  } catch (e) {
    throw clientError(
      'InvalidInput',
      `the image is corrupt or of an unsupported kind: ${String((e as Error).message).slice(0, 200)}`,
    );
  }
  const pages = meta.pages ?? 1;
  if (pages > limits.maxPages)
    throw clientError(
      'LimitExceeded',
      `the image has ${pages} pages; the limit is ${limits.maxPages} (QUARRY_DOC_MAX_PAGES)`,
    );
  const w = meta.width ?? 0;
  const h = meta.pageHeight ?? meta.height ?? 0;
  if (!w || !h) throw clientError('InvalidInput', 'the image has no pixels');
  if (w > limits.maxPixels || h > limits.maxPixels)
    throw clientError(
      'LimitExceeded',
      `the image is ${w} x ${h} px; the limit is ${limits.maxPixels} px a side (QUARRY_DOC_MAX_PIXELS)`,
    );
  try {
    // decode once to catch truncated files now rather than mid-pipeline
    await sharp(path, { page: 0 }).resize(64).raw().toBuffer();
  } catch (e) {
    throw clientError('InvalidInput', `the image is corrupt: ${String((e as Error).message).slice(0, 200)}`);
  }
  return { kind: 'IMAGE', pageCount: pages };
}
