import type { QuarryConfig } from '../../schemas/config.ts';
import { validationError } from '../../schemas/errors.ts';
import { FileStorage } from './file-storage.ts';
import { S3Storage } from './s3-storage.ts';
import { type Storage, type StoredObject, schemeOf } from './storage.ts';

/**
 * The storage every activity and the API use: routes a URI to its scheme's backend. Only `file://`
 * (inside allowed roots) and `s3://` (inside allowed buckets) exist; anything else is a ValidationException.
 */
export class StorageRouter implements Storage {
  constructor(
    private readonly file: Storage,
    private readonly s3: Storage,
  ) {}
  private pick(uri: string): Storage {
    const scheme = schemeOf(uri);
    if (scheme === 'file') return this.file;
    if (scheme === 's3') return this.s3;
    throw validationError(
      `unsupported URI scheme '${scheme || uri.slice(0, 20)}': only file:// and s3:// are accepted`,
    );
  }
  check(uri: string) {
    this.pick(uri).check(uri);
  }
  exists(uri: string) {
    return this.pick(uri).exists(uri);
  }
  stat(uri: string) {
    return this.pick(uri).stat(uri);
  }
  read(uri: string, range?: { start: number; end?: number }) {
    return this.pick(uri).read(uri, range);
  }
  readBytes(uri: string, maxBytes?: number) {
    return this.pick(uri).readBytes(uri, maxBytes);
  }
  write(uri: string, body: Parameters<Storage['write']>[1], contentType?: string): Promise<StoredObject> {
    return this.pick(uri).write(uri, body, contentType);
  }
  list(prefix: string) {
    return this.pick(prefix).list(prefix);
  }
  delete(uri: string) {
    return this.pick(uri).delete(uri);
  }
  withLocalFile<T>(uri: string, fn: (path: string) => Promise<T>) {
    return this.pick(uri).withLocalFile(uri, fn);
  }
  async readJson<T = unknown>(uri: string): Promise<T> {
    return JSON.parse((await this.readBytes(uri)).toString('utf8')) as T;
  }
  writeJson(uri: string, value: unknown): Promise<StoredObject> {
    return this.write(uri, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
  }
}

/**
 * The storage of a process: QUARRY_ALLOWED_ROOTS (else QUARRY_HOME) and QUARRY_ALLOWED_BUCKETS, plus `granted` —
 * every tenant's roots and buckets (control-plane/tenants.ts), which the API checks each job against at submit.
 */
export function openStorage(config: QuarryConfig, granted: { roots: string[]; buckets: string[] } = { roots: [], buckets: [] }): StorageRouter {
  const own = config.storage.allowedRoots.length ? config.storage.allowedRoots : [config.home];
  const roots = [...new Set([...own, ...granted.roots])];
  const buckets = [...new Set([...config.storage.allowedBuckets, ...granted.buckets])];
  const { s3, localCopiesMb } = config.storage;
  return new StorageRouter(new FileStorage(roots), new S3Storage(s3, buckets, localCopiesMb * 1024 * 1024));
}
