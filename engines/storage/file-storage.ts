import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validationError } from '../../schemas/errors.ts';
import type { Storage, StoredObject } from './storage.ts';

/**
 * `file://` storage confined to allowed roots. Paths are resolved (including symlinks) before the
 * check, so neither `..` nor a symlink can reach outside a root.
 */
export class FileStorage implements Storage {
  private readonly roots: string[];
  private readonly swept = new Set<string>();
  constructor(roots: string[]) {
    this.roots = roots.map((r) => path.resolve(r));
  }

  private lexicalPath(uri: string): string {
    if (typeof uri !== 'string' || !uri.startsWith('file://'))
      throw validationError(`unsupported URI scheme in '${short(String(uri))}': expected file://`);
    const raw = uri.slice('file://'.length);
    if (/[?#]/.test(raw))
      throw validationError(
        `malformed file URI '${short(uri)}': percent-encode '?' as %3F and '#' as %23 in file names`,
      );
    let segments: string[];
    try {
      segments = raw.split('/').map((s) => decodeURIComponent(s));
    } catch {
      throw validationError(`malformed file URI '${short(uri)}': bad percent-encoding`);
    }
    // '..' also when percent-encoded ('%2e%2e', '.%2e'): URL parsing would silently fold those away
    if (segments.includes('..')) throw validationError(`path traversal ('..') is not allowed in '${short(uri)}'`);
    if (segments.some((s) => s.includes('\0')))
      throw validationError(`malformed file URI '${short(uri)}': NUL byte in path`);
    let p: string;
    try {
      p = fileURLToPath(uri);
    } catch {
      throw validationError(`malformed file URI '${short(uri)}': use file:///absolute/path`);
    }
    return path.resolve(p);
  }

  private inRoots(p: string, roots = this.roots): boolean {
    return roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  }

  check(uri: string): void {
    const p = this.lexicalPath(uri);
    if (!this.inRoots(p)) throw validationError(`'${short(uri)}' is outside the allowed storage roots`);
  }

  /** The real path: symlinks resolved for the part that exists, then checked against the roots. */
  private async safePath(uri: string): Promise<string> {
    const p = this.lexicalPath(uri);
    if (!this.inRoots(p)) throw validationError(`'${short(uri)}' is outside the allowed storage roots`);
    const realRoots = await Promise.all(this.roots.map((r) => fs.realpath(r).catch(() => r)));
    let existing = p;
    const rest: string[] = [];
    for (;;) {
      let real: string;
      try {
        real = await fs.realpath(existing);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ELOOP')
          throw validationError(`'${short(uri)}' goes through a loop of symbolic links`);
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
        // a dangling symlink also reports ENOENT: writing through it would create its target, wherever that is
        const link = await fs.lstat(existing).catch(() => null);
        if (link?.isSymbolicLink())
          throw validationError(`'${short(uri)}' goes through a dangling symbolic link; refusing to follow it`);
        const parent = path.dirname(existing);
        if (parent === existing) throw validationError(`'${short(uri)}' is outside the allowed storage roots`);
        rest.push(path.basename(existing));
        existing = parent;
        continue;
      }
      const full = path.join(real, ...rest.reverse());
      if (!this.inRoots(full, realRoots))
        throw validationError(`'${short(uri)}' resolves outside the allowed storage roots (symlink escape)`);
      return full;
    }
  }

  /** The real path of an existing regular file, or a clear error. */
  private async filePath(uri: string): Promise<{ path: string; size: number }> {
    const p = await this.safePath(uri);
    const s = await fs.stat(p).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw notFound(uri);
      throw e;
    });
    if (s.isDirectory()) throw validationError(`'${short(uri)}' is a directory, not a file`);
    if (!s.isFile()) throw notRegularFile(uri);
    return { path: p, size: s.size };
  }

  async exists(uri: string): Promise<boolean> {
    try {
      await fs.stat(await this.safePath(uri));
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw e;
    }
  }

  async stat(uri: string): Promise<StoredObject> {
    const { size } = await this.filePath(uri);
    return { uri, bytes: size };
  }

  async read(uri: string, range?: { start: number; end?: number }): Promise<Readable> {
    if (
      range &&
      (!Number.isInteger(range.start) || range.start < 0 || (range.end !== undefined && !Number.isInteger(range.end)))
    )
      throw validationError(`invalid byte range ${JSON.stringify(range)}: start and end must be non-negative integers`);
    const { path: p } = await this.filePath(uri);
    if (range?.end !== undefined && range.end <= range.start) return Readable.from([]);
    return createReadStream(
      p,
      range ? { start: range.start, end: range.end === undefined ? undefined : range.end - 1 } : {},
    );
  }

