/**
 * The tenants file (QUARRY_TENANTS_FILE): each tenant's API keys (an access key id and its secret, what an AWS SDK
 * client is given as credentials), the storage roots (`file://`) and buckets (`s3://`) its jobs may read and write,
 * and its quotas. Pure.
 */
import path from 'node:path';
import { z } from 'zod';

const TENANT_NAME = /^[a-zA-Z0-9-_]{1,128}$/;

export const TenantKey = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{3,128}$/, 'an access key id: 3-128 letters, digits, ".", "_" or "-"'),
  secret: z.string().min(8, 'a secret of at least 8 characters'),
});

export const TenantEntry = z.object({
  keys: z.array(TenantKey).min(1, 'a tenant needs at least one key'),
  roots: z
    .array(z.string().refine((r) => path.isAbsolute(r), 'a root is an absolute folder'))
    .default([])
    .transform((roots) => roots.map((r) => path.resolve(r))),
  buckets: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')).default([]),
  /** read by the quotas capability; kept as given */
  quotas: z.record(z.string(), z.unknown()).optional(),
});
export type TenantEntry = z.infer<typeof TenantEntry>;

export const TenantsFile = z
  .object({
    tenants: z.record(z.string().regex(TENANT_NAME, 'a tenant name: letters, digits, "-" and "_"'), TenantEntry),
  })
  .superRefine((f, ctx) => {
    const owner = new Map<string, string>();
    for (const [name, t] of Object.entries(f.tenants)) {
      for (const k of t.keys) {
        const other = owner.get(k.id);
        if (other && other !== name)
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', name, 'keys'],
            message: `key id '${k.id}' is also ${other}'s`,
          });
        owner.set(k.id, name);
      }
    }
  });
export type TenantsFile = z.infer<typeof TenantsFile>;
