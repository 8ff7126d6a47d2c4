/** Configuration of the service around the pipelines: Temporal, the API, storage, quotas, webhooks, payload encryption. Pure. */
import path from 'node:path';
import { z } from 'zod';
import { kinds, section, variable } from './variables.ts';

export const TemporalConfig = section(
  'Temporal',
  z.object({
    address: variable('TEMPORAL_ADDRESS', kinds.text().default('127.0.0.1:7233'), 'the Temporal frontend'),
    namespace: variable('TEMPORAL_NAMESPACE', kinds.text().default('default'), 'the Temporal namespace'),
    apiKey: variable('TEMPORAL_API_KEY', kinds.text().optional(), 'API key for Temporal Cloud (turns TLS on)', {
      secret: true,
    }),
    tls: variable('TEMPORAL_TLS', kinds.flag().optional(), 'TLS to the Temporal frontend', {
      shown: 'off (on with `TEMPORAL_API_KEY`)',
    }),
  }),
).transform((t) => ({ ...t, tls: (t.tls ?? false) || !!t.apiKey }));

export const ApiConfig = section(
  'API',
  z.object({
    host: variable('QUARRY_API_HOST', kinds.text().default('127.0.0.1'), 'where the API listens'),
    port: variable('QUARRY_API_PORT', kinds.integer(0, 65535).default(8080), 'the API port (`0`: any free port)'),
    /**
     * API keys: access key id → its tenant and secret. `key:tenant` (secret = the key itself) or `key:tenant:secret`.
     * No keys (here or in QUARRY_TENANTS_FILE) + dev mode = loopback requests need no key.
     */
    keys: variable(
      'QUARRY_API_KEYS',
      kinds
        .list()
        .default([])
        .transform((entries) => {
          const keys: Record<string, { tenant: string; secret: string }> = {};
          for (const entry of entries) {
            const [key, tenant, ...secret] = entry.split(':');
            keys[key] = { tenant: tenant || 'default', secret: secret.length ? secret.join(':') : key };
          }
          return keys;
        }),
      'API keys and their tenants: `key:tenant,key2:tenant2:secret2` (the SigV4 secret access key is the key itself unless a secret follows)',
      { secret: true },
    ),
    tenantsFile: variable(
      'QUARRY_TENANTS_FILE',
      kinds.text().optional(),
      'a JSON file of tenants, each with its keys (id + secret), storage roots and buckets ([docs/security.md](docs/security.md))',
      { shown: '– (tenants from `QUARRY_API_KEYS`, sharing the allowed roots and buckets)' },
    ),
    signatureSkewSeconds: variable(
      'QUARRY_SIGNATURE_SKEW_SECONDS',
      kinds.integer(1).default(300),
      "how far a SigV4 request's `X-Amz-Date` may be from the server's clock (older: a stale signature, refused)",
    ),
    dev: variable(
      'QUARRY_DEV',
      kinds.flag().default(false),
      'dev mode: loopback requests need no key unless keys are configured; a dev encryption key is created in `QUARRY_HOME`',
      { shown: 'off (on under `quarry dev/run/demo`)' },
    ),
    consoleUploadMb: variable(
      'QUARRY_CONSOLE_UPLOAD_MB',
      kinds.integer(1, 10_240).default(200),
      'largest file the web console uploads into its inbox (`QUARRY_HOME/console-inbox/`), in MB',
    ),
  }),
);

export const StorageConfig = section(
  'Storage',
  z.object({
    allowedRoots: variable(
      'QUARRY_ALLOWED_ROOTS',
      kinds
        .list()
        .default([])
        .transform((roots) => roots.map((r) => path.resolve(r))),
      'comma list of folders `file://` URIs may point into',
      { shown: '`QUARRY_HOME` (the working directory under `quarry dev/run/demo`)' },
    ),
    allowedBuckets: variable(
      'QUARRY_ALLOWED_BUCKETS',
      kinds.list().default([]),
      'comma list of S3 buckets `s3://` URIs may point into',
      { shown: '– (no bucket)' },
    ),
    s3: z
      .object({
        endpoint: variable(
          'QUARRY_S3_ENDPOINT',
          kinds.text().optional(),
          'any S3-compatible store; credentials from the standard AWS chain',
          { shown: 'AWS' },
        ),
        region: variable('QUARRY_S3_REGION', kinds.text().default('us-east-1'), 'the S3 region', {
          fallback: 'AWS_REGION',
          shown: '`AWS_REGION`, else `us-east-1`',
        }),
        forcePathStyle: variable('QUARRY_S3_FORCE_PATH_STYLE', kinds.flag().optional(), 'path-style S3 URLs', {
          shown: 'on with `QUARRY_S3_ENDPOINT`, else off',
        }),
      })
      .transform((s) => ({ ...s, forcePathStyle: s.forcePathStyle ?? !!s.endpoint })),
    localCopiesMb: variable(
      'QUARRY_LOCAL_COPIES_MB',
      kinds.number({ atLeast: 0 }).default(2048),
      "disk for local copies of `s3://` objects shared by a worker's activities (page groups, audio chunks download an object once); least recently used evicted",
    ),
  }),
);

