import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../engines/storage/file-storage.ts';
import { StorageRouter } from '../../engines/storage/open-storage.ts';
import { parseS3Uri, S3Storage } from '../../engines/storage/s3-storage.ts';
import { BdaError } from '../../schemas/errors.ts';
import { type S3TestServer, startS3Server } from '../helpers/s3-server.ts';

let server: S3TestServer;
let s3: S3Storage;

beforeAll(async () => {
  server = await startS3Server({ buckets: ['inbox', 'outbox', 'forbidden'] });
  s3 = new S3Storage({ endpoint: server.endpoint, region: server.region, forcePathStyle: true }, ['inbox', 'outbox']);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const put = (key: string, body: string, Bucket = 'inbox') =>
  server.client.send(new PutObjectCommand({ Bucket, Key: key, Body: Buffer.from(body) }));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
async function rejection(p: Promise<unknown> | (() => unknown)): Promise<BdaError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(BdaError);
    return e as BdaError;
  }
  throw new Error('expected a rejection');
}

describe('S3Storage against a real S3 server (moto)', () => {
  it('writes, stats, reads and deletes an object, returning size and sha256', async () => {
    const body = 'héllo, quarry\n';
    const w = await s3.write('s3://outbox/a/b/hello.txt', body, 'text/plain');
    expect(w).toEqual({ uri: 's3://outbox/a/b/hello.txt', bytes: Buffer.byteLength(body), sha256: sha(body) });
    expect(await s3.exists('s3://outbox/a/b/hello.txt')).toBe(true);
    expect(await s3.exists('s3://outbox/a/b')).toBe(true); // a prefix with objects under it
    expect(await s3.exists('s3://outbox/a/nope.txt')).toBe(false);
    expect(await s3.stat('s3://outbox/a/b/hello.txt')).toEqual({
      uri: 's3://outbox/a/b/hello.txt',
      bytes: Buffer.byteLength(body),
    });
    expect((await s3.readBytes('s3://outbox/a/b/hello.txt')).toString()).toBe(body);
    expect((await s3.readBytes('s3://outbox/a/b/hello.txt', 5)).toString()).toBe('héll'.slice(0, 4)); // 5 bytes = h é(2) l l
    expect(await s3.readBytes('s3://outbox/a/b/hello.txt', 0)).toEqual(Buffer.alloc(0));
    await s3.delete('s3://outbox/a');
    expect(await s3.exists('s3://outbox/a/b/hello.txt')).toBe(false);
  });

  it('reads byte ranges (inclusive start, exclusive end)', async () => {
    await s3.write('s3://inbox/range/digits.txt', '0123456789');
    const r = (range: { start: number; end?: number }) => s3.read('s3://inbox/range/digits.txt', range).then(drain);
    expect((await r({ start: 2, end: 5 })).toString()).toBe('234');
    expect((await r({ start: 7 })).toString()).toBe('789');
    expect((await r({ start: 0, end: 100 })).toString()).toBe('0123456789');
    expect((await r({ start: 4, end: 4 })).length).toBe(0);
    expect((await r({ start: 50 })).length).toBe(0); // past the end: nothing, like a file
    expect((await rejection(r({ start: -1 }))).message).toMatch(/invalid byte range/);
  });

  it('streams a multi-MB object both ways (multipart upload) with the right sha256', async () => {
    const size = 20 * 1024 * 1024 + 123; // 3 parts of 8 MB
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
    const expected = createHash('sha256');
    async function* gen() {
      let left = size;
      while (left > 0) {
        const c = chunk.subarray(0, Math.min(left, chunk.length));
        expected.update(c);
        left -= c.length;
        yield c;
      }
    }
    const w = await s3.write('s3://outbox/big/blob.bin', Readable.from(gen()), 'application/octet-stream');
    expect(w.bytes).toBe(size);
    expect(w.sha256).toBe(expected.digest('hex'));
    const got = createHash('sha256');
    let n = 0;
    for await (const c of await s3.read('s3://outbox/big/blob.bin')) {
      got.update(c);
      n += c.length;
    }
    expect(n).toBe(size);
    expect(got.digest('hex')).toBe(w.sha256);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: 'outbox', Key: 'big/blob.bin' }));
    expect(head.ETag).toMatch(/-3"$/); // really a 3-part multipart upload
    const tail = await drain(await s3.read('s3://outbox/big/blob.bin', { start: size - 10 }));
    expect(tail.length).toBe(10);
    await s3.delete('s3://outbox/big/blob.bin');
  }, 120_000);

  it('leaves nothing behind when the source stream fails mid-upload (small and multipart)', async () => {
    for (const [key, size] of [
      ['broken/small.bin', 1000],
      ['broken/large.bin', 9 * 1024 * 1024],
    ] as const) {
      async function* broken() {
        yield Buffer.alloc(size, 1);
        throw new Error('source failed');
      }
      await expect(s3.write(`s3://outbox/${key}`, Readable.from(broken()))).rejects.toThrow('source failed');
      expect(await s3.exists(`s3://outbox/${key}`)).toBe(false);
    }
  });

  it('lists every object under a prefix in lexical order, skipping hidden names and folder markers', async () => {
    for (const k of [
      'in/b.pdf',
      'in/a.png',
      'in/sub/z.wav',
      'in/a-c.txt',
      'in/.s3_access_check',
      'in/.cache/x.json',
      'in2/other.pdf',
    ])
      await put(k, `content of ${k}`);
    await put('in/empty-folder/', '');
    const listed = [];
    for await (const o of s3.list('s3://inbox/in')) listed.push(o);
    expect(listed.map((o) => o.uri)).toEqual([
      's3://inbox/in/a-c.txt',
      's3://inbox/in/a.png',
      's3://inbox/in/b.pdf',
      's3://inbox/in/sub/z.wav',
    ]);
    expect(listed[0].bytes).toBe('content of in/a-c.txt'.length);
    const same = [];
    for await (const o of s3.list('s3://inbox/in/')) same.push(o.uri);
    expect(same).toEqual(listed.map((o) => o.uri));
    const one = [];
    for await (const o of s3.list('s3://inbox/in/b.pdf')) one.push(o.uri);
    expect(one).toEqual(['s3://inbox/in/b.pdf']);
    const none = [];
    for await (const o of s3.list('s3://inbox/nothing-here')) none.push(o);
    expect(none).toEqual([]);
  });

  it('lists past the 1,000 keys of one ListObjectsV2 page (continuation tokens), each object once', async () => {
    const keys = Array.from({ length: 1203 }, (_, i) => `many/${String(i).padStart(5, '0')}.pdf`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => put(k, 'x')));
    const listed: string[] = [];
    for await (const o of s3.list('s3://inbox/many')) listed.push(o.uri);
    expect(listed).toHaveLength(1203);
    expect(new Set(listed).size).toBe(1203);
    expect(listed).toEqual(keys.map((k) => `s3://inbox/${k}`));
  }, 120_000);

  it('withLocalFile of an object over the local-copy limit downloads to a temp file with the same name and removes it afterwards, also on error', async () => {
    const s3 = new S3Storage({ endpoint: server.endpoint, region: server.region, forcePathStyle: true }, ['inbox'], 0);
    await s3.write('s3://inbox/media/clip.wav', 'RIFF....WAVE');
    let seen = '';
    const out = await s3.withLocalFile('s3://inbox/media/clip.wav', async (p) => {
      seen = p;
      expect(p.endsWith('/clip.wav')).toBe(true);
      expect(await fs.readFile(p, 'utf8')).toBe('RIFF....WAVE');
      return 42;
    });
    expect(out).toBe(42);
    expect(existsSync(seen)).toBe(false);
    await expect(
      s3.withLocalFile('s3://inbox/media/clip.wav', async (p) => {
        seen = p;
        throw new Error('tool failed');
      }),
    ).rejects.toThrow('tool failed');
    expect(existsSync(seen)).toBe(false);
    expect((await rejection(s3.withLocalFile('s3://inbox/media/missing.wav', async () => 1))).message).toMatch(
      /not found/,
    );
  });

  it('shares one local copy per object version between activities, and evicts the least recently used', async () => {
    const s3 = new S3Storage({ endpoint: server.endpoint, region: server.region, forcePathStyle: true }, ['inbox'], 40);
    await s3.write('s3://inbox/copies/long.mp3', 'first version, 25 bytes..');
    // five chunks of one recording at once: one download, one file
    const paths = await Promise.all(
      Array.from({ length: 5 }, () => s3.withLocalFile('s3://inbox/copies/long.mp3', async (p) => p)),
    );
    expect(new Set(paths).size).toBe(1);
    expect(paths[0].endsWith('/long.mp3')).toBe(true);
    expect(existsSync(paths[0])).toBe(true); // kept for the next activity
    expect(await s3.withLocalFile('s3://inbox/copies/long.mp3', async (p) => p)).toBe(paths[0]);
    // a new version of the object is a new copy (its ETag changed); the old one is evicted past the limit
    await s3.write('s3://inbox/copies/long.mp3', 'second version, 26 bytes..');
    const [p2, text] = await s3.withLocalFile('s3://inbox/copies/long.mp3', async (p) => [p, await fs.readFile(p, 'utf8')]);
    expect(text).toBe('second version, 26 bytes..');
    expect(p2).not.toBe(paths[0]);
    expect(existsSync(paths[0])).toBe(false);
    expect(existsSync(p2)).toBe(true);
    // a copy in use is never evicted, even past the limit
    await s3.write('s3://inbox/copies/other.wav', 'another object of 27 bytes.');
    await s3.withLocalFile('s3://inbox/copies/long.mp3', async (inUse) => {
      await s3.withLocalFile('s3://inbox/copies/other.wav', async () => undefined);
      expect(existsSync(inUse)).toBe(true);
    });
  });

  it('reports a missing object as a ValidationException', async () => {
    const e = await rejection(s3.stat('s3://inbox/missing/file.pdf'));
    expect(e.type).toBe('ValidationException');
    expect(e.message).toMatch(/input object not found/);
    expect((await rejection(s3.readBytes('s3://inbox/missing/file.pdf'))).message).toMatch(/not found/);
    expect((await rejection(s3.read('s3://inbox/missing/file.pdf'))).message).toMatch(/not found/);
  });

  it('refuses buckets outside the allow-list, other schemes, malformed URIs and traversal', async () => {
    await put('secret.txt', 'top secret', 'forbidden');
    expect((await rejection(s3.readBytes('s3://forbidden/secret.txt'))).message).toMatch(
      /bucket 'forbidden' is not in the allowed buckets/,
    );
    expect((await rejection(() => s3.check('s3://forbidden/secret.txt'))).type).toBe('ValidationException');
    const none = new S3Storage({ endpoint: server.endpoint, region: server.region, forcePathStyle: true }, []);
    expect((await rejection(() => none.check('s3://inbox/a.pdf'))).message).toMatch(
      /no S3 bucket is allowed.*QUARRY_ALLOWED_BUCKETS/,
    );
    expect((await rejection(() => s3.check('file:///etc/passwd'))).message).toMatch(/unsupported URI scheme/);
    expect((await rejection(() => s3.check('https://inbox.s3.amazonaws.com/a'))).message).toMatch(
      /unsupported URI scheme/,
    );
    expect((await rejection(() => s3.check('s3://'))).message).toMatch(/no bucket/);
    expect((await rejection(() => s3.check('s3:///key.pdf'))).message).toMatch(/no bucket/);
    expect((await rejection(() => s3.check('s3://In_Box/a.pdf'))).message).toMatch(/not a valid bucket name/);
    expect((await rejection(() => s3.check('s3://inbox/a/../../outbox/x'))).message).toMatch(/path traversal/);
    expect((await rejection(() => s3.check('s3://inbox/..'))).message).toMatch(/path traversal/);
    expect((await rejection(s3.write('s3://inbox/a/../b.txt', 'x'))).message).toMatch(/path traversal/);
    expect((await rejection(s3.write('s3://inbox/dir/', 'x'))).message).toMatch(/not an object/);
    expect((await rejection(s3.delete('s3://inbox'))).message).toMatch(/whole bucket/);
    expect((await rejection(() => s3.check('s3://inbox/a\u0000b'))).message).toMatch(/control characters/);
    // '..' inside a name is a legal key, not traversal
    expect(parseS3Uri('s3://inbox/a..b/c..')).toEqual({ bucket: 'inbox', key: 'a..b/c..' });
  });

  it('works behind the StorageRouter (readJson / writeJson)', async () => {
    const router = new StorageRouter(new FileStorage([]), s3);
    await router.writeJson('s3://outbox/job/job_metadata.json', { job_id: 'j1', n: 2 });
    expect(await router.readJson('s3://outbox/job/job_metadata.json')).toEqual({ job_id: 'j1', n: 2 });
  });
});
