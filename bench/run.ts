/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.ts (default export returning a markdown table) and
 * writes the table into README.md. With no name, lists what exists.
 */
import { promises as fs } from 'node:fs';
import { writeBenchTable } from './readme-table.ts';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const available = (await fs.readdir(new URL('.', import.meta.url)))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
if (names.length === 0) {
  console.log(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(available.length ? 0 : 1);
}
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`no benchmark '${name}' (have: ${available.join(', ')})`);
    process.exit(2);
  }
  const mod = (await import(`./${name}.bench.ts`)) as { default: () => Promise<string> };
  const table = await mod.default();
  console.log(table);
  await writeBenchTable(name, table);
}
