import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodecServer } from '../../codecs/codec-server.ts';
import { CompressionCodec, GZIP_ENCODING } from '../../codecs/compression-codec.ts';
import { createDataConverter } from '../../codecs/data-converter.ts';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../codecs/encryption-codec.ts';
import { loadEncryptionKeys } from '../../codecs/encryption-keys.ts';
import { payloadFromJson, payloadToJson } from '../../codecs/payload-json.ts';
import { loadConfig } from '../../schemas/config.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const text = (b?: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

async function encode(codecs: PayloadCodec[], payloads: Payload[]) {
  for (const c of codecs) payloads = await c.encode(payloads);
  return payloads;
}
async function decode(codecs: PayloadCodec[], payloads: Payload[]) {
  for (const c of [...codecs].reverse()) payloads = await c.decode(payloads);
  return payloads;
}
const codecsFor = (env: NodeJS.ProcessEnv) => createDataConverter(loadConfig(env)).payloadCodecs;
const keysFor = (env: NodeJS.ProcessEnv) => loadEncryptionKeys(loadConfig(env));

const big = {
  jobId: 'job-1',
  pages: Array.from({ length: 200 }, (_, i) => ({ page: i, text: `the quick brown fox ${i} jumps over the lazy dog` })),
};
const values = [big, 'small secret string', 42, null, { nested: { a: [1, 2, 3] } }];

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-codecs-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('compression + encryption codecs', () => {
  it('round-trips values; every payload is encrypted with the current key id and hides its plaintext', async () => {
    const codecs = codecsFor({ QUARRY_ENCRYPTION_KEYS: `k1:${k1}` });
    const plain = values.map((v) => defaultPayloadConverter.toPayload(v));
    const wire = await encode(codecs, plain);
    for (const p of wire) {
      expect(text(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata?.[KEY_ID_METADATA])).toBe('k1');
      expect(text(p.data)).not.toContain('secret');
      expect(text(p.data)).not.toContain('json/plain');
    }
    // the big value was compressed before encryption
    expect(wire[0].data?.length).toBeLessThan(plain[0].data!.length / 4);
    const back = await decode(codecs, wire);
    expect(back.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(values);
    // same plaintext twice → different ciphertexts (random IV)
    const [a, b] = await encode(codecs, [plain[1], plain[1]]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('compresses only when it pays, and decodes unencoded payloads unchanged', async () => {
    const gz = new CompressionCodec();
    const [small, large] = await gz.encode([
      defaultPayloadConverter.toPayload('x'),
      defaultPayloadConverter.toPayload(big),
    ]);
    expect(text(small.metadata?.encoding)).toBe('json/plain');
    expect(text(large.metadata?.encoding)).toBe(GZIP_ENCODING);
    expect(defaultPayloadConverter.fromPayload((await gz.decode([large]))[0])).toEqual(big);
    const codecs = codecsFor({ QUARRY_ENCRYPTION_KEYS: `k1:${k1}` });
    const legacy = defaultPayloadConverter.toPayload({ before: 'encryption was on' });
    expect(defaultPayloadConverter.fromPayload((await decode(codecs, [legacy]))[0])).toEqual({
      before: 'encryption was on',
    });
  });

  it('detects tampering with the ciphertext, the IV, the tag or the key id', async () => {
    const codecs = codecsFor({ QUARRY_ENCRYPTION_KEYS: `k1:${k1},k2:${k2}` });
    const [wire] = await encode(codecs, [defaultPayloadConverter.toPayload({ amount: 100 })]);
    for (const at of [0, 14, wire.data!.length - 1]) {
      const data = Buffer.from(wire.data!);
      data[at] ^= 0x01;
      await expect(decode(codecs, [{ ...wire, data }])).rejects.toThrow(/altered or the key is wrong/);
    }
    const swapped = { ...wire, metadata: { ...wire.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('k1') } };
    await expect(decode(codecs, [swapped])).rejects.toThrow(/failed authentication with key 'k1'/);
    await expect(decode(codecs, [{ ...wire, data: wire.data!.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('rotates keys: payloads under the old key still decode, new ones use the new current key', async () => {
    const before = codecsFor({ QUARRY_ENCRYPTION_KEYS: `old:${k1}` });
    const oldWire = await encode(before, [defaultPayloadConverter.toPayload('written last year')]);
    const after = codecsFor({ QUARRY_ENCRYPTION_KEYS: `old:${k1},new:${k2}` }); // last listed = current
    expect(defaultPayloadConverter.fromPayload((await decode(after, oldWire))[0])).toBe('written last year');
    const newWire = await encode(after, [defaultPayloadConverter.toPayload('written today')]);
    expect(text(newWire[0].metadata?.[KEY_ID_METADATA])).toBe('new');
    const pinned = codecsFor({ QUARRY_ENCRYPTION_KEYS: `old:${k1},new:${k2}`, QUARRY_ENCRYPTION_KEY_ID: 'old' });
    expect(text((await encode(pinned, [defaultPayloadConverter.toPayload(1)]))[0].metadata?.[KEY_ID_METADATA])).toBe(
      'old',
    );
  });

  it('names the unknown key id when a payload was encrypted with a key we do not have', async () => {
    const wire = await encode(codecsFor({ QUARRY_ENCRYPTION_KEYS: `retired:${k1}` }), [
      defaultPayloadConverter.toPayload('x'),
    ]);
    await expect(decode(codecsFor({ QUARRY_ENCRYPTION_KEYS: `k2:${k2}` }), wire)).rejects.toThrow(
      /encrypted with key id 'retired', which is not configured here \(known: k2\)/,
    );
  });
});

describe('encryption keys from the environment', () => {
  it('reads a key file, merges QUARRY_ENCRYPTION_KEYS and honours QUARRY_ENCRYPTION_KEY_ID', async () => {
    const file = path.join(tmp, 'keys-file.json');
    await fs.writeFile(file, JSON.stringify({ current: 'a', keys: { a: k1, b: k2 } }));
    expect(keysFor({ QUARRY_ENCRYPTION_KEY_FILE: file }).currentKeyId).toBe('a');
    expect(keysFor({ QUARRY_ENCRYPTION_KEY_FILE: file, QUARRY_ENCRYPTION_KEY_ID: 'b' }).currentKeyId).toBe(
      'b',
    );
    const both = keysFor({
      QUARRY_ENCRYPTION_KEY_FILE: file,
      QUARRY_ENCRYPTION_KEYS: `c:${randomBytes(32).toString('base64')}`,
    });
    expect(both.currentKeyId).toBe('c');
    expect([...both.keys.keys()].sort()).toEqual(['a', 'b', 'c']);
  });

  it('rejects bad keys clearly', async () => {
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEYS: 'k:c2hvcnQ=' })).toThrow(
      /must be 32 random bytes.*got 5 bytes/,
    );
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEYS: 'k:not base64!' })).toThrow(/invalid base64/);
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEYS: k1 })).toThrow(/expected 'id:base64key'/);
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEYS: `a:${k1},a:${k2}` })).toThrow(/defined twice/);
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEYS: `a:${k1}`, QUARRY_ENCRYPTION_KEY_ID: 'zz' })).toThrow(
      /'zz' is not a configured key/,
    );
    const bad = path.join(tmp, 'bad.json');
    await fs.writeFile(bad, JSON.stringify({ current: 'x', keys: { y: k1 } }));
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEY_FILE: bad })).toThrow(
      /current key 'x' is not among its keys/,
    );
    expect(() => keysFor({ QUARRY_ENCRYPTION_KEY_FILE: path.join(tmp, 'missing.json') })).toThrow(
      /cannot read/,
    );
  });

  it('creates a dev key once in QUARRY_HOME/keys.json (0600) in dev mode, and refuses to invent one otherwise', async () => {
    const home = path.join(tmp, 'home');
    expect(() => keysFor({ QUARRY_HOME: home })).toThrow(
      /no payload encryption key configured.*QUARRY_DEV=1/,
    );
    const first = codecsFor({ QUARRY_HOME: home, QUARRY_DEV: '1' });
    const stat = await fs.stat(path.join(home, 'keys.json'));
    expect(stat.mode & 0o777).toBe(0o600);
    const wire = await encode(first, [defaultPayloadConverter.toPayload('survives restarts')]);
    // a "restarted" process (even without QUARRY_DEV) finds the same key
    const again = codecsFor({ QUARRY_HOME: home });
    expect(defaultPayloadConverter.fromPayload((await decode(again, wire))[0])).toBe('survives restarts');
    expect(await fs.readdir(home)).toEqual(['keys.json']);
  });
});

