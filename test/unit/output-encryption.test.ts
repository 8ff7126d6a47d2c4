/**
 * The storage router's encryption at rest on `file://`, with a real folder: below a folder marked by `encryptUnder`
 * every write is an envelope on disk, and every way of reading (bytes, a byte range, a stream, stat, a local file
 * for a tool, JSON) gives the plaintext; outside it nothing changes; the marker is hidden from listings.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileStorage } from '../../engines/storage/file-storage.ts';
import { StorageRouter } from '../../engines/storage/open-storage.ts';
import { S3Storage } from '../../engines/storage/s3-storage.ts';

describe('StorageRouter encryption at rest (file://)', () => {
  it('seals every write below a marked folder and opens it on every read', async () => {
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-enc-unit-')));
    const keyring = { currentKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) };
    const storage = new StorageRouter(
      new FileStorage([root]),
      new S3Storage({ region: 'us-east-1', forcePathStyle: false }, [], 0),
      () => keyring,
    );
    const base = pathToFileURL(root).href;
    expect(() => storage.encryptionFor(`${base}/job`, 'nope')).toThrow(/not a key id of Quarry's keyring/);
    await storage.encryptUnder(`${base}/job`, 'alias/k1');
    const body = Buffer.from('{"total":"38.50 EUR","iban":"DE89370400440532013000"}');
    await storage.write(`${base}/job/0/standard_output/0/result.json`, body, 'application/json');
    await storage.writeJson(`${base}/plain/result.json`, { total: '38.50 EUR' });

    const onDisk = await fs.readFile(path.join(root, 'job/0/standard_output/0/result.json'));
    expect(onDisk.subarray(0, 8).toString()).toBe('QRYENC1\n');
    expect(onDisk.includes(Buffer.from('38.50'))).toBe(false);
    expect((await fs.readFile(path.join(root, 'plain/result.json'), 'utf8')).includes('38.50')).toBe(true);

    const uri = `${base}/job/0/standard_output/0/result.json`;
    expect(await storage.readBytes(uri)).toEqual(body);
    expect(await storage.readBytes(uri, 10)).toEqual(body.subarray(0, 10));
    expect((await storage.stat(uri)).bytes).toBe(body.length);
    const chunks: Buffer[] = [];
    for await (const c of await storage.read(uri, { start: 2, end: 7 })) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(body.subarray(2, 7).toString());
    expect(await storage.withLocalFile(uri, (p) => fs.readFile(p))).toEqual(body);
    expect(await storage.readJson(uri)).toMatchObject({ total: '38.50 EUR' });

    const listed: string[] = [];
    for await (const o of storage.list(`${base}/job`)) listed.push(o.uri);
    expect(listed).toEqual([uri]); // .quarry/encryption.json is hidden

    // another process (a fresh router) finds the marker on its own
    const other = new StorageRouter(
      new FileStorage([root]),
      new S3Storage({ region: 'us-east-1', forcePathStyle: false }, [], 0),
      () => keyring,
    );
    await other.write(`${base}/job/1/x.json`, '{"a":1}');
    expect((await fs.readFile(path.join(root, 'job/1/x.json'))).subarray(0, 7).toString()).toBe('QRYENC1');
    expect((await other.readBytes(`${base}/job/1/x.json`)).toString()).toBe('{"a":1}');
    await fs.rm(root, { recursive: true, force: true });
  });
});
