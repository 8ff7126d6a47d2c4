import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: Node's ESM loader cannot see its named exports
const { temporal } = proto;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const ProtoPayload = temporal.api.common.v1.Payload;

export const GZIP_ENCODING = 'binary/gzip';
/** Payloads smaller than this are left alone: gzip's header would eat the gain. */
const MIN_BYTES = 256;
/** Refuse to inflate beyond this (a decompression bomb in history must not take a worker down). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : '');

/**
 * gzip compression of whole payloads (metadata included). Runs first on encode, so the encryption
 * codec sees compressible plaintext. Only kept when it makes the payload smaller.
 * zlib runs on libuv's thread pool (async API), so the event loop is not blocked.
 */
export class CompressionCodec implements PayloadCodec {
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        const raw = ProtoPayload.encode(payload).finish();
        if (raw.length < MIN_BYTES) return payload;
        const packed = await gzipAsync(raw, { level: 6 });
        if (packed.length >= raw.length) return payload;
        return { metadata: { encoding: utf8(GZIP_ENCODING) }, data: new Uint8Array(packed) };
      }),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        if (text(payload.metadata?.encoding) !== GZIP_ENCODING) return payload;
        if (!payload.data) throw new ValueError('gzip-compressed payload has no data');
        let raw: Buffer;
        try {
          raw = await gunzipAsync(payload.data, { maxOutputLength: MAX_INFLATED_BYTES });
        } catch (e) {
          throw new ValueError(`cannot decompress payload: ${(e as Error).message}`);
        }
        return ProtoPayload.decode(raw);
      }),
    );
  }
}
