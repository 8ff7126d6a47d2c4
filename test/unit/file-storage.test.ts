import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../engines/storage/file-storage.ts';
import { BdaError } from '../../schemas/errors.ts';

let tmp: string;
let root: string;
let outside: string;
let store: FileStorage;
const url = (p: string) => pathToFileURL(p).href;
const inRoot = (rel: string) => `${url(root)}/${rel}`;

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-fs-test-')));
  root = path.join(tmp, 'root');
  outside = path.join(tmp, 'outside');
  await fs.mkdir(path.join(root, 'in/sub'), { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  await fs.writeFile(path.join(outside, 'secret.txt'), 'top secret');
  await fs.writeFile(path.join(root, 'in/a.pdf'), 'pdf');
  await fs.writeFile(path.join(root, 'in/a-c.txt'), 'txt');
  await fs.writeFile(path.join(root, 'in/sub/z.wav'), 'wav!');
  await fs.writeFile(path.join(root, 'in/.s3_access_check'), '');
  await fs.mkdir(path.join(root, 'in/.cache'));
  await fs.writeFile(path.join(root, 'in/.cache/x.json'), '{}');
  await fs.writeFile(path.join(root, 'digits.txt'), '0123456789');
  await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-to-secret.txt'));
  await fs.symlink(outside, path.join(root, 'link-to-outside'));
  await fs.symlink(path.join(outside, 'not-yet'), path.join(root, 'dangling'));
  await fs.symlink(path.join(root, 'in'), path.join(tmp, 'root-alias'));
  store = new FileStorage([root]);
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<BdaError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(BdaError);
    expect((e as BdaError).type).toBe('ValidationException');
    return e as BdaError;
  }
  throw new Error('expected a ValidationException');
}
async function drain(r: Readable): Promise<string> {
  let s = '';
  for await (const c of r) s += c.toString();
  return s;
}
async function listed(prefix: string) {
  const out = [];
  for await (const o of store.list(prefix)) out.push(o);
  return out;
}