const concurrent = (modality: string, d: number) =>
  variable(
    `QUARRY_MAX_CONCURRENT_${modality}`,
    kinds.integer().default(d),
    `${modality} assets processed at once, cluster-wide; the rest wait in \`Created\``,
  );

export const QuotasConfig = section(
  'Quotas',
  z.object({
    invokeTps: variable(
      'QUARRY_INVOKE_TPS',
      kinds.number({ above: 0 }).default(10),
      'invoke requests per second per tenant (excess → 429)',
    ),
    concurrentJobs: z.object({
      DOCUMENT: concurrent('DOCUMENT', 50),
      IMAGE: concurrent('IMAGE', 20),
      AUDIO: concurrent('AUDIO', 20),
      VIDEO: concurrent('VIDEO', 20),
    }),
    maxWaitingJobs: variable(
      'QUARRY_MAX_WAITING_JOBS',
      kinds.integer(0).default(1000),
      'jobs a tenant may have waiting in `Created` (excess → 402)',
    ),
    batchWindow: variable(
      'QUARRY_BATCH_WINDOW',
      kinds.integer().default(50),
      "assets of one batch job in flight at once (50 = BDA's concurrent document limit, so one batch can use every document slot; more in flight means more asset workflows in the worker's cache)",
    ),
  }),
);

export const WebhooksConfig = section(
  'Webhooks',
  z.object({
    urls: variable('QUARRY_WEBHOOK_URLS', kinds.list().default([]), 'comma list of URLs job events are posted to', {
      shown: '–',
    }),
    secret: variable('QUARRY_WEBHOOK_SECRET', kinds.text().optional(), 'the HMAC-SHA256 key of `x-quarry-signature`', {
      secret: true,
    }),
  }),
);

export const EncryptionConfig = section(
  'Payload encryption',
  z.object({
    keys: variable(
      'QUARRY_ENCRYPTION_KEYS',
      kinds.text().optional(),
      'payload encryption keys `id:base64,…` (the last is current); old ids keep decoding (rotation)',
      { secret: true, shown: 'dev key in `QUARRY_HOME` (dev mode only)' },
    ),
    keyFile: variable(
      'QUARRY_ENCRYPTION_KEY_FILE',
      kinds.text().optional(),
      'a JSON key file `{"current","keys"}`, merged with `QUARRY_ENCRYPTION_KEYS`',
    ),
    keyId: variable(
      'QUARRY_ENCRYPTION_KEY_ID',
      kinds.text().optional(),
      'the id of the key new payloads are encrypted with',
      { shown: "the last of `QUARRY_ENCRYPTION_KEYS`, else the file's `current`" },
    ),
  }),
  '[docs/codecs.md](docs/codecs.md)',
);

export const CodecServerConfig = section(
  'Codec server',
  z.object({
    host: variable(
      'QUARRY_CODEC_HOST',
      kinds.text().default('127.0.0.1'),
      'where the codec server for the Web UI listens',
    ),
    port: variable('QUARRY_CODEC_PORT', kinds.integer(0, 65535).default(8888), 'the codec server port'),
    corsOrigins: variable(
      'QUARRY_CODEC_CORS_ORIGINS',
      kinds.list().default([]),
      'browser origins allowed to call it (`*`: any)',
      { shown: 'the Web UI on `localhost:8233`' },
    ),
  }),
  'decrypts payloads for the Temporal Web UI ([docs/codecs.md](docs/codecs.md))',
);
