import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type EncryptionKeyring, loadEncryptionKeys } from '../../codecs/encryption-keys.ts';
import type { QuarryConfig } from '../../schemas/config.ts';
import { validationError } from '../../schemas/errors.ts';
import { joinUri } from '../../schemas/output-location.ts';
import {
  ENVELOPE_HEADER_BYTES,
  isEnvelope,
  keyringKeyFor,
  openEnvelope,
  plaintextBytes,
  sealEnvelope,
} from './envelope.ts';
import { FileStorage } from './file-storage.ts';
import { S3Storage } from './s3-storage.ts';
import { type Storage, type StoredObject, schemeOf, type WriteOptions } from './storage.ts';

/** The record that every object written below its folder is encrypted (`encryptionConfiguration.kmsKeyId`). */
export interface OutputEncryption {
  kmsKeyId: string;
  /** file:// only: the keyring key the envelopes are sealed with */
  keyId?: string;
}
const MARKER = ['.quarry', 'encryption.json'] as const;
const markerUri = (prefix: string) => joinUri(prefix, ...MARKER);
const isMarker = (uri: string) => uri.endsWith(`/${MARKER.join('/')}`);
/** how long "no encryption below this folder" is believed before it is looked up again */
const NEGATIVE_TTL_MS = 60_000;

async function collect(body: Buffer | string | Readable): Promise<Buffer> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

/**
 * The storage every activity and the API use: routes a URI to its scheme's backend. Only `file://`
 * (inside allowed roots) and `s3://` (inside allowed buckets) exist; anything else is a ValidationException.
 *
 * Encryption at rest: a folder marked by `encryptUnder` (a job's output, when the request names a `kmsKeyId`) has
 * every object written below it encrypted — S3 SSE-KMS with that key on `s3://`, an AES-256-GCM envelope under a
 * keyring key on `file://` (envelope.ts). Reads open envelopes transparently, so every reader (the pipelines, the
 * API, the `quarry` command) sees the plaintext; on disk there is only ciphertext.
 */
export class StorageRouter implements Storage {
  private readonly marks = new Map<string, { value: OutputEncryption | null; at: number }>();
  private ring?: EncryptionKeyring;
  constructor(
    private readonly file: Storage,
    private readonly s3: Storage,
    /** the payload codec's keyring, loaded the first time an envelope is sealed or opened */
    private readonly keyringOf: () => EncryptionKeyring = () => {
      throw new Error('no encryption keyring is configured for this storage');
    },
  ) {}
  private pick(uri: string): Storage {
    const scheme = schemeOf(uri);
    if (scheme === 'file') return this.file;
    if (scheme === 's3') return this.s3;
    throw validationError(
      `unsupported URI scheme '${scheme || uri.slice(0, 20)}': only file:// and s3:// are accepted`,
    );
  }
  private get keyring(): EncryptionKeyring {
    this.ring ??= this.keyringOf();
    return this.ring;
  }

  /**
   * What encrypting under `prefix` with `kmsKeyId` means here, or a ValidationException: on `file://` the id must
   * name a key of the keyring (its id, or an ARN/alias ending in it); on `s3://` it is passed to S3 as it is.
   */
  encryptionFor(prefix: string, kmsKeyId: string): OutputEncryption {
    this.check(prefix);
    if (schemeOf(prefix) !== 'file') return { kmsKeyId };
    let keyId: string | null;
    try {
      keyId = keyringKeyFor(kmsKeyId, this.keyring);
    } catch (e) {
      throw validationError(
        `encryptionConfiguration.kmsKeyId: no keyring to encrypt file:// outputs with (${(e as Error).message})`,
        'encryptionConfiguration.kmsKeyId',
      );
    }
    if (!keyId)
      throw validationError(
        `encryptionConfiguration.kmsKeyId: '${kmsKeyId}' is not a key id of Quarry's keyring (QUARRY_ENCRYPTION_KEYS / QUARRY_ENCRYPTION_KEY_FILE), which file:// outputs are encrypted with`,
        'encryptionConfiguration.kmsKeyId',
      );
    return { kmsKeyId, keyId };
  }

  /** Marks `prefix`: every object written below it from now on is encrypted (see the class comment). */
  async encryptUnder(prefix: string, kmsKeyId: string): Promise<OutputEncryption> {
    const value = this.encryptionFor(prefix, kmsKeyId);
    await this.pick(prefix).write(markerUri(prefix), `${JSON.stringify(value)}\n`, 'application/json');
    this.marks.set(prefix.replace(/\/+$/, ''), { value, at: Date.now() });
    return value;
  }

