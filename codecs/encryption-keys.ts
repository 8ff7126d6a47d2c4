import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { QuarryConfig } from '../schemas/config.ts';

/** The AES-256 keys a process can decrypt with, and the one it encrypts new payloads with. */
export interface EncryptionKeyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The key file format (`QUARRY_ENCRYPTION_KEY_FILE`, and the dev key at `${QUARRY_HOME}/keys.json`). */
export const KeyFile = z.object({
  current: z.string().regex(KEY_ID),
  keys: z.record(z.string().regex(KEY_ID), z.string()),
});
export type KeyFile = z.infer<typeof KeyFile>;

/** Decodes one base64 key and insists on exactly 32 bytes (AES-256). */
export function decodeKey(id: string, base64: string, where: string): Buffer {
  if (!KEY_ID.test(id)) throw new Error(`${where}: invalid key id '${id}' (use 1-64 letters, digits, '.', '_' or '-')`);
  const b64 = base64.trim();
  const key = BASE64.test(b64)
    ? Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64')
    : null;
  if (key?.length !== 32)
    throw new Error(
      `${where}: key '${id}' must be 32 random bytes in base64 (got ${key ? `${key.length} bytes` : 'invalid base64'}); make one with: openssl rand -base64 32`,
    );
  return key;
}

/** `QUARRY_ENCRYPTION_KEYS="id1:base64key,id2:base64key"` → ordered [id, key] pairs. */
export function parseKeyList(value: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new Error(`QUARRY_ENCRYPTION_KEYS: expected 'id:base64key', got '${entry.slice(0, 12)}…'`);
    out.push([
      entry.slice(0, colon).trim(),
      decodeKey(entry.slice(0, colon).trim(), entry.slice(colon + 1), 'QUARRY_ENCRYPTION_KEYS'),
    ]);
  }
  return out;
}

export function readKeyFile(file: string): { current: string; keys: [string, Buffer][] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the encryption key file '${file}': ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `encryption key file '${file}' is not valid JSON (expected {"current":"id","keys":{"id":"base64"}})`,
    );
  }
  const parsed = KeyFile.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `encryption key file '${file}' must look like {"current":"id","keys":{"id":"base64"}}: ${parsed.error.issues[0]?.message}`,
    );
  const keys = Object.entries(parsed.data.keys).map(([id, k]) => [id, decodeKey(id, k, file)] as [string, Buffer]);
  if (!keys.some(([id]) => id === parsed.data.current))
    throw new Error(`encryption key file '${file}': current key '${parsed.data.current}' is not among its keys`);
  return { current: parsed.data.current, keys };
}

/**
 * Creates `${home}/keys.json` with one fresh key (mode 0600) unless it exists. Safe when several
 * processes start at once: the file is written completely under a temp name, then hard-linked into
 * place, which fails if another process got there first (whose key everyone then uses).
 */
export function ensureDevKeyFile(home: string): string {
  const file = path.join(home, 'keys.json');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const id = `dev-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
  const content: KeyFile = { current: id, keys: { [id]: randomBytes(32).toString('base64') } };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  return file;
}

/** What the keyring is read from: QuarryConfig's `encryption`, `home` and dev mode (`api.dev`). */
export type KeySettings = Pick<QuarryConfig, 'encryption' | 'home'> & { api: Pick<QuarryConfig['api'], 'dev'> };

/**
 * The keyring the configuration names:
 * - `QUARRY_ENCRYPTION_KEY_FILE` (JSON `{"current","keys"}`) and/or `QUARRY_ENCRYPTION_KEYS` ("id:base64,…"): all keys
 *   are kept for decoding (rotation: old ids keep decoding);
 * - the current key: `QUARRY_ENCRYPTION_KEY_ID`, else the last id in `QUARRY_ENCRYPTION_KEYS`, else the file's `current`;
 * - neither set: `${QUARRY_HOME:-.quarry}/keys.json`, created with a fresh key in dev mode (`QUARRY_DEV=1`);
 *   outside dev mode a missing key is an error, because workers on different machines must share keys.
 */
export function loadEncryptionKeys(config: KeySettings): EncryptionKeyring {
  const keys = new Map<string, Buffer>();
  const add = (id: string, key: Buffer, where: string) => {
    const prev = keys.get(id);
    if (prev && !prev.equals(key)) throw new Error(`${where}: key id '${id}' is defined twice with different keys`);
    keys.set(id, key);
  };
  let current: string | undefined;
  let fileCurrent: string | undefined;
  const keyFile = config.encryption.keyFile?.trim();
  const keyList = config.encryption.keys?.trim();
  if (keyFile) {
    const f = readKeyFile(keyFile);
    for (const [id, k] of f.keys) add(id, k, keyFile);
    fileCurrent = f.current;
  }
  if (keyList) {
    const list = parseKeyList(keyList);
    for (const [id, k] of list) add(id, k, 'QUARRY_ENCRYPTION_KEYS');
    current = list.at(-1)?.[0];
  }
  if (!keyFile && !keyList) {
    const home = config.home;
    const devFile = path.join(home, 'keys.json');
    if (!existsSync(devFile)) {
      if (!config.api.dev)
        throw new Error(
          `no payload encryption key configured: set QUARRY_ENCRYPTION_KEYS="id:$(openssl rand -base64 32)" or QUARRY_ENCRYPTION_KEY_FILE, or set QUARRY_DEV=1 to create a dev key in ${devFile}`,
        );
      ensureDevKeyFile(home);
    }
    const f = readKeyFile(devFile);
    for (const [id, k] of f.keys) add(id, k, devFile);
    fileCurrent = f.current;
  }
  const explicit = config.encryption.keyId?.trim();
  const currentKeyId = explicit || current || fileCurrent;
  if (!currentKeyId || !keys.has(currentKeyId))
    throw new Error(
      `QUARRY_ENCRYPTION_KEY_ID '${currentKeyId}' is not a configured key (known: ${[...keys.keys()].join(', ') || 'none'})`,
    );
  return { currentKeyId, keys };
}
