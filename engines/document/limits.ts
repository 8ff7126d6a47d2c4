/** Document limits (BDA's, configurable: QuarryConfig `documents.limits`, README §Configuration). */
export interface DocumentLimits {
  maxBytes: number;
  maxPages: number;
  maxPageInches: number;
  maxPixels: number;
  /** pages per extraction activity (a page group) of pages that will probably be OCR'd */
  pageGroupSize: number;
  /** pages per extraction activity of pages read from their text layer */
  textPageGroupSize: number;
  /** page groups in flight at once per document */
  maxGroupsInFlight: number;
  /** rasterisation resolution for OCR */
  ocrDpi: number;
}
