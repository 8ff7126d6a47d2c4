import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Puts a benchmark's results table into README.md between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`
 * (added at the end of the Benchmarks section when missing), and keeps a copy in bench/results/NAME.md.
 */
export async function writeBenchTable(name: string, markdown: string, readmePath = 'README.md'): Promise<void> {
  const stamped = `${markdown.trim()}\n\n_Measured ${new Date().toISOString().slice(0, 16)}Z on ${process.platform}/${process.arch}, ${
    (await import('node:os')).cpus().length
  } cores, Node ${process.version}._`;
  await fs.mkdir('bench/results', { recursive: true });
  await fs.writeFile(path.join('bench/results', `${name}.md`), `${stamped}\n`);
  const readme = await fs.readFile(readmePath, 'utf8').catch(() => '');
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${stamped}\n${close}`;
  let next: string;
  if (readme.includes(open) && readme.includes(close)) {
    next = readme.slice(0, readme.indexOf(open)) + block + readme.slice(readme.indexOf(close) + close.length);
  } else {
    next = `${readme.trimEnd()}\n\n### ${name}\n\n${block}\n`;
  }
  await fs.writeFile(readmePath, next);
}
