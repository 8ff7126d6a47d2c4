import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { CompressionCodec } from './compression-codec.ts';
import { EncryptionCodec } from './encryption-codec.ts';
import { type KeySettings, loadEncryptionKeys } from './encryption-keys.ts';

/** Must also be bundled into the workflow code (worker/start.ts does). */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The one data converter of every Quarry process (client, API, workers, tests, codec server):
 * payloads are gzip-compressed, then AES-256-GCM encrypted (decoded in reverse order). Keys come from
 * the configuration (see `loadEncryptionKeys` and docs/codecs.md); throws a clear error when none is set
 * outside dev mode.
 */
export function createDataConverter(
  config: KeySettings,
): DataConverter & { payloadCodecs: [CompressionCodec, EncryptionCodec] } {
  return {
    payloadCodecs: [new CompressionCodec(), new EncryptionCodec(loadEncryptionKeys(config))],
    // failure messages and stack traces are encoded (so encrypted) too: they can name input files
    failureConverterPath,
  };
}
