/**
 * The pure pieces of security: the SigV4 header parser and clock-skew check, the output envelope (sealed and opened
 * with a keyring, refusing a changed byte or an unknown key), the kmsKeyId → keyring key mapping, and the tenants
 * file (keys, grants, errors that name the field and never a secret).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSigningDate, parseSigV4Header } from '../../api/sigv4.ts';
import { loadTenants } from '../../control-plane/tenants.ts';
import {
  isEnvelope,
  keyringKeyFor,
  openEnvelope,
  plaintextBytes,
  sealEnvelope,
} from '../../engines/storage/envelope.ts';
import { loadConfig } from '../../schemas/config.ts';

const keyring = {
  currentKeyId: 'k2',
  keys: new Map([
    ['k1', randomBytes(32)],
    ['k2', randomBytes(32)],
  ]),
};

describe('SigV4 header and date', () => {
  const header =
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=' +
    'a'.repeat(64);
  it('parses the credential scope, signed headers and signature', () => {
    expect(parseSigV4Header(header)).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20261203',
      region: 'us-east-1',
      service: 'bedrock',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature: 'a'.repeat(64),
    });
  });
  it('refuses an incomplete header', () => {
    expect(() => parseSigV4Header('AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/bedrock')).toThrow(
      /Credential of the form/,
    );
    expect(() => parseSigV4Header(header.replace('host;', ''))).toThrow(/include 'host'/);
    expect(() => parseSigV4Header(header.replace(/Signature=a+/, 'Signature=xyz'))).toThrow(/hex Signature/);
  });
  it('accepts a date within the skew and refuses one outside, as AWS words it', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    expect(checkSigningDate('20261203T115600Z', now, 300).toISOString()).toBe('2026-12-03T11:56:00.000Z');
    expect(() => checkSigningDate('20261203T115400Z', now, 300)).toThrow(
      'Signature expired: 20261203T115400Z is now earlier than 20261203T115500Z (20261203T120000Z - 5 min.)',
    );
    expect(() => checkSigningDate('20261203T120600Z', now, 300)).toThrow(/Signature not yet current/);
    expect(() => checkSigningDate(undefined, now, 300)).toThrow(/X-Amz-Date/);
    expect(() => checkSigningDate('2026-12-03', now, 300)).toThrow(/X-Amz-Date/);
  });
});

describe('output envelope', () => {
  const plain = Buffer.from('{"total":"38.50 EUR"}');
  it('seals with a keyring key and opens with the keyring; the size inside is known from the head', () => {
    const env = sealEnvelope(plain, 'k1', keyring);
    expect(isEnvelope(env)).toBe(true);
    expect(env.includes(Buffer.from('38.50'))).toBe(false);
    expect(openEnvelope(env, keyring)).toEqual(plain);
    expect(plaintextBytes(env.subarray(0, 64), env.length)).toBe(plain.length);
    expect(isEnvelope(plain)).toBe(false);
  });
  it('refuses a changed byte (header or body), a truncated envelope and a key the keyring lacks', () => {
    const env = sealEnvelope(plain, 'k1', keyring);
    for (const at of [9, env.length - 20, env.length - 1]) {
      const bad = Buffer.from(env);
      bad[at] ^= 1;
      expect(() => openEnvelope(bad, keyring)).toThrow(/altered|not in this keyring/);
    }
    expect(() => openEnvelope(env.subarray(0, 20), keyring)).toThrow(/truncated/);
    expect(() => openEnvelope(env, { currentKeyId: 'k2', keys: new Map([['k2', randomBytes(32)]]) })).toThrow(
      /encrypted with key 'k1', which is not in this keyring/,
    );
  });
  it('maps a kmsKeyId to a keyring key: the id, or an ARN or alias ending in it', () => {
    expect(keyringKeyFor('k1', keyring)).toBe('k1');
    expect(keyringKeyFor('arn:aws:kms:us-east-1:000000000000:key/k2', keyring)).toBe('k2');
    expect(keyringKeyFor('alias/k1', keyring)).toBe('k1');
    expect(keyringKeyFor('arn:aws:kms:us-east-1:000000000000:key/other', keyring)).toBeNull();
  });
});

describe('tenants file', () => {
  const write = async (json: unknown) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-tenants-unit-'));
    const file = path.join(dir, 'tenants.json');
    await fs.writeFile(file, typeof json === 'string' ? json : JSON.stringify(json));
    return file;
  };
  it('gives each tenant its keys and grants; QUARRY_API_KEYS tenants share the allowed roots', async () => {
    const file = await write({
      tenants: {
        acme: { keys: [{ id: 'AKIDACME', secret: 'acme-secret-1' }], roots: ['/srv/acme'], buckets: ['acme-out'] },
      },
    });
    const t = loadTenants(
      loadConfig({ QUARRY_TENANTS_FILE: file, QUARRY_API_KEYS: 'legacy:old', QUARRY_ALLOWED_ROOTS: '/srv/shared' }),
    );
    expect(t.hasKeys).toBe(true);
    expect(t.key('AKIDACME')).toEqual({ id: 'AKIDACME', tenant: 'acme', secret: 'acme-secret-1' });
    expect(t.key('legacy')).toEqual({ id: 'legacy', tenant: 'old', secret: 'legacy' });
    expect(t.keyWithSecret('acme-secret-1')?.tenant).toBe('acme');
    expect(t.keyWithSecret('acme-secret-2')).toBeUndefined();
    expect(t.grantsOf('acme')).toEqual({ roots: ['/srv/acme'], buckets: ['acme-out'] });
    expect(t.grantsOf('old')).toEqual({ roots: ['/srv/shared'], buckets: [] });
    expect(t.everyGrant()).toEqual({ roots: ['/srv/shared', '/srv/acme'], buckets: ['acme-out'] });
    await expect(t.checkUri('old', 'file:///srv/acme/in/a.pdf')).rejects.toThrow(/outside the allowed storage roots/);
    await expect(t.checkUri('acme', 's3://other/x')).rejects.toThrow(/not in the allowed buckets \(acme-out\)/);
    expect(loadTenants(loadConfig({})).hasKeys).toBe(false);
  });
  it('stops with a message naming the field, never a secret', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /QUARRY_TENANTS_FILE=.*JSON/],
      [{ tenants: { acme: { keys: [] } } }, /tenants\.acme\.keys: a tenant needs at least one key/],
      [
        { tenants: { acme: { keys: [{ id: 'AKIDACME', secret: 'short' }] } } },
        /tenants\.acme\.keys\.0\.secret: a secret of at least 8/,
      ],
      [
        { tenants: { acme: { keys: [{ id: 'AKIDACME', secret: 'long-enough' }], roots: ['relative/dir'] } } },
        /roots\.0: a root is an absolute folder/,
      ],
      [
        {
          tenants: {
            a: { keys: [{ id: 'SAMEKEY', secret: 'secret-aaaa' }] },
            b: { keys: [{ id: 'SAMEKEY', secret: 'secret-bbbb' }] },
          },
        },
        /key id 'SAMEKEY' is also a's/,
      ],
    ];
    for (const [json, message] of cases) {
      const file = await write(json);
      let error = '';
      try {
        loadTenants(loadConfig({ QUARRY_TENANTS_FILE: file }));
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error).toMatch(message);
      expect(error).not.toMatch(/secret-aaaa|secret-bbbb|long-enough/);
    }
  });
});
