import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { QuarryConfig } from '../../schemas/config.ts';
import { BdaError, validationError } from '../../schemas/errors.ts';
import { LocalCopies } from './local-copies.ts';
import type { Storage, StoredObject, WriteOptions } from './storage.ts';

/** An `s3://bucket/key` URI split into its parts. */
export interface S3Location {
  bucket: string;
  key: string;
}

// S3 bucket naming rules (general purpose buckets): 3–63 chars, lowercase letters, digits, dots, hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;
/** Multipart part size for large writes; the uploader buffers at most partSize × queueSize bytes. */
const PART_SIZE = 8 * 1024 * 1024;

/**
 * Parses and validates an `s3://bucket/key` URI (pure; no bucket allow-list check). Keys are taken
 * literally (S3 keys are not percent-decoded), but a `..` segment is refused: keys that look like
 * path traversal end up as `../../activities/` paths in local temp files and in other tools.
 */
export function parseS3Uri(uri: string): S3Location {
  if (typeof uri !== 'string' || !/^s3:\/\//i.test(uri))
    throw validationError(`unsupported URI scheme in '${short(String(uri))}': expected s3://bucket/key`);
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (!bucket) throw validationError(`malformed S3 URI '${short(uri)}': no bucket name (use s3://bucket/key)`);
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    throw validationError(
      `malformed S3 URI '${short(uri)}': '${short(bucket)}' is not a valid bucket name (3-63 lowercase letters, digits, '.' or '-')`,
    );
  if (key.split('/').includes('..')) throw validationError(`path traversal ('..') is not allowed in '${short(uri)}'`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key))
    throw validationError(`malformed S3 URI '${short(uri)}': control characters in key`);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
    throw validationError(`malformed S3 URI '${short(uri)}': key longer than ${MAX_KEY_BYTES} bytes`);
  return { bucket, key };
}

/**
 * `s3://` storage on any S3-compatible store (AWS S3, MinIO, Ceph, moto...), confined to an allow-list
 * of buckets. Credentials come from the standard AWS provider chain (env, shared config/SSO, web
 * identity, container/instance metadata). Writes are atomic by S3's own semantics: an object (also a
 * multipart one) becomes visible only when it is complete.
 */
export class S3Storage implements Storage {
  private clientInstance?: S3Client;

  private readonly copies: LocalCopies;

  constructor(
    readonly options: QuarryConfig['storage']['s3'],
    readonly allowedBuckets: string[],
    /** local copies shared by this process's activities (QUARRY_LOCAL_COPIES_MB) */
    localCopyBytes = 2048 * 1024 * 1024,
  ) {
    this.copies = new LocalCopies(localCopyBytes);
  }

