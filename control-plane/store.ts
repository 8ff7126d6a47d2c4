/**
 * Durable store of a tenant's blueprints and projects: one JSON file per resource, written atomically (temp file
 * + rename), so a crash never leaves half a record. Every call names the tenant, and a tenant only ever reads its
 * own folder:
 *
 *   <home>/control-plane/{blueprints,projects}/<id>.json                    tenant 'default'
 *   <home>/control-plane/tenants/<tenant>/{blueprints,projects}/<id>.json   every other tenant
 *
 * 'default' keeps the layout the store had before it was keyed by tenant, so records written then stay where they
 * are and belong to 'default' (to hand them to another tenant, move the files into its folder). Shared by every
 * process with the same QUARRY_HOME. No native modules.
 *
 * A change that reads before it writes (a name must be free, a version number is one past the last) runs through
 * `change`, so that within one process no other change of the same folder comes between its read and its write.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StoredBlueprint, StoredProject } from '../schemas/control-plane.ts';
import { resourceIdOf } from './arns.ts';

type Kind = 'blueprints' | 'projects';
const SAFE = /^[a-zA-Z0-9-_]{1,128}$/;

export const DEFAULT_TENANT = 'default';

/**
 * The changes of one folder (a tenant's blueprints or projects) in this process, chained: each starts when the one
 * before it has ended. Module-wide, because the API builds a store per request; keyed by the folder.
 */
const changing = new Map<string, Promise<void>>();

export class ControlPlaneStore {
  readonly dir: string;
  constructor(home: string) {
    this.dir = path.join(home, 'control-plane');
  }
  private folder(tenant: string, kind: Kind): string {
    if (!SAFE.test(tenant)) throw new Error(`tenant '${tenant}' cannot name a control-plane folder (^[a-zA-Z0-9-_]+$)`);
    return tenant === DEFAULT_TENANT ? path.join(this.dir, kind) : path.join(this.dir, 'tenants', tenant, kind);
  }
  /** the record's file, or null when the ARN carries no usable id (such a resource cannot exist) */
  private file(tenant: string, kind: Kind, arn: string): string | null {
    const id = resourceIdOf(arn);
    return id && SAFE.test(id) ? path.join(this.folder(tenant, kind), `${id}.json`) : null;
  }
  private async write(tenant: string, kind: Kind, arn: string, value: unknown) {
    const f = this.file(tenant, kind, arn);
    if (!f) throw new Error(`invalid resource ARN '${arn}'`);
    await fs.mkdir(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await fs.rename(tmp, f);
  }
  private async readFile<T>(f: string, schema: { parse(v: unknown): T }): Promise<T | null> {
    try {
      return schema.parse(JSON.parse(await fs.readFile(f, 'utf8')));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
  private read<T>(tenant: string, kind: Kind, arn: string, schema: { parse(v: unknown): T }): Promise<T | null> {
    const f = this.file(tenant, kind, arn);
    return f ? this.readFile(f, schema) : Promise.resolve(null);
  }
  private async remove(tenant: string, kind: Kind, arn: string) {
    const f = this.file(tenant, kind, arn);
    if (f) await fs.rm(f, { force: true });
  }
  private async all<T>(tenant: string, kind: Kind, schema: { parse(v: unknown): T }): Promise<T[]> {
    const dir = this.folder(tenant, kind);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const out: T[] = [];
    for (const n of names.filter((x) => x.endsWith('.json')).sort()) {
      const v = await this.readFile(path.join(dir, n), schema);
      if (v) out.push(v);
    }
    return out;
  }

  /**
   * Runs `fn` — a read of the tenant's `kind` and the write it decides — alone among that folder's changes in this
   * process. Its turn is queued before anything is awaited, so a request arriving while another is between its read
   * and its write waits for that write. (API replicas in several processes on one QUARRY_HOME are not serialised.)
   */
  async change<T>(tenant: string, kind: Kind, fn: () => Promise<T>): Promise<T> {
    const key = this.folder(tenant, kind);
    const turn = (changing.get(key) ?? Promise.resolve()).then(() => fn());
    const done = turn.then(
      () => undefined,
      () => undefined,
    );
    changing.set(key, done);
    try {
      return await turn;
    } finally {
      if (changing.get(key) === done) changing.delete(key);
    }
  }

  /** the record whose ARN is exactly `arn` (the file is found by the ARN's id; region and account must match too) */
  async getBlueprint(tenant: string, arn: string) {
    const b = await this.read(tenant, 'blueprints', arn, StoredBlueprint);
    return b?.blueprintArn === arn ? b : null;
  }
  putBlueprint(tenant: string, b: StoredBlueprint) {
    return this.write(tenant, 'blueprints', b.blueprintArn, b);
  }
  deleteBlueprint(tenant: string, arn: string) {
    return this.remove(tenant, 'blueprints', arn);
  }
  listBlueprints(tenant: string) {
    return this.all(tenant, 'blueprints', StoredBlueprint);
  }
  async getProject(tenant: string, arn: string) {
    const p = await this.read(tenant, 'projects', arn, StoredProject);
    return p?.projectArn === arn ? p : null;
  }
  putProject(tenant: string, p: StoredProject) {
    return this.write(tenant, 'projects', p.projectArn, p);
  }
  deleteProject(tenant: string, arn: string) {
    return this.remove(tenant, 'projects', arn);
  }
  listProjects(tenant: string) {
    return this.all(tenant, 'projects', StoredProject);
  }
}
