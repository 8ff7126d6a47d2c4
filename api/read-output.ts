/**
 * Quarry's own `GET /outputs?uri=<file:// or s3:// URI>`: an object of the caller's storage, as plaintext — an
 * output written with `encryptionConfiguration.kmsKeyId` is ciphertext on disk, and this is how a reader without
 * the keyring gets it back. Only URIs inside the tenant's granted roots and buckets are served.
 */
import type { StorageRouter } from '../engines/storage/open-storage.ts';
import type { Tenants } from '../control-plane/tenants.ts';
import { BdaError, validationError } from '../schemas/errors.ts';

/** 50 MB: an output, not a bulk download */
const MAX_BYTES = 50 * 1024 * 1024;

export async function readOutput(
  ctx: { storage: StorageRouter; tenants: Tenants; tenant: string },
  uri: string | null,
): Promise<{ body: Buffer; contentType: string }> {
  if (!uri) throw validationError('uri: is required (GET /outputs?uri=<file:// or s3:// URI>)', 'uri');
  try {
    await ctx.tenants.checkUri(ctx.tenant, uri);
    ctx.storage.check(uri);
  } catch (e) {
    if (e instanceof BdaError) throw validationError(`uri: ${e.message}`, 'uri');
    throw e;
  }
  const { bytes } = await ctx.storage.stat(uri);
  if (bytes > MAX_BYTES)
    throw validationError(`uri: the object is ${bytes} bytes, over the ${MAX_BYTES}-byte limit of /outputs`, 'uri');
  const body = await ctx.storage.readBytes(uri);
  return { body, contentType: /\.json$/i.test(uri) ? 'application/json' : 'application/octet-stream' };
}
