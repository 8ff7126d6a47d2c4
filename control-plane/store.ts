/**
 * Durable store of blueprints and projects: one JSON file per resource under `<home>/control-plane/`, written
 * atomically (temp file + rename), so a crash never leaves half a record. Read by the API and by the shaping
 * activity (any process sharing QUARRY_HOME). No native modules.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StoredBlueprint, StoredProject } from '../schemas/control-plane.ts';

const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const safe = (id: string) => {
  if (!/^[a-zA-Z0-9-_]+$/.test(id)) throw new Error(`invalid resource id '${id}'`);
  return id;
};

export class ControlPlaneStore {
  readonly dir: string;
  constructor(home: string) {
    this.dir = path.join(home, 'control-plane');
  }
  private file(kind: 'blueprints' | 'projects', id: string) {
    return path.join(this.dir, kind, `${safe(id)}.json`);
  }
  private async write(kind: 'blueprints' | 'projects', id: string, value: unknown) {
    const f = this.file(kind, id);
    await fs.mkdir(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await fs.rename(tmp, f);
  }
  private async read<T>(
    kind: 'blueprints' | 'projects',
    id: string,
    schema: { parse(v: unknown): T },
  ): Promise<T | null> {
    try {
      return schema.parse(JSON.parse(await fs.readFile(this.file(kind, id), 'utf8')));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as Error).message.startsWith('invalid resource id'))
        return null;
      throw e;
    }
  }
  private async all<T>(kind: 'blueprints' | 'projects', schema: { parse(v: unknown): T }): Promise<T[]> {
    const names = await fs.readdir(path.join(this.dir, kind)).catch(() => [] as string[]);
    const out: T[] = [];
    for (const n of names.filter((x) => x.endsWith('.json')).sort()) {
      const v = await this.read(kind, n.slice(0, -5), schema);
      if (v) out.push(v);
    }
    return out;
  }
  static newId(): string {
    return randomBytes(6).toString('hex');
  }
  getBlueprint(arn: string) {
    return this.read('blueprints', idOf(arn), StoredBlueprint);
  }
  putBlueprint(b: StoredBlueprint) {
    return this.write('blueprints', idOf(b.blueprintArn), b);
  }
  async deleteBlueprint(arn: string) {
    await fs.rm(this.file('blueprints', idOf(arn)), { force: true });
  }
  listBlueprints() {
    return this.all('blueprints', StoredBlueprint);
  }
  getProject(arn: string) {
    return this.read('projects', idOf(arn), StoredProject);
  }
  putProject(p: StoredProject) {
    return this.write('projects', idOf(p.projectArn), p);
  }
  async deleteProject(arn: string) {
    await fs.rm(this.file('projects', idOf(arn)), { force: true });
  }
  listProjects() {
    return this.all('projects', StoredProject);
  }
}
