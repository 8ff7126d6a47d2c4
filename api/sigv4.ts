/**
 * AWS Signature Version 4, verified: the request an AWS SDK client signed is signed again with the secret of the key
 * it names (`@smithy/signature-v4`, the SDK's own signer, run over the received method, path, query, signed headers
 * and body), and the two signatures must be equal. A request whose `X-Amz-Date` is further than the allowed skew
 * from now is refused as AWS refuses it (a stale signature cannot be replayed later).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { BdaError } from '../schemas/errors.ts';

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface SigV4Header {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export const isSigV4 = (authorization: string) => authorization.startsWith(`${ALGORITHM} `);

/** The Authorization header's fields, or an InvalidSignatureException naming what is missing. */
export function parseSigV4Header(authorization: string): SigV4Header {
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = (fields.get('Credential') ?? '').split('/');
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').filter(Boolean);
  const signature = fields.get('Signature') ?? '';
  if (credential.length !== 5 || credential[4] !== 'aws4_request' || !credential[0])
    throw new BdaError(
      'IncompleteSignatureException',
      'Authorization header requires a Credential of the form <key id>/<date>/<region>/<service>/aws4_request',
    );
  if (!signedHeaders.includes('host'))
    throw new BdaError(
      'IncompleteSignatureException',
      "Authorization header requires SignedHeaders that include 'host'",
    );
  if (!/^[0-9a-f]{64}$/.test(signature))
    throw new BdaError('IncompleteSignatureException', 'Authorization header requires a hex Signature');
  const [accessKeyId, date, region, service] = credential;
  return { accessKeyId, date, region, service, signedHeaders, signature };
}

/** `X-Amz-Date` (20260101T120000Z) as a Date, or null when it is not one. */
function amzDate(value: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? null : d;
}

const compact = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The request's date, refused with AWS's message when it is outside the skew (`now` ± `skewSeconds`). */
export function checkSigningDate(value: string | undefined, now: Date, skewSeconds: number): Date {
  const date = amzDate(value);
  if (!date)
    throw new BdaError(
      'IncompleteSignatureException',
      'the request must carry an X-Amz-Date header (yyyyMMddTHHmmssZ)',
    );
  const skew = skewSeconds * 1000;
  if (date.getTime() < now.getTime() - skew)
    throw new BdaError(
      'InvalidSignatureException',
      `Signature expired: ${compact(date)} is now earlier than ${compact(new Date(now.getTime() - skew))} (${compact(now)} - ${skewSeconds / 60} min.)`,
    );
  if (date.getTime() > now.getTime() + skew)
    throw new BdaError(
      'InvalidSignatureException',
      `Signature not yet current: ${compact(date)} is still later than ${compact(new Date(now.getTime() + skew))} (${compact(now)} + ${skewSeconds / 60} min.)`,
    );
  return date;
}

/** SHA-256 (and HMAC-SHA-256 with a key) in the shape the smithy signer asks for. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (d: SourceData) =>
  typeof d === 'string'
    ? Buffer.from(d)
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData) {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

/** Query parameters decoded as SigV4 reads them (no `+` as space), repeated names as lists. */
function queryOf(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of rawQuery.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new BdaError('InvalidSignatureException', 'the query string is not valid URL encoding');
      }
    };
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const had = query[key];
    query[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return query;
}

export interface ReceivedRequest {
  method: string;
  /** the request target as received: path and query, still percent-encoded */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Signs the received request again with `secret` and compares: an InvalidSignatureException (AWS's words) when the
 * signatures differ — a wrong secret, or a method, path, query, signed header or body changed on the way.
 */
export async function verifySigV4(
  req: ReceivedRequest,
  auth: SigV4Header,
  secret: string,
  signingDate: Date,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = req.headers[name];
    if (v === undefined)
      throw new BdaError('InvalidSignatureException', `the signed header '${name}' is missing from the request`);
    headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  // a signed payload hash must be the body's (the signer would trust the header): what was received is hashed
  if (headers['x-amz-content-sha256'] !== undefined) headers['x-amz-content-sha256'] = bodyHash;
  const q = req.url.indexOf('?');
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    uriEscapePath: auth.service !== 's3',
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: q < 0 ? req.url : req.url.slice(0, q),
      query: q < 0 ? {} : queryOf(req.url.slice(q + 1)),
      headers,
      body: req.body.length ? req.body : undefined,
    },
    {
      signingDate,
      signingRegion: auth.region,
      signingService: auth.service,
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const ok =
    expected.length === auth.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
  if (!ok)
    throw new BdaError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
}
