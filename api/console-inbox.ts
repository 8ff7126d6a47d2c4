/**
 * The console's inbox: a file a person drops into the web console is written under `QUARRY_HOME/console-inbox/`
 * (one folder per upload, the name made safe), size-limited, and handed back as the storage URI a job reads.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { StorageRouter } from '../engines/storage/open-storage.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';

/** A file name safe to write: its last path part, letters, digits, `.`, `-`, `_` only, never hidden, ≤ 120 chars. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[.]+/, '')
    .slice(-120);
  return clean || 'upload';
}

/** Writes the request body into the inbox; refuses an empty body or one over the configured limit. */
export async function receiveUpload(
  req: IncomingMessage,
  name: string,
  ctx: { config: QuarryConfig; storage: StorageRouter; tenant: string },
): Promise<{ uri: string; bytes: number; name: string }> {
  const limit = ctx.config.api.consoleUploadMb * 1024 * 1024;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  const folder = path.join(ctx.config.home, 'console-inbox', safeFileName(ctx.tenant), randomUUID().slice(0, 12));
  const uri = pathToFileURL(path.join(folder, safeFileName(name))).href;
  try {
    ctx.storage.check(uri);
  } catch (e) {
    throw new BdaError(
      'ValidationException',
      `the console inbox ${folder} is outside the allowed storage roots (QUARRY_ALLOWED_ROOTS): ${(e as Error).message}`,
    );
  }
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > limit ? tooLarge(limit) : null, chunk);
    },
  });
  req.on('error', (e) => counted.destroy(e));
  req.pipe(counted);
  try {
    const stored = await ctx.storage.write(uri, counted);
    if (stored.bytes === 0) {
      await ctx.storage.delete(uri).catch(() => {});
      throw new BdaError('ValidationException', 'the uploaded file is empty');
    }
    return { uri, bytes: stored.bytes, name: safeFileName(name) };
  } catch (e) {
    if (size > limit) throw tooLarge(limit);
    throw e;
  }
}

const tooLarge = (limit: number) =>
  new BdaError(
    'ValidationException',
    `the file is larger than the console's upload limit of ${limit / 1024 / 1024} MB (QUARRY_CONSOLE_UPLOAD_MB)`,
  );
