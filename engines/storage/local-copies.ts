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

  constructor(
    readonly maxBytes: number,
    private readonly opts: { root?: string } = {},
  ) {}

  /** The local files of the copies held now (downloaded or downloading). */
  entryFiles(): string[] {
    return [...this.entries.values()].map((e) => e.path);
  }

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
    // the entry is in the map before the first await: a reader arriving while this one sets up joins it
    // instead of starting a second download (whose file nothing would ever evict)
    const entry = this.entries.get(key) ?? this.add(key, name, bytes, download);
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

  private add(key: string, name: string, bytes: number, download: (dest: string) => Promise<void>): Entry {
    const seq = String(++this.seq);
    const e: Entry = { path: '', bytes, users: 0, lastUsed: Date.now(), ready: Promise.resolve() };
    e.ready = (async () => {
      const folder = path.join(await this.directory(), seq);
      e.path = path.join(folder, name);
      try {
        await fs.mkdir(folder, { recursive: true });
        const part = `${e.path}.part`;
        await download(part);
        await fs.rename(part, e.path);
      } catch (err) {
        // a failed download is not cached (the next reader tries again) and leaves no file
        if (this.entries.get(key) === e) this.entries.delete(key);
        await fs.rm(folder, { recursive: true, force: true });
        throw err;
      }
    })();
    this.entries.set(key, e);
    return e;
  }

  /**
   * Removes unused copies, oldest use first, until the cache fits its limit. The victims are chosen and taken
   * out of the map in one synchronous step, so a reader arriving while their files are removed never gets one.
   */
  private async evict(): Promise<void> {
    const idle = [...this.entries.entries()].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let held = this.heldBytes;
    const victims: Entry[] = [];
    for (const [key, e] of idle) {
      if (held <= this.maxBytes) break;
      this.entries.delete(key);
      held -= e.bytes;
      victims.push(e);
    }
    await Promise.all(victims.map((e) => fs.rm(path.dirname(e.path), { recursive: true, force: true })));
  }

  private directory(): Promise<string> {
    this.dir ??= fs.mkdtemp(path.join(this.opts.root ?? os.tmpdir(), 'quarry-copies-')).then((d) => {
      // the process's copies go with it
      process.once('exit', () => rmSync(d, { recursive: true, force: true }));
      return d;
    });
    return this.dir;
  }
}