describe('codec server (Temporal remote codec protocol)', () => {
  const env = { QUARRY_ENCRYPTION_KEYS: `k1:${k1}` };
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  beforeAll(async () => {
    server = await startCodecServer({ port: 0, host: '127.0.0.1', config: loadConfig(env) });
  });
  afterAll(async () => {
    await server?.close();
  });
  const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('decodes what the workers encoded, and encodes what it is given', async () => {
    const codecs = codecsFor(env);
    const wire = await encode(
      codecs,
      values.map((v) => defaultPayloadConverter.toPayload(v)),
    );
    const res = await post('/decode', { payloads: wire.map(payloadToJson) });
    expect(res.status).toBe(200);
    const decoded = ((await res.json()) as { payloads: Parameters<typeof payloadFromJson>[0][] }).payloads.map(
      payloadFromJson,
    );
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(values);

    const enc = await post('/default/encode', { payloads: [payloadToJson(defaultPayloadConverter.toPayload('hi'))] });
    expect(enc.status).toBe(200);
    const encPayloads = ((await enc.json()) as { payloads: Parameters<typeof payloadFromJson>[0][] }).payloads.map(
      payloadFromJson,
    );
    expect(text(encPayloads[0].metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(defaultPayloadConverter.fromPayload((await decode(codecs, encPayloads))[0])).toBe('hi');
  });

  it('answers CORS preflights from the Web UI origin only', async () => {
    const pre = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8233',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-namespace, content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-namespace, content-type');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const evil = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects bad requests with clear errors', async () => {
    const bad = await post('/decode', 'not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not JSON/);
    expect((await post('/decode', { nope: [] })).status).toBe(400);
    expect((await post('/decode', { payloads: [{ data: '***' }] })).status).toBe(400);
    const foreign = await encode(codecsFor({ QUARRY_ENCRYPTION_KEYS: `other:${k2}` }), [
      defaultPayloadConverter.toPayload(1),
    ]);
    const unknown = await post('/decode', { payloads: foreign.map(payloadToJson) });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/key id 'other'/);
    expect((await fetch(`${server.url}/decode`)).status).toBe(405);
    expect((await post('/other', { payloads: [] })).status).toBe(404);
  });
});
