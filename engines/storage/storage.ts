import type { Readable } from 'node:stream';

/** A stored object as listed or written: enough for a claim check. */
export interface StoredObject {
  uri: string;
  bytes: number;
  sha256?: string;
}

/** How an object is written: `kmsKeyId` asks S3 for SSE-KMS with that key (other backends ignore it). */
export interface WriteOptions {
  kmsKeyId?: string;
}

/**
 * One storage interface for every URI scheme Quarry accepts (`file://`, `s3://`). Implementations
 * refuse anything outside their allowed roots/buckets with a ValidationException (BdaError).
 */
export interface Storage {
  /** Throws a ValidationException unless the URI is of this scheme and inside the allowed roots. */
  check(uri: string): void;
  exists(uri: string): Promise<boolean>;
  stat(uri: string): Promise<StoredObject>;
  /** Streams the object; `range` is inclusive-exclusive byte offsets. */
  read(uri: string, range?: { start: number; end?: number }): Promise<Readable>;
  readBytes(uri: string, maxBytes?: number): Promise<Buffer>;
  /** Writes atomically (readers never see a partial object) and returns size and sha256. */
  write(uri: string, body: Buffer | string | Readable, contentType?: string, options?: WriteOptions): Promise<StoredObject>;
  /** Every object under a prefix, in lexical order, recursively. */
  list(prefix: string): AsyncIterable<StoredObject>;
  delete(uri: string): Promise<void>;
  /**
   * Runs `fn` with a local file path holding the object (tools such as pdftotext or ffmpeg need one):
   * the file itself for `file://`, a temporary download for `s3://` (removed afterwards).
   */
  withLocalFile<T>(uri: string, fn: (path: string) => Promise<T>): Promise<T>;
}

export function schemeOf(uri: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri);
  return m ? m[1].toLowerCase() : '';
}