  /** Created on first use, so a Quarry without S3 never resolves AWS credentials. */
  private get client(): S3Client {
    this.clientInstance ??= new S3Client({
      region: this.options.region,
      endpoint: this.options.endpoint,
      forcePathStyle: this.options.forcePathStyle,
      // S3-compatible stores other than AWS often reject the SDK's default extra CRC checksums.
      ...(this.options.endpoint
        ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const }
        : {}),
    });
    return this.clientInstance;
  }

  /** Parses the URI and checks its bucket against the allow-list. */
  private locate(uri: string): S3Location {
    const loc = parseS3Uri(uri);
    if (this.allowedBuckets.length === 0)
      throw validationError(
        `'${short(uri)}' is not allowed: no S3 bucket is allowed (set QUARRY_ALLOWED_BUCKETS to a comma-separated list of buckets)`,
      );
    if (!this.allowedBuckets.includes(loc.bucket))
      throw validationError(
        `bucket '${loc.bucket}' is not in the allowed buckets (${this.allowedBuckets.join(', ')}): '${short(uri)}'`,
      );
    return loc;
  }

  /** Like locate, but an object operation needs a key. */
  private locateObject(uri: string): S3Location {
    const loc = this.locate(uri);
    if (!loc.key || loc.key.endsWith('/'))
      throw validationError(`'${short(uri)}' names a bucket or a prefix, not an object (use s3://bucket/key)`);
    return loc;
  }

  check(uri: string): void {
    this.locate(uri);
  }

  async exists(uri: string): Promise<boolean> {
    const loc = this.locate(uri);
    if (loc.key && !loc.key.endsWith('/') && (await this.head(loc, uri))) return true;
    // like a directory on disk: a prefix exists when any object lies under it
    const res = await this.listPage(uri, loc.bucket, dirPrefix(loc.key), undefined, 1);
    return (res.KeyCount ?? res.Contents?.length ?? 0) > 0;
  }

  async stat(uri: string): Promise<StoredObject> {
    const loc = this.locateObject(uri);
    const head = await this.head(loc, uri);
    if (!head) throw notFound(uri);
    return { uri, bytes: head.bytes };
  }

  async read(uri: string, range?: { start: number; end?: number }): Promise<Readable> {
    const loc = this.locateObject(uri);
    if (range) {
      checkRange(range);
      if (range.end !== undefined && range.end <= range.start) {
        await this.stat(uri); // still a clear error for a missing object
        return Readable.from([]);
      }
    }
    const Range = range ? `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}` : undefined;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, Range }));
      return res.Body as Readable;
    } catch (e) {
      // a range starting at or past the end: the file backend yields nothing, so do we
      if (isS3Error(e, 'InvalidRange') || httpStatus(e) === 416) {
        await this.stat(uri);
        return Readable.from([]);
      }
      throw mapError(e, uri);
    }
  }

  async readBytes(uri: string, maxBytes?: number): Promise<Buffer> {
    if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 0))
      throw validationError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    if (maxBytes === 0) {
      await this.stat(uri);
      return Buffer.alloc(0);
    }
    const stream = await this.read(uri, maxBytes === undefined ? undefined : { start: 0, end: maxBytes });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks);
  }

  async write(uri: string, body: Buffer | string | Readable, contentType?: string, options: WriteOptions = {}): Promise<StoredObject> {
    const loc = this.locateObject(uri);
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer | string, _enc, done) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        hash.update(buf);
        bytes += buf.length;
        done(null, buf);
      },
    });
    const src = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    const tee = new PassThrough();
    const piping = pipeline(src, counter, tee);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: loc.bucket,
        Key: loc.key,
        Body: tee,
        ContentType: contentType,
        // encryptionConfiguration.kmsKeyId: S3 encrypts the object at rest with that KMS key
        ...(options.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: options.kmsKeyId } : {}),
      },
      partSize: PART_SIZE,
      queueSize: 4,
      leavePartsOnError: false, // abort the multipart upload on failure: nothing partial is left
    });
    try {
      await Promise.all([piping, upload.done()]);
    } catch (e) {
      tee.destroy();
      await upload.abort().catch(() => undefined);
      throw mapError(e, uri);
    }
    return { uri, bytes, sha256: hash.digest('hex') };
  }

  /**
   * Every object under a prefix, in S3's key order (UTF-8 binary, i.e. lexical). Like the file backend,
   * `s3://b/dir` lists `dir/…` (not `dir2/…`), and an exact object key yields that one object.
   * Hidden names (any segment below the prefix starting with `.`, e.g. `.s3_access_check`) and
   * zero-byte "folder" markers are skipped.
   */
  async *list(prefix: string): AsyncIterable<StoredObject> {
    const loc = this.locate(prefix);
    if (loc.key && !loc.key.endsWith('/')) {
      const head = await this.head(loc, prefix);
      if (head) {
        yield { uri: prefix, bytes: head.bytes };
        return;
      }
    }
    const base = dirPrefix(loc.key);
    let token: string | undefined;
    do {
      const res = await this.listPage(prefix, loc.bucket, base, token);
      for (const o of res.Contents ?? []) {
        const key = o.Key ?? '';
        if (!key || key.endsWith('/')) continue;
        if (
          key
            .slice(base.length)
            .split('/')
            .some((seg) => seg.startsWith('.'))
        )
          continue;
        yield { uri: `s3://${loc.bucket}/${key}`, bytes: o.Size ?? 0 };
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  /** Deletes the object and, like `rm -r` on disk, every object under `key/`. Missing objects are fine. */
  async delete(uri: string): Promise<void> {
    const loc = this.locate(uri);
    if (!loc.key) throw validationError(`refusing to delete a whole bucket: '${short(uri)}'`);
    const keys: string[] = loc.key.endsWith('/') ? [] : [loc.key];
    let token: string | undefined;
    do {
      const res = await this.listPage(uri, loc.bucket, dirPrefix(loc.key), token);
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      const res = await this.client
        .send(new DeleteObjectsCommand({ Bucket: loc.bucket, Delete: { Objects, Quiet: true } }))
        .catch((e: unknown) => {
          throw mapError(e, uri);
        });
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length)
        throw new Error(
          `could not delete ${failed.length} object(s) under '${short(uri)}': ${failed[0].Code} ${failed[0].Message ?? ''}`,
        );
    }
  }

  /**
   * Runs `fn` with the object as a local file (keeping its file name, so tools can see the extension). Objects
   * up to the local-copy limit are downloaded once per worker process and shared by the activities that need
   * them (page groups, audio chunks); larger ones go to a private temp dir removed after `fn`.
   */
  async withLocalFile<T>(uri: string, fn: (path: string) => Promise<T>): Promise<T> {
    const loc = this.locateObject(uri);
    const name = path.basename(loc.key).replace(/^\.+/, '_') || 'object';
    const download = async (dest: string) => {
      await pipeline(await this.read(uri), createWriteStream(dest, { mode: 0o600 }));
    };
    // a missing object falls through to the download below, which reports it the way read() does
    const head = await this.head(loc, uri);
    if (head?.etag && head.bytes <= this.copies.maxBytes)
      return this.copies.use(`${uri}#${head.etag}`, name, head.bytes, download, fn);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-s3-'));
    try {
      const local = path.join(dir, name);
      await download(local);
      return await fn(local);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  private async head(loc: S3Location, uri: string): Promise<{ bytes: number; etag?: string } | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
      return { bytes: res.ContentLength ?? 0, etag: res.ETag };
    } catch (e) {
      // HEAD responses have no body: a missing key (and a missing bucket) is a bare 404 'NotFound'
      if (isS3Error(e, 'NotFound') || isS3Error(e, 'NoSuchKey') || httpStatus(e) === 404) return null;
      throw mapError(e, uri);
    }
  }

  private async listPage(uri: string, Bucket: string, Prefix: string, ContinuationToken?: string, MaxKeys?: number) {
    try {
      return await this.client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken, MaxKeys }));
    } catch (e) {
      throw mapError(e, uri);
    }
  }
}

