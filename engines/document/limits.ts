/** Document limits (BDA's, configurable): read from the environment each time so tests can change them. */
export interface DocumentLimits {
  maxBytes: number;
  maxPages: number;
  maxPageInches: number;
  maxPixels: number;
  /** pages per extraction activity (a page group) */
  pageGroupSize: number;
  /** page groups in flight at once per document */
  maxGroupsInFlight: number;
  /** rasterisation resolution for OCR */
  ocrDpi: number;
}

const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);

export function documentLimits(env: NodeJS.ProcessEnv = process.env): DocumentLimits {
  return {
    maxBytes: num(env.QUARRY_DOC_MAX_BYTES, 500 * 1024 * 1024),
    maxPages: num(env.QUARRY_DOC_MAX_PAGES, 3000),
    maxPageInches: num(env.QUARRY_DOC_MAX_PAGE_INCHES, 40),
    maxPixels: num(env.QUARRY_DOC_MAX_PIXELS, 10000),
    pageGroupSize: num(env.QUARRY_DOC_PAGE_GROUP, 25),
    maxGroupsInFlight: num(env.QUARRY_DOC_GROUPS_IN_FLIGHT, 4),
    ocrDpi: num(env.QUARRY_OCR_DPI, 300),
  };
}
