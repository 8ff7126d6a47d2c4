import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/**
 * Payloads in protobuf's JSON mapping (what the codec server protocol speaks): bytes fields are base64
 * strings, so `{ metadata: { encoding: "anNvbi9wbGFpbg==" }, data: "…" }`.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
export const JsonPayload = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});
export const JsonPayloads = z.object({ payloads: z.array(JsonPayload) });
export type JsonPayload = z.infer<typeof JsonPayload>;

const bytes = (s: string) => new Uint8Array(Buffer.from(s, /[-_]/.test(s) ? 'base64url' : 'base64'));
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export function payloadFromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, bytes(v)])),
    data: bytes(p.data ?? ''),
  };
}

export function payloadToJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v ?? new Uint8Array())])),
    data: b64(p.data ?? new Uint8Array()),
  };
}
