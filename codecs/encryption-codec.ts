import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: Node's ESM loader cannot see its named exports
const { temporal } = proto;
import type { EncryptionKeyring } from './encryption-keys.ts';

const ProtoPayload = temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that encrypted the payload (same name as Temporal's encryption samples). */
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : '');

/**
 * AES-256-GCM encryption of whole payloads (metadata included, so not even the payload's type leaks).
 * Wire format of `data`: 12-byte random IV ‖ ciphertext ‖ 16-byte GCM tag; the key id travels in
 * metadata, so any key in the keyring decodes (rotation) while new payloads use the current key.
 * GCM's tag makes any change to the bytes (or a wrong key) a decode error, never silent garbage.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: EncryptionKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new ValueError(`current encryption key '${keyId}' is not in the keyring`);
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(ProtoPayload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(keyId) },
        data: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // payloads written before encryption was switched on stay readable
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!keyId) throw new ValueError(`encrypted payload has no '${KEY_ID_METADATA}' metadata`);
      const key = this.keyring.keys.get(keyId);
      if (!key)
        throw new ValueError(
          `payload was encrypted with key id '${keyId}', which is not configured here (known: ${[...this.keyring.keys.keys()].join(', ')}); add it to QUARRY_ENCRYPTION_KEYS or the key file`,
        );
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError(`encrypted payload (key '${keyId}') is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let raw: Buffer;
      try {
        raw = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(
          `encrypted payload failed authentication with key '${keyId}': it was altered or the key is wrong`,
        );
      }
      return ProtoPayload.decode(raw);
    });
  }
}
