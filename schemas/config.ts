import path from 'node:path';
import { z } from 'zod';

const csv = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const int = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number.parseInt(v, 10));

/** Runtime configuration of every Quarry process. Everything comes from environment variables (README §Configuration). */
export const QuarryConfig = z.object({
  home: z.string(),
  region: z.string(),
  accountId: z.string().regex(/^[0-9]{12}$/),
  temporal: z.object({ address: z.string(), namespace: z.string() }),
  api: z.object({
    host: z.string(),
    port: z.number().int(),
    /** API keys: `key` → tenant. Empty map + dev mode = loopback requests need no key. */
    keys: z.record(z.string(), z.string()),
    dev: z.boolean(),
  }),
  storage: z.object({
    allowedRoots: z.array(z.string()),
    allowedBuckets: z.array(z.string()),
    s3: z.object({ endpoint: z.string().optional(), region: z.string(), forcePathStyle: z.boolean() }),
  }),
  quotas: z.object({
    invokeTps: z.number().positive(),
    concurrentJobs: z.object({ DOCUMENT: z.number().int(), IMAGE: z.number().int(), AUDIO: z.number().int(), VIDEO: z.number().int() }),
    maxWaitingJobs: z.number().int(),
    batchWindow: z.number().int().positive(),
  }),
  webhooks: z.object({ urls: z.array(z.string()), secret: z.string().optional() }),
});
export type QuarryConfig = z.infer<typeof QuarryConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): QuarryConfig {
  const home = path.resolve(env.QUARRY_HOME ?? '.quarry');
  const keys: Record<string, string> = {};
  for (const entry of csv(env.QUARRY_API_KEYS)) {
    const [key, tenant] = entry.split(':');
    keys[key] = tenant || 'default';
  }
  return QuarryConfig.parse({
    home,
    region: env.QUARRY_REGION ?? 'us-east-1',
    accountId: env.QUARRY_ACCOUNT_ID ?? '000000000000',
    temporal: { address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233', namespace: env.TEMPORAL_NAMESPACE ?? 'default' },
    api: {
      host: env.QUARRY_API_HOST ?? '127.0.0.1',
      port: int(env.QUARRY_API_PORT, 8080),
      keys,
      dev: (env.QUARRY_DEV ?? '0') === '1',
    },
    storage: {
      allowedRoots: csv(env.QUARRY_ALLOWED_ROOTS).map((r) => path.resolve(r)),
      allowedBuckets: csv(env.QUARRY_ALLOWED_BUCKETS),
      s3: {
        endpoint: env.QUARRY_S3_ENDPOINT || undefined,
        region: env.QUARRY_S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
        forcePathStyle: (env.QUARRY_S3_FORCE_PATH_STYLE ?? (env.QUARRY_S3_ENDPOINT ? '1' : '0')) === '1',
      },
    },
    quotas: {
      invokeTps: Number(env.QUARRY_INVOKE_TPS ?? 10),
      concurrentJobs: {
        DOCUMENT: int(env.QUARRY_MAX_CONCURRENT_DOCUMENT, 50),
        IMAGE: int(env.QUARRY_MAX_CONCURRENT_IMAGE, 20),
        AUDIO: int(env.QUARRY_MAX_CONCURRENT_AUDIO, 20),
        VIDEO: int(env.QUARRY_MAX_CONCURRENT_VIDEO, 20),
      },
      maxWaitingJobs: int(env.QUARRY_MAX_WAITING_JOBS, 1000),
      batchWindow: int(env.QUARRY_BATCH_WINDOW, 50),
    },
    webhooks: { urls: csv(env.QUARRY_WEBHOOK_URLS), secret: env.QUARRY_WEBHOOK_SECRET || undefined },
  });
}
