/**
 * The knowledge bases this installation knows: a small JSON file under QUARRY_HOME (`knowledge-bases.json`),
 * written atomically. `quarry kb create` adds one; a finished sync records what it did.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { validationError } from '../../schemas/errors.ts';
import { KnowledgeBase, type KnowledgeBaseSinkKind } from '../../schemas/knowledge-base.ts';

const File = z.object({ knowledge_bases: z.array(KnowledgeBase) });

export class KnowledgeBases {
  constructor(private readonly home: string) {}
  private get file() {
    return path.join(this.home, 'knowledge-bases.json');
  }

  async list(): Promise<KnowledgeBase[]> {
    const text = await fs.readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '{"knowledge_bases":[]}';
      throw e;
    });
    return File.parse(JSON.parse(text)).knowledge_bases;
  }

  async get(name: string): Promise<KnowledgeBase> {
    const kb = (await this.list()).find((k) => k.name === name);
    if (!kb) throw validationError(`no knowledge base named '${name}' (quarry kb ls lists them; quarry kb create makes one)`);
    return kb;
  }

  private async save(all: KnowledgeBase[]) {
    await fs.mkdir(this.home, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ knowledge_bases: all }, null, 2));
    await fs.rename(tmp, this.file);
  }

  async create(input: { name: string; source: string; sink: KnowledgeBaseSinkKind; location?: string }): Promise<KnowledgeBase> {
    const all = await this.list();
    if (all.some((k) => k.name === input.name)) throw validationError(`a knowledge base named '${input.name}' already exists`);
    const location = input.location ?? `${pathToFileURL(path.join(this.home, 'knowledge-bases', input.name)).href}/`;
    const kb = KnowledgeBase.parse({ ...input, location, created_at: new Date().toISOString() });
    await this.save([...all, kb]);
    return kb;
  }

  async recordSync(name: string, last: NonNullable<KnowledgeBase['last_sync']>): Promise<void> {
    const all = await this.list();
    await this.save(all.map((k) => (k.name === name ? { ...k, last_sync: last } : k)));
  }
}