describe('FileStorage', () => {
  it('refuses .. segments, also percent-encoded', async () => {
    for (const u of [
      inRoot('in/../../outside/secret.txt'),
      inRoot('%2e%2e/outside/secret.txt'),
      inRoot('in/.%2E/.%2e/outside/secret.txt'),
      inRoot('..'),
    ])
      expect((await rejection(store.readBytes(u))).message).toMatch(/path traversal/);
    expect((await rejection(() => store.check(inRoot('in/%2E%2E/x')))).message).toMatch(/path traversal/);
    // a name containing dots is fine
    await store.write(inRoot('in/..hidden-not-really..txt'), 'ok');
    expect((await store.readBytes(inRoot('in/..hidden-not-really..txt'))).toString()).toBe('ok');
    await store.delete(inRoot('in/..hidden-not-really..txt'));
  });

  it('refuses symlink escapes for read, write, list and withLocalFile, including dangling links', async () => {
    expect((await rejection(store.readBytes(inRoot('link-to-secret.txt')))).message).toMatch(/symlink escape/);
    expect((await rejection(store.readBytes(inRoot('link-to-outside/secret.txt')))).message).toMatch(/symlink escape/);
    expect((await rejection(store.write(inRoot('link-to-outside/new.txt'), 'x'))).message).toMatch(/symlink escape/);
    expect((await rejection(listed(inRoot('link-to-outside')))).message).toMatch(/symlink escape/);
    expect((await rejection(store.withLocalFile(inRoot('link-to-secret.txt'), async () => 1))).message).toMatch(
      /symlink escape/,
    );
    expect((await rejection(store.write(inRoot('dangling'), 'x'))).message).toMatch(/dangling symbolic link/);
    expect((await rejection(store.write(inRoot('dangling/child.txt'), 'x'))).message).toMatch(/dangling symbolic link/);
    await expect(fs.stat(path.join(outside, 'not-yet'))).rejects.toThrow(); // nothing was created outside
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('refuses paths outside the roots, unknown schemes and malformed URIs', async () => {
    expect((await rejection(store.readBytes(url(path.join(outside, 'secret.txt'))))).message).toMatch(
      /outside the allowed storage roots/,
    );
    expect((await rejection(() => store.check(url(`${root}-sibling/x`)))).message).toMatch(/outside the allowed/);
    expect((await rejection(() => store.check('file:///etc/passwd'))).message).toMatch(/outside the allowed/);
    expect((await rejection(() => store.check('s3://bucket/key'))).message).toMatch(/unsupported URI scheme/);
    expect((await rejection(() => store.check('http://example.com/a.pdf'))).message).toMatch(/unsupported URI scheme/);
    expect((await rejection(() => store.check('/plain/path.pdf'))).message).toMatch(/unsupported URI scheme/);
    expect((await rejection(() => store.check('file://relative/path.pdf'))).message).toMatch(/malformed file URI/);
    expect((await rejection(() => store.check(inRoot('bad%zzescape')))).message).toMatch(/bad percent-encoding/);
    expect((await rejection(() => store.check(inRoot('a%00b')))).message).toMatch(/NUL/);
    expect((await rejection(() => store.check(inRoot('a/b%2Fc')))).message).toMatch(/malformed file URI/);
    expect((await rejection(() => store.check(inRoot('report#1.pdf')))).message).toMatch(/%23/);
    expect((await rejection(() => new FileStorage([]).check(inRoot('in/a.pdf')))).message).toMatch(
      /outside the allowed/,
    );
  });

  it('writes atomically: a hidden temp file, never listed, renamed into place; nothing left behind on failure', async () => {
    const target = inRoot('out/deep/result.json');
    let seenDuringWrite: string[] = [];
    async function* slow() {
      yield Buffer.from('{"a":');
      seenDuringWrite = (await fs.readdir(path.join(root, 'out/deep'))).slice();
      expect((await listed(inRoot('out'))).length).toBe(0); // the partial object is not visible
      expect(await store.exists(target)).toBe(false);
      yield '"é"}'; // string chunks count in bytes, not characters
    }
    const w = await store.write(target, Readable.from(slow()));
    expect(seenDuringWrite).toHaveLength(1);
    expect(seenDuringWrite[0]).toMatch(/^\.result\.json\.[0-9a-f]{8}-\d+-[0-9a-f-]{36}\.tmp$/);
    expect(w).toEqual({
      uri: target,
      bytes: Buffer.byteLength('{"a":"é"}'),
      sha256: createHash('sha256').update('{"a":"é"}').digest('hex'),
    });
    expect(await fs.readdir(path.join(root, 'out/deep'))).toEqual(['result.json']);

    async function* broken() {
      yield Buffer.from('partial');
      throw new Error('source failed');
    }
    await expect(store.write(target, Readable.from(broken()))).rejects.toThrow('source failed');
    expect(await fs.readdir(path.join(root, 'out/deep'))).toEqual(['result.json']); // temp removed, old object intact
    expect((await store.readBytes(target)).toString()).toBe('{"a":"é"}');
    expect((await rejection(store.write(inRoot('out'), 'x'))).message).toMatch(/is a directory/);
    expect((await rejection(store.write(url(root), 'x'))).message).toMatch(/is a directory/);
  });

  it('the first write into a folder removes the temp files of writers on this machine that died mid-write, only theirs', async () => {
    const dir = path.join(root, 'crashed/standard_output/0');
    await fs.mkdir(dir, { recursive: true });
    const { pid: deadPid } = spawnSync(process.execPath, ['-e', '']); // a process that has exited: a killed writer
    const name = (seen: string) => path.basename(seen);
    // the name this machine's writers use, taken from a real write in progress
    let live = '';
    async function* watch() {
      yield Buffer.from('{}');
      live = (await fs.readdir(path.join(root, 'crashed'))).find((n) => n.endsWith('.tmp')) ?? '';
    }
    await store.write(inRoot('crashed/probe.json'), Readable.from(watch()));
    const host = /^\.probe\.json\.([0-9a-f]{8})-\d+-/.exec(live)?.[1];
    expect(host).toBeTruthy();
    const uuid = '0b6ad0a4-7b3e-4d43-9a55-2f2c3c4a5b6c';
    const dead = `.result.json.${host}-${deadPid}-${uuid}.tmp`;
    const mine = `.result.json.${host}-${process.pid}-${uuid}.tmp`; // a writer still running
    const elsewhere = `.result.json.ffffffff-${deadPid}-${uuid}.tmp`; // another machine sharing the folder
    for (const n of [dead, mine, elsewhere]) await fs.writeFile(path.join(dir, n), 'partial');
    await store.write(inRoot('crashed/standard_output/0/result.json'), '{"done":true}');
    expect((await fs.readdir(dir)).map(name).sort()).toEqual([mine, elsewhere, 'result.json'].sort());
  });

  it('lists in lexical path order (like S3 keys), skipping hidden files, with the caller-facing URIs', async () => {
    const all = await listed(inRoot('in'));
    expect(all.map((o) => o.uri)).toEqual([inRoot('in/a-c.txt'), inRoot('in/a.pdf'), inRoot('in/sub/z.wav')]);
    expect(all.map((o) => o.bytes)).toEqual([3, 3, 4]);
    expect((await listed(inRoot('in/a.pdf'))).map((o) => o.uri)).toEqual([inRoot('in/a.pdf')]);
    expect(await listed(inRoot('missing'))).toEqual([]);
    // a root reached through a symlink: URIs stay inside the root as the caller spelled it
    const alias = new FileStorage([path.join(tmp, 'root-alias')]);
    const viaAlias = [];
    for await (const o of alias.list(`${url(path.join(tmp, 'root-alias'))}/`)) viaAlias.push(o.uri);
    expect(viaAlias[0]).toBe(`${url(path.join(tmp, 'root-alias'))}/a-c.txt`);
    for (const u of viaAlias) expect(() => alias.check(u)).not.toThrow();
  });

  it('reads ranges, including empty and past-the-end ones, and caps readBytes', async () => {
    const u = inRoot('digits.txt');
    expect(await drain(await store.read(u, { start: 2, end: 5 }))).toBe('234');
    expect(await drain(await store.read(u, { start: 7 }))).toBe('789');
    expect(await drain(await store.read(u, { start: 4, end: 4 }))).toBe('');
    expect(await drain(await store.read(u, { start: 50 }))).toBe('');
    expect((await rejection(store.read(u, { start: -1 }))).message).toMatch(/invalid byte range/);
    expect((await store.readBytes(u, 3)).toString()).toBe('012');
    expect((await store.readBytes(u, 1e12)).toString()).toBe('0123456789'); // no giant allocation
    expect((await store.readBytes(u, 0)).length).toBe(0);
  });

  it('reports missing files and directories clearly', async () => {
    expect((await rejection(store.readBytes(inRoot('nope.pdf')))).message).toMatch(/input object not found/);
    expect((await rejection(store.read(inRoot('nope.pdf')))).message).toMatch(/input object not found/);
    expect((await rejection(store.stat(inRoot('nope.pdf')))).message).toMatch(/input object not found/);
    expect((await rejection(store.withLocalFile(inRoot('nope.pdf'), async () => 1))).message).toMatch(/not found/);
    expect((await rejection(store.readBytes(inRoot('in')))).message).toMatch(/is a directory/);
    expect(await store.exists(inRoot('nope.pdf'))).toBe(false);
    expect(await store.exists(inRoot('digits.txt/child'))).toBe(false);
    expect(await store.exists(inRoot('in'))).toBe(true);
    expect(await store.withLocalFile(inRoot('digits.txt'), async (p) => fs.readFile(p, 'utf8'))).toBe('0123456789');
  });

  it('deletes recursively inside a root but never a root itself', async () => {
    await store.write(inRoot('tmp/x/y.txt'), 'y');
    await store.delete(inRoot('tmp'));
    expect(await store.exists(inRoot('tmp'))).toBe(false);
    expect((await rejection(store.delete(url(root)))).message).toMatch(/refusing to delete an allowed storage root/);
    expect(await store.exists(inRoot('digits.txt'))).toBe(true);
  });

  it('behaves like an object store on delete: folders emptied by it disappear, up to the root', async () => {
    await store.write(inRoot('pruned/0/.work/pages/0001.json'), '{}');
    await store.write(inRoot('pruned/0/.work/pages/0002.json'), '{}');
    await store.write(inRoot('pruned/0/result.json'), '{}');
    await store.delete(inRoot('pruned/0/.work/pages/0001.json'));
    expect(await store.exists(inRoot('pruned/0/.work/pages'))).toBe(true); // 0002 is still there
    await store.delete(inRoot('pruned/0/.work/pages/0002.json'));
    expect(await store.exists(inRoot('pruned/0/.work'))).toBe(false);
    expect(await store.exists(inRoot('pruned/0/result.json'))).toBe(true);
    await store.delete(inRoot('pruned/0/result.json'));
    expect(await store.exists(inRoot('pruned'))).toBe(false);
    expect(await fs.stat(root).then((s) => s.isDirectory())).toBe(true); // never the root
    // a write into a folder a delete just pruned makes it again
    await store.write(inRoot('pruned/0/again.json'), '{}');
    expect(await store.exists(inRoot('pruned/0/again.json'))).toBe(true);
    await store.delete(inRoot('pruned'));
  });
});
