import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { StorageRouter } from '../../engines/storage/open-storage.ts';

/** One input asset of a job: its index (the output folder name) and URI. */
export interface ManifestEntry {
  index: number;
  uri: string;
  bytes: number;
}

/**
 * Lists every file under the job's input (one file, or a prefix) into a JSONL manifest in storage, so
 * the job workflow can page through 10,000 assets without carrying the list in its history.
 */
export async function writeManifest(storage: StorageRouter, inputUri: string, manifestUri: string): Promise<number> {
  let count = 0;
  async function* lines() {
    for await (const obj of storage.list(inputUri)) {
      const entry: ManifestEntry = { index: count++, uri: obj.uri, bytes: obj.bytes };
      yield `${JSON.stringify(entry)}\n`;
    }
  }
  await storage.write(manifestUri, Readable.from(lines()), 'application/x-ndjson');
  return count;
}

export async function readManifestPage(
  storage: StorageRouter,
  manifestUri: string,
  offset: number,
  limit: number,
): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  const rl = createInterface({ input: await storage.read(manifestUri), crlfDelay: Number.POSITIVE_INFINITY });
  let i = 0;
  for await (const line of rl) {
    if (!line) continue;
    if (i >= offset + limit) break;
    if (i >= offset) out.push(JSON.parse(line) as ManifestEntry);
    i++;
  }
  rl.close();
  return out;
}
