import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Tiny files whose first bytes are those of each type (enough for sniffing and the no-op pipeline). */
export const magic = {
  pdf: () => Buffer.from('%PDF-1.7\n% quarry test\n'),
  png: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
  wav: () => Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]),
  corruptPdf: () => Buffer.from('%PDF-1.7\nCORRUPT'),
  /** a type no pipeline handles (GIF was, until images read GIF's first frame) */
  bmp: () => Buffer.from('BM......'),
};

export async function writeFiles(dir: string, files: Record<string, Buffer>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), body);
  }
}
