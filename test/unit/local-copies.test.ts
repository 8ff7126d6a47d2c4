/**
 * The shared local copies of remote objects (s3:// page groups and audio chunks download an object once per
 * worker). The interleavings are forced, not timed: every reader is started in the same tick, before any of
 * them has reached its first await, and downloads wait on gates the test opens.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCopies } from '../../engines/storage/local-copies.ts';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-copies-test-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

/** A download that writes `body` and counts itself; `gate` (when given) holds it until opened. */
function downloader(body: (key: string) => string) {
  const counts = new Map<string, number>();
  const gates = new Map<string, () => void>();
  const held = new Map<string, Promise<void>>();
  return {
    counts,
    hold(key: string) {
      held.set(key, new Promise<void>((r) => gates.set(key, r)));
    },
    open(key: string) {
      gates.get(key)?.();
    },
    for(key: string) {
      return async (dest: string) => {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        await held.get(key);
        await fs.writeFile(dest, body(key));
      };
    },
  };
}

/** Every file under the cache's folders, relative to `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

describe('LocalCopies', () => {
  it('readers that arrive together, before the cache folder exists, share one download and one file', async () => {
    const copies = new LocalCopies(1024, { root: await fs.mkdtemp(path.join(root, 'cold-')) });
    const d = downloader(() => 'one recording');
    // five chunks of one recording: all five calls are made before the first reaches an await
    const paths = await Promise.all(
      Array.from({ length: 5 }, () => copies.use('s3://b/long.mp3#e1', 'long.mp3', 13, d.for('e1'), async (p) => p)),
    );
    expect(d.counts.get('e1')).toBe(1);
    expect(new Set(paths).size).toBe(1);
    expect(copies.entryFiles()).toEqual([paths[0]]);
  });

  it('readers that arrive together once the cache folder exists share one download too', async () => {
    const dir = await fs.mkdtemp(path.join(root, 'warm-'));
    const copies = new LocalCopies(1024, { root: dir });
    const d = downloader((k) => `content of ${k}`);
    await copies.use('s3://b/first.pdf#e1', 'first.pdf', 20, d.for('first'), async () => undefined);
    d.hold('second');
    const readers = Array.from({ length: 5 }, () =>
      copies.use('s3://b/second.pdf#e1', 'second.pdf', 21, d.for('second'), (p) => fs.readFile(p, 'utf8')),
    );
    d.open('second');
    expect(await Promise.all(readers)).toEqual(Array(5).fill('content of second'));
    expect(d.counts.get('second')).toBe(1);
    // no second copy was started and left behind: the folder holds exactly the entries' files
    expect(await filesUnder(dir)).toEqual(copies.entryFiles().sort());
  });

  it('a failed download is not cached and leaves no file; the next reader downloads again', async () => {
    const dir = await fs.mkdtemp(path.join(root, 'fail-'));
    const copies = new LocalCopies(1024, { root: dir });
    let attempts = 0;
    const failing = async (dest: string) => {
      attempts++;
      await fs.writeFile(dest, 'half');
      throw new Error('connection reset');
    };
    const readers = Array.from({ length: 3 }, () => copies.use('s3://b/x.wav#e1', 'x.wav', 4, failing, async () => 1));
    for (const r of await Promise.allSettled(readers)) expect(r.status).toBe('rejected');
    expect(attempts).toBe(1);
    expect(await filesUnder(dir)).toEqual([]);
    expect(
      await copies.use(
        's3://b/x.wav#e1',
        'x.wav',
        4,
        (p) => fs.writeFile(p, 'good'),
        (p) => fs.readFile(p, 'utf8'),
      ),
    ).toBe('good');
  });

  it('after a burst of concurrent readers of several objects and versions, every file on disk belongs to an entry', async () => {
    const dir = await fs.mkdtemp(path.join(root, 'burst-'));
    // room for about three copies: the burst keeps evicting while other readers arrive
    const copies = new LocalCopies(100, { root: dir });
    const d = downloader((k) => k.padEnd(30, '.'));
    const keys = ['a', 'b', 'c', 'd', 'e'].flatMap((o) => ['v1', 'v2'].map((v) => `${o}-${v}`));
    for (const k of keys) d.hold(k);
    const vanished: string[] = [];
    const readers: Promise<void>[] = [];
    for (let round = 0; round < 4; round++) {
      for (const k of keys) {
        readers.push(
          copies.use(`s3://b/${k.slice(0, 1)}.pdf#${k.slice(2)}`, `${k}.pdf`, 30, d.for(k), async (p) => {
            // a copy in use is never removed under its reader
            if ((await fs.readFile(p, 'utf8').catch(() => null)) !== k.padEnd(30, '.')) vanished.push(p);
          }),
        );
      }
      // open half the gates between rounds: some readers join a download in flight, others a finished copy
      for (const k of keys.slice(round % 2, keys.length).filter((_, i) => i % 2 === 0)) d.open(k);
      await Promise.resolve();
    }
    for (const k of keys) d.open(k);
    await Promise.all(readers);
    expect(vanished).toEqual([]);
    expect(await filesUnder(dir)).toEqual(copies.entryFiles().sort());
    expect(copies.heldBytes).toBeLessThanOrEqual(100);
    for (const f of copies.entryFiles()) expect(existsSync(f)).toBe(true);
  });
});
