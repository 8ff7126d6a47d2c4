/**
 * The envelope a `file://` output written with `encryptionConfiguration.kmsKeyId` is stored in: AES-256-GCM under a
 * key of the same keyring as the Temporal payload codec (codecs/encryption-keys.ts), the key id in the clear so any
 * process holding the keyring opens it (rotation: old ids keep opening).
 *
 *   "QRYENC1\n" ‖ key id length (1 byte) ‖ key id ‖ 12-byte IV ‖ ciphertext ‖ 16-byte GCM tag
 *
 * The header (magic and key id) is authenticated too, so a changed byte anywhere is an error, never garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKeyring } from '../../codecs/encryption-keys.ts';
import { BdaError } from '../../schemas/errors.ts';

const MAGIC = Buffer.from('QRYENC1\n');
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** enough of a file to tell an envelope and read its header */
export const ENVELOPE_HEADER_BYTES = MAGIC.length + 1 + 255;

export const isEnvelope = (head: Buffer) => head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC);

function header(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  if (id.length === 0 || id.length > 255) throw new Error(`key id '${keyId}' cannot name an envelope key`);
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id]);
}

/** The key id an envelope names, and where its IV starts. */
function readHeader(env: Buffer): { keyId: string; start: number } {
  if (!isEnvelope(env) || env.length < MAGIC.length + 1) throw new Error('not a Quarry envelope');
  const n = env[MAGIC.length];
  const start = MAGIC.length + 1 + n;
  if (n === 0 || env.length < start + IV_BYTES + TAG_BYTES)
    throw new BdaError('ValidationException', 'the encrypted output is truncated');
  return { keyId: env.subarray(MAGIC.length + 1, start).toString('utf8'), start };
}

/** The plaintext's size inside an envelope of `size` bytes whose first bytes are `head`. */
export function plaintextBytes(head: Buffer, size: number): number {
  return size - (MAGIC.length + 1 + head[MAGIC.length] + IV_BYTES + TAG_BYTES);
}

export function sealEnvelope(plain: Buffer, keyId: string, keyring: EncryptionKeyring): Buffer {
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`encryption key '${keyId}' is not in the keyring`);
  const head = header(keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(head);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]);
}

/** The plaintext of an envelope; a missing key or a changed byte is an error that says which. */
export function openEnvelope(env: Buffer, keyring: EncryptionKeyring): Buffer {
  const { keyId, start } = readHeader(env);
  const key = keyring.keys.get(keyId);
  if (!key)
    throw new BdaError(
      'AccessDeniedException',
      `the output is encrypted with key '${keyId}', which is not in this keyring (QUARRY_ENCRYPTION_KEYS / QUARRY_ENCRYPTION_KEY_FILE)`,
    );
  const iv = env.subarray(start, start + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(env.subarray(0, start));
  decipher.setAuthTag(env.subarray(env.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(env.subarray(start + IV_BYTES, env.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new BdaError(
      'ValidationException',
      `the encrypted output failed authentication with key '${keyId}': it was altered`,
    );
  }
}

/**
 * The keyring key a `kmsKeyId` names: a key id of the keyring, or a KMS-style ARN or alias whose last part is one
 * (`arn:aws:kms:…:key/<id>`, `alias/<id>`); null when it names none.
 */
export function keyringKeyFor(kmsKeyId: string, keyring: EncryptionKeyring): string | null {
  const last = kmsKeyId.slice(kmsKeyId.lastIndexOf('/') + 1);
  for (const id of [kmsKeyId, last]) if (keyring.keys.has(id)) return id;
  return null;
}