  async readBytes(uri: string, maxBytes?: number): Promise<Buffer> {
    if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 0))
      throw validationError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    const { path: p } = await this.filePath(uri);
    const fh = await fs.open(p, 'r');
    try {
      if (maxBytes === undefined) return await fh.readFile();
      // never allocate more than the file holds (maxBytes may be a generous cap)
      const size = (await fh.stat()).size;
      const buf = Buffer.alloc(Math.min(maxBytes, size));
      let off = 0;
      while (off < buf.length) {
        const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.subarray(0, off);
    } finally {
      await fh.close();
    }
  }

  async write(uri: string, body: Buffer | string | Readable, _contentType?: string): Promise<StoredObject> {
    const p = await this.safePath(uri);
    if (this.roots.includes(p) || (await fs.stat(p).catch(() => null))?.isDirectory())
      throw validationError(`cannot write '${short(uri)}': it is a directory`);
    // hidden temp name in the same directory: list() never shows it, rename() makes the write atomic
    const tmp = path.join(path.dirname(p), `.${path.basename(p)}.${WRITER}-${randomUUID()}.tmp`);
    const hash = createHash('sha256');
    let bytes = 0;
    const src = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    const fh = await this.createFile(tmp);
    try {
      try {
        await pipeline(src, async (chunks: AsyncIterable<Buffer | string>) => {
          for await (const chunk of chunks) {
            const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
            hash.update(c);
            bytes += c.length;
            await fh.write(c);
          }
        });
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, p);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await this.sweepDeadWriters(path.dirname(p));
    return { uri, bytes, sha256: hash.digest('hex') };
  }

  /**
   * Removes the temp files that writers on this machine left when they died mid-write (kill -9, OOM): the retry
   * of their activity writes into the same folder, so its first write there clears them and the output location
   * holds only outputs. A temp file names its writer (host hash and pid); a live writer's file is never touched,
   * nor one from another machine sharing the folder. Each folder is swept once per process.
   */
  private async sweepDeadWriters(dir: string): Promise<void> {
    if (this.swept.has(dir)) return;
    if (this.swept.size > 10_000) this.swept.clear();
    this.swept.add(dir);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const m = TEMP_NAME.exec(name);
      if (!m || m[1] !== HOST || alive(Number(m[2]))) continue;
      await fs.rm(path.join(dir, name), { force: true });
    }
  }

  /**
   * Every file under a prefix in lexical order of its path (the same order S3 lists keys in), skipping
   * hidden names and not following symlinks below the prefix. URIs keep the caller's spelling of the
   * prefix even when a root is reached through a symlink.
   */
  async *list(prefix: string): AsyncIterable<StoredObject> {
    const lexical = this.lexicalPath(prefix);
    const p = await this.safePath(prefix);
    const s = await fs.stat(p).catch(() => null);
    if (!s) return;
    if (s.isFile()) {
      yield { uri: prefix, bytes: s.size };
      return;
    }
    if (!s.isDirectory()) throw notRegularFile(prefix);
    yield* this.walk(p, lexical);
  }

  private async *walk(dir: string, shownDir: string): AsyncIterable<StoredObject> {
    // a directory sorts as 'name/', so 'a-c' comes before 'a/b' exactly as in a flat key listing
    const key = (e: { name: string; isDirectory(): boolean }) => Buffer.from(e.isDirectory() ? `${e.name}/` : e.name);
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => Buffer.compare(key(a), key(b)));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // hidden files (e.g. .s3_access_check, editor droppings) are not assets
      const full = path.join(dir, e.name);
      const shown = path.join(shownDir, e.name);
      if (e.isDirectory()) yield* this.walk(full, shown);
      else if (e.isFile()) {
        const st = await fs.stat(full).catch(() => null); // may vanish while we list
        if (st) yield { uri: pathToFileURL(shown).href, bytes: st.size };
      }
    }
  }

  async delete(uri: string): Promise<void> {
    const p = await this.safePath(uri);
    const realRoots = await Promise.all(this.roots.map((r) => fs.realpath(r).catch(() => r)));
    if (realRoots.includes(p) || this.roots.includes(p))
      throw validationError(`refusing to delete an allowed storage root: '${short(uri)}'`);
    await fs.rm(p, { force: true, recursive: true });
    await this.pruneEmptyParents(p, realRoots);
  }

  /** Creates a new file and its folders; a folder pruned by a concurrent delete in between is made again. */
  private async createFile(file: string) {
    for (let attempt = 0; ; attempt++) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      try {
        return await fs.open(file, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw e;
      }
    }
  }

  /**
   * Object-store semantics: a "folder" exists only while something is in it. After a delete, remove the
   * parent directories the delete left empty, up to (never including) the storage root, so work areas and
   * scratch folders leave nothing behind in the output location.
   */
  private async pruneEmptyParents(p: string, realRoots: string[]): Promise<void> {
    const roots = new Set([...realRoots, ...this.roots]);
    for (let dir = path.dirname(p); !roots.has(dir) && dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (![...roots].some((r) => dir.startsWith(r + path.sep))) return;
      try {
        await fs.rmdir(dir); // fails unless empty
      } catch {
        return;
      }
    }
  }

  async withLocalFile<T>(uri: string, fn: (path: string) => Promise<T>): Promise<T> {
    const { path: p } = await this.filePath(uri);
    return fn(p);
  }
}

/** This writer in temp file names: a hash of the host name and the pid. */
const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const WRITER = `${HOST}-${process.pid}`;
const TEMP_NAME = /^\..+\.([0-9a-f]{8})-(\d+)-[0-9a-f-]{36}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const short = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
/** a named pipe or a device never ends (or blocks forever on open): only regular files are inputs */
const notRegularFile = (uri: string) => validationError(`'${short(uri)}' is not a regular file (a named pipe, socket or device)`);
const notFound = (uri: string) => validationError(`input object not found: '${short(uri)}'`);