  /** The encryption of the nearest marked folder above `uri`, or null (looked up once per folder, then cached). */
  async encryptionOf(uri: string): Promise<OutputEncryption | null> {
    const scheme = schemeOf(uri);
    const rootLength = scheme === 's3' ? uri.indexOf('/', 's3://'.length) : 'file://'.length;
    let dir = uri.slice(0, uri.lastIndexOf('/'));
    const seen: string[] = [];
    let found: OutputEncryption | null = null;
    while (dir.length > rootLength) {
      const cached = this.marks.get(dir);
      if (cached && (cached.value || Date.now() - cached.at < NEGATIVE_TTL_MS)) {
        found = cached.value;
        break;
      }
      seen.push(dir);
      const marker = markerUri(dir);
      const there = await this.pick(marker)
        .stat(marker)
        .then(
          () => true,
          () => false,
        );
      if (there) {
        found = JSON.parse((await this.pick(marker).readBytes(marker, 4096)).toString('utf8')) as OutputEncryption;
        break;
      }
      dir = dir.slice(0, dir.lastIndexOf('/'));
    }
    if (this.marks.size > 10_000) this.marks.clear();
    for (const d of seen) this.marks.set(d, { value: found, at: Date.now() });
    return found;
  }

  /** the first bytes of a file:// object, to tell an envelope (null for s3://, which S3 decrypts itself) */
  private async head(uri: string): Promise<Buffer | null> {
    return schemeOf(uri) === 'file' ? this.file.readBytes(uri, ENVELOPE_HEADER_BYTES) : null;
  }
  private async opened(uri: string): Promise<Buffer> {
    return openEnvelope(await this.file.readBytes(uri), this.keyring);
  }

  check(uri: string) {
    this.pick(uri).check(uri);
  }
  exists(uri: string) {
    return this.pick(uri).exists(uri);
  }
  async stat(uri: string) {
    const s = await this.pick(uri).stat(uri);
    const head = await this.head(uri);
    return head && isEnvelope(head) ? { ...s, bytes: plaintextBytes(head, s.bytes) } : s;
  }
  async read(uri: string, range?: { start: number; end?: number }) {
    const head = await this.head(uri);
    if (!head || !isEnvelope(head)) return this.pick(uri).read(uri, range);
    const plain = await this.opened(uri);
    return Readable.from([range ? plain.subarray(range.start, range.end) : plain]);
  }
  async readBytes(uri: string, maxBytes?: number) {
    const head = await this.head(uri);
    if (!head || !isEnvelope(head)) return this.pick(uri).readBytes(uri, maxBytes);
    const plain = await this.opened(uri);
    return maxBytes === undefined ? plain : plain.subarray(0, maxBytes);
  }
  async write(
    uri: string,
    body: Parameters<Storage['write']>[1],
    contentType?: string,
    options?: WriteOptions,
  ): Promise<StoredObject> {
    const enc = isMarker(uri) ? null : await this.encryptionOf(uri);
    if (!enc) return this.pick(uri).write(uri, body, contentType, options);
    if (schemeOf(uri) === 's3') return this.s3.write(uri, body, contentType, { ...options, kmsKeyId: enc.kmsKeyId });
    return this.file.write(
      uri,
      sealEnvelope(await collect(body), enc.keyId as string, this.keyring),
      contentType,
      options,
    );
  }
  list(prefix: string) {
    return this.pick(prefix).list(prefix);
  }
  delete(uri: string) {
    return this.pick(uri).delete(uri);
  }
  async withLocalFile<T>(uri: string, fn: (path: string) => Promise<T>) {
    const head = await this.head(uri);
    if (!head || !isEnvelope(head)) return this.pick(uri).withLocalFile(uri, fn);
    // an encrypted output handed to a tool: its plaintext in a private temp file, removed afterwards
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-plain-'));
    try {
      const file = path.join(dir, path.basename(new URL(uri).pathname));
      await fs.writeFile(file, await this.opened(uri), { mode: 0o600 });
      return await fn(file);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
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
 * Envelopes are sealed and opened with the payload codec's keyring (loaded on first use).
 */
export function openStorage(
  config: QuarryConfig,
  granted: { roots: string[]; buckets: string[] } = { roots: [], buckets: [] },
): StorageRouter {
  const own = config.storage.allowedRoots.length ? config.storage.allowedRoots : [config.home];
  const roots = [...new Set([...own, ...granted.roots])];
  const buckets = [...new Set([...config.storage.allowedBuckets, ...granted.buckets])];
  const { s3, localCopiesMb } = config.storage;
  return new StorageRouter(new FileStorage(roots), new S3Storage(s3, buckets, localCopiesMb * 1024 * 1024), () =>
    loadEncryptionKeys(config),
  );
}
