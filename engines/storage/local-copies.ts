/**
 * Local copies of remote objects, shared within one worker process. Tools (poppler, ffmpeg, whisper) need a
 * file on disk; without a cache every page group of a large PDF and every chunk of a long recording would
 * download the whole object again (a 2 GB recording in 80 chunks = 160 GB of transfer). A copy is keyed by the
 * object's identity (URI + ETag, so a changed object is fetched again), downloaded once while several
 * activities wait for it, kept while any of them uses it, and evicted least-recently-used when the cache
 * grows past its size limit. Hand-written: no maintained npm package does ref-counted, size-bounded file
 * caching for child-process tools (lru-cache holds values in memory, not files in use).
 */
import { rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Entry {
  path: string;
  bytes: number;
  users: number;
  lastUsed: number;
  ready: Promise<void>;
}

export class LocalCopies {
  private readonly entries = new Map<string, Entry>();
  private dir?: Promise<string>;
  private seq = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes held on disk now. */
  get heldBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.bytes;
    return n;
  }

  /**
   * Runs `fn` with a local path holding the object `key` (`bytes` long), downloading it with `download` the
   * first time. The file is read-only to `fn` (shared): write elsewhere.
   */
  async use<T>(
    key: string,
    name: string,
    bytes: number,
    download: (dest: string) => Promise<void>,
    fn: (file: string) => Promise<T>,
  ): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      const dir = await this.directory();
      const file = path.join(dir, String(++this.seq), name);
      const e: Entry = { path: file, bytes, users: 0, lastUsed: Date.now(), ready: Promise.resolve() };
      e.ready = (async () => {
        await fs.mkdir(path.dirname(file), { recursive: true });
        const part = `${file}.part`;
        await download(part);
        await fs.rename(part, file);
      })();
      this.entries.set(key, e);
      entry = e;
      entry.ready.catch(() => {
        // a failed download is not cached: the next caller tries again
        if (this.entries.get(key) === e) this.entries.delete(key);
        void fs.rm(path.dirname(file), { recursive: true, force: true });
      });
    }
    entry.users++;
    try {
      await entry.ready;
      return await fn(entry.path);
    } finally {
      entry.users--;
      entry.lastUsed = Date.now();
      await this.evict();
    }
  }

  /** Removes unused copies, oldest use first, until the cache fits its limit. */
  private async evict(): Promise<void> {
    const idle = [...this.entries.entries()].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, e] of idle) {
      if (this.heldBytes <= this.maxBytes) return;
      this.entries.delete(key);
      await fs.rm(path.dirname(e.path), { recursive: true, force: true });
    }
  }

  private directory(): Promise<string> {
    this.dir ??= fs.mkdtemp(path.join(os.tmpdir(), 'quarry-copies-')).then((d) => {
      // the process's copies go with it
      process.once('exit', () => rmSync(d, { recursive: true, force: true }));
      return d;
    });
    return this.dir;
  }
}