/** `dir` → `dir/`; '' and `dir/` unchanged. */
const dirPrefix = (key: string) => (key === '' || key.endsWith('/') ? key : `${key}/`);

function checkRange(range: { start: number; end?: number }) {
  if (!Number.isInteger(range.start) || range.start < 0 || (range.end !== undefined && !Number.isInteger(range.end)))
    throw validationError(`invalid byte range ${JSON.stringify(range)}: start and end must be non-negative integers`);
}

function isS3Error(e: unknown, name: string): boolean {
  return e instanceof Error && (e.name === name || (e as { Code?: string }).Code === name);
}

const httpStatus = (e: unknown) => (e instanceof S3ServiceException ? e.$metadata?.httpStatusCode : undefined);

/** S3 errors a user can fix become BdaErrors with a clear message; the rest (network, 5xx) stay retryable. */
function mapError(e: unknown, uri: string): unknown {
  if (e instanceof BdaError) return e;
  if (isS3Error(e, 'NoSuchKey')) return notFound(uri);
  if (isS3Error(e, 'NoSuchBucket')) return validationError(`S3 bucket does not exist: '${short(uri)}'`);
  if (isS3Error(e, 'AccessDenied') || httpStatus(e) === 403)
    return new BdaError(
      'AccessDeniedException',
      `access denied by S3 for '${short(uri)}': check the credentials and bucket policy`,
    );
  if (e instanceof Error && e.name === 'CredentialsProviderError')
    return new BdaError('AccessDeniedException', `no AWS credentials found for '${short(uri)}': ${e.message}`);
  return e;
}

const short = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
const notFound = (uri: string) => validationError(`input object not found: '${short(uri)}'`);
