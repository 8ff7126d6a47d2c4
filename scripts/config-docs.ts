/**
 * `npm run docs:config`: rewrites the tables of README §Configuration from the configuration schema
 * (schemas/config.ts and schemas/config/), between the config-table markers. test/unit/config.test.ts fails
 * when the README differs from what this writes, so the table cannot drift from the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configVariables, QuarryConfig } from '../schemas/config.ts';
import { scriptVariables } from '../schemas/config/script-variables.ts';
import { type ConfigVariable, defaultOf, listSections } from '../schemas/config/variables.ts';

export const BEGIN = '<!-- config-table: written by `npm run docs:config` from schemas/config/; edit there -->';
export const END = '<!-- /config-table -->';
export const README = fileURLToPath(new URL('../README.md', import.meta.url));

const cell = (s: string) => s.replaceAll('|', '\\|');

function shownDefault(v: ConfigVariable): string {
  if (v.shown) return v.shown;
  const d = defaultOf(v.schema);
  if (v.secret || d === undefined || (Array.isArray(d) && d.length === 0)) return '–';
  if (typeof d === 'boolean') return d ? 'on' : 'off';
  return `\`${Array.isArray(d) ? d.join(',') : String(d)}\``;
}

/** The generated part of README §Configuration: one table per section, then the scripts' own variables. */
export function configTables(): string {
  const out: string[] = [];
  for (const s of listSections(QuarryConfig)) {
    const rows = configVariables.filter((v) => v.section === s.title);
    if (!rows.length) continue;
    out.push(`**${s.title}**${s.doc ? ` — ${s.doc}` : ''}`, '');
    out.push('| variable | default | meaning |', '|---|---|---|');
    for (const v of rows) out.push(`| \`${v.env}\` | ${cell(shownDefault(v))} | ${cell(v.doc)} |`);
    out.push('');
  }
  const scripts = scriptVariables.map((v) => `\`${v.env}\` (${v.where}: ${v.doc})`).join(', ');
  out.push(`Read only by setup, the tests and the benchmarks, never by a Quarry process: ${scripts}.`);
  return out.join('\n');
}

/** `readme` with its generated part replaced by `configTables()`. */
export function withConfigTables(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
  return `${readme.slice(0, begin + BEGIN.length)}\n\n${configTables()}\n\n${readme.slice(end)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const before = readFileSync(README, 'utf8');
  const after = withConfigTables(before);
  if (after !== before) writeFileSync(README, after);
  console.log(`README.md §Configuration: ${configVariables.length} variables${after === before ? ', unchanged' : ''}`);
}
