/**
 * Who may call Quarry, and which storage each tenant's jobs may touch: the keys and grants of QUARRY_TENANTS_FILE,
 * plus the keys of QUARRY_API_KEYS (whose tenants share QUARRY_ALLOWED_ROOTS / QUARRY_ALLOWED_BUCKETS, as before
 * there was a tenants file). Read once at start-up; a bad file stops the process with a message naming the field.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FileStorage } from '../engines/storage/file-storage.ts';
import { StorageRouter } from '../engines/storage/open-storage.ts';
import { S3Storage } from '../engines/storage/s3-storage.ts';
import { schemeOf } from '../engines/storage/storage.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { TenantsFile } from '../schemas/tenants.ts';

/** An API key: the tenant it acts for and the secret its requests are signed with (or sent as a token). */
export interface TenantKey {
  id: string;
  tenant: string;
  secret: string;
}

/** The storage a tenant's jobs may read and write. */
export interface StorageGrants {
  roots: string[];
  buckets: string[];
}

export class Tenants {
  private readonly views = new Map<string, StorageRouter>();
  constructor(
    private readonly keys: ReadonlyMap<string, TenantKey>,
    private readonly grants: ReadonlyMap<string, StorageGrants>,
    /** what a tenant without its own grants gets: QUARRY_ALLOWED_ROOTS (else QUARRY_HOME) and QUARRY_ALLOWED_BUCKETS */
    private readonly shared: StorageGrants,
    private readonly s3: QuarryConfig['storage']['s3'],
  ) {}

  /** Whether any key is configured: then every request needs one, dev mode or not. */
  get hasKeys(): boolean {
    return this.keys.size > 0;
  }

  /** The key with this access key id (SigV4's `Credential=<id>/…`). */
  key(id: string): TenantKey | undefined {
    return this.keys.get(id);
  }

  /** The key whose secret is this token (`x-api-key`, `Authorization: Bearer`); every key compared in constant time. */
  keyWithSecret(token: string): TenantKey | undefined {
    const given = Buffer.from(token);
    let found: TenantKey | undefined;
    for (const k of this.keys.values()) {
      const secret = Buffer.from(k.secret);
      if (secret.length === given.length && timingSafeEqual(secret, given)) found = k;
    }
    return found;
  }

  grantsOf(tenant: string): StorageGrants {
    return this.grants.get(tenant) ?? this.shared;
  }

  /** Every root and bucket some tenant holds: what the workers' storage must reach. */
  everyGrant(): StorageGrants {
    const all = [this.shared, ...this.grants.values()];
    return {
      roots: [...new Set(all.flatMap((g) => g.roots))],
      buckets: [...new Set(all.flatMap((g) => g.buckets))],
    };
  }

  /** The storage this tenant's grants allow (its roots and buckets only). */
  storageOf(tenant: string): StorageRouter {
    let view = this.views.get(tenant);
    if (!view) {
      const g = this.grantsOf(tenant);
      view = new StorageRouter(new FileStorage(g.roots), new S3Storage(this.s3, g.buckets, 0));
      this.views.set(tenant, view);
    }
    return view;
  }

  /**
   * Throws the ValidationException storage gives for a URI outside its roots or buckets unless the tenant holds the
   * URI. A `file://` URI is checked on its real path (symlinks resolved). Another tenant's root answers exactly as a
   * folder no tenant holds.
   */
  async checkUri(tenant: string, uri: string): Promise<void> {
    const view = this.storageOf(tenant);
    view.check(uri);
    if (schemeOf(uri) === 'file') await view.exists(uri);
  }
}

/** The tenants of a configuration: QUARRY_API_KEYS, then QUARRY_TENANTS_FILE (read now, synchronously). */
export function loadTenants(config: Pick<QuarryConfig, 'api' | 'storage' | 'home'>): Tenants {
  const keys = new Map<string, TenantKey>();
  for (const [id, k] of Object.entries(config.api.keys)) keys.set(id, { id, ...k });
  const grants = new Map<string, StorageGrants>();
  if (config.api.tenantsFile) {
    const file = readTenantsFile(config.api.tenantsFile);
    for (const [tenant, t] of Object.entries(file.tenants)) {
      grants.set(tenant, { roots: t.roots, buckets: t.buckets });
      for (const k of t.keys) {
        const other = keys.get(k.id);
        if (other && other.tenant !== tenant)
          throw new Error(
            `QUARRY_TENANTS_FILE: key id '${k.id}' of tenant '${tenant}' is also in QUARRY_API_KEYS for '${other.tenant}'`,
          );
        keys.set(k.id, { id: k.id, tenant, secret: k.secret });
      }
    }
  }
  const shared = {
    roots: config.storage.allowedRoots.length ? config.storage.allowedRoots : [config.home],
    buckets: config.storage.allowedBuckets,
  };
  return new Tenants(keys, grants, shared, config.storage.s3);
}

function readTenantsFile(file: string): TenantsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`QUARRY_TENANTS_FILE=${file}: ${(e as Error).message}`);
  }
  const r = TenantsFile.safeParse(json);
  if (!r.success)
    throw new Error(
      `QUARRY_TENANTS_FILE=${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '/'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
