/**
 * `quarry kb create|sync|status|ls` and `quarry search`: knowledge bases on this machine's QUARRY_HOME. `sync`
 * starts the knowledgeBaseSync workflow on the configured Temporal (TEMPORAL_ADDRESS, e.g. a running
 * `quarry dev`), or on an embedded stack started for the run when none answers; `search` embeds the question
 * here and asks the base's sink.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { startKnowledgeBaseSync } from '../api/knowledge-base-sync.ts';
import { KnowledgeBases } from '../engines/knowledge/knowledge-bases.ts';
import { openSink } from '../engines/knowledge/open-sink.ts';
import { searchKnowledgeBase } from '../engines/knowledge/search-knowledge-base.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import { loadConfig, type QuarryConfig } from '../schemas/config.ts';
import { BdaError } from '../schemas/errors.ts';
import { type KnowledgeBase, KnowledgeBaseName, KnowledgeBaseSinkKind } from '../schemas/knowledge-base.ts';
import { connectClient } from '../worker/connect.ts';
import { startEmbedded } from './embedded.ts';
import { formatTable } from './table.ts';

/** Like the embedded stack: files under the working directory (and QUARRY_HOME) are readable. */
const localConfig = (): QuarryConfig => {
  const c = loadConfig({ QUARRY_ALLOWED_ROOTS: process.cwd(), ...process.env });
  return { ...c, storage: { ...c.storage, allowedRoots: [...new Set([...c.storage.allowedRoots, c.home])] } };
};

const asUri = (s: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `${pathToFileURL(path.resolve(s)).href}${s.endsWith('/') ? '/' : ''}`);

async function report(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof BdaError)) throw e;
    console.error(`quarry: ${e.message}`);
    process.exitCode = 1;
  }
}

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const c = await Connection.connect({ address, connectTimeout: 2000 });
    await c.close();
    return true;
  } catch {
    return false;
  }
}

async function chunkCount(kb: KnowledgeBase, config: QuarryConfig): Promise<number | string> {
  const sink = (() => {
    try {
      return openSink(kb, config, openStorage(config));
    } catch {
      return undefined;
    }
  })();
  if (!sink) return '-';
  try {
    return await sink.count();
  } catch (e) {
    return `? (${(e as Error).message.slice(0, 40)})`;
  } finally {
    await sink.close();
  }
}

export function registerKnowledgeBaseCommands(program: Command, json: () => boolean): void {
  const out = (human: string, data: unknown) => console.log(json() ? JSON.stringify(data, null, 2) : human);
  const kb = program.command('kb').description('knowledge bases: chunks of processed files, embedded, in a sink');

  kb.command('create <name>')
    .description('a knowledge base fed from a folder or prefix')
    .requiredOption('--source <path|uri>', 'the folder (or file://, s3:// prefix) whose files it holds')
    .option('--sink <sink>', 'jsonl (files beside the outputs) or pgvector (QUARRY_KB_POSTGRES_URL)', 'jsonl')
    .action((name: string, o: { source: string; sink: string }) =>
      report(async () => {
        const config = localConfig();
        const n = KnowledgeBaseName.safeParse(name);
        if (!n.success) throw new BdaError('ValidationException', n.error.issues[0].message);
        const sink = KnowledgeBaseSinkKind.safeParse(o.sink);
        if (!sink.success) throw new BdaError('ValidationException', `--sink must be jsonl or pgvector, not '${o.sink}'`);
        const source = asUri(o.source.endsWith('/') ? o.source : `${o.source}/`);
        openStorage(config).check(source);
        if (sink.data === 'pgvector' && !config.knowledgeBase.postgresUrl)
          throw new BdaError('ValidationException', 'the pgvector sink needs QUARRY_KB_POSTGRES_URL');
        const created = await new KnowledgeBases(config.home).create({ name, source, sink: sink.data });
        out(`created knowledge base ${created.name} (${created.sink}) from ${created.source}`, created);
      }),
    );

  kb.command('ls')
    .description('every knowledge base')
    .action(async () => {
      const config = localConfig();
      const all = await new KnowledgeBases(config.home).list();
      out(
        formatTable(
          ['name', 'sink', 'source', 'sources', 'chunks', 'last sync'],
          all.map((k) => [k.name, k.sink, k.source, k.last_sync?.sources ?? '-', k.last_sync?.chunks ?? '-', k.last_sync?.finished_at ?? 'never']),
        ),
        { knowledge_bases: all },
      );
    });

  kb.command('status [name]')
    .description('a knowledge base (or all): its sink, what the last sync found, and the chunks stored now')
    .action((name: string | undefined) =>
      report(async () => {
        const config = localConfig();
        const bases = new KnowledgeBases(config.home);
        const all = name ? [await bases.get(name)] : await bases.list();
        const rows = [];
        for (const k of all) rows.push({ ...k, chunks_now: await chunkCount(k, config) });
        out(
          formatTable(
            ['name', 'sink', 'chunks', 'last sync', 'failed', 'location'],
            rows.map((k) => [k.name, k.sink, k.chunks_now, k.last_sync?.finished_at ?? 'never', k.last_sync?.failed ?? '-', k.location]),
          ),
          name ? rows[0] : { knowledge_bases: rows },
        );
      }),
    );

  kb.command('sync <name>')
    .description('feed new and changed files, remove deleted ones; waits unless --no-wait')
    .option('--no-wait', 'print the workflow run id and return')
    .action((name: string, o: { wait: boolean }) =>
      report(async () => {
        let config = localConfig();
        const base = await new KnowledgeBases(config.home).get(name);
        let embedded: Awaited<ReturnType<typeof startEmbedded>> | undefined;
        if (!(await temporalAnswers(config.temporal.address))) {
          if (!o.wait) throw new BdaError('ValidationException', `no Temporal at ${config.temporal.address} (start quarry dev)`);
          if (!json()) console.error(`no Temporal at ${config.temporal.address}: starting an embedded stack for this sync`);
          embedded = await startEmbedded({ fixedPorts: false, ui: false, env: process.env });
          config = embedded.config;
        }
        const { client, connection } = await connectClient(config);
        try {
          const handle = await startKnowledgeBaseSync(client, config, base);
          if (!o.wait) return out(handle.firstExecutionRunId, { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
          if (!json()) console.error(`syncing ${name} (workflow ${handle.workflowId})…`);
          const r = await handle.result();
          out(
            `${r.kb}: ${r.new_or_changed} new or changed, ${r.unchanged} unchanged, ${r.deleted} deleted; chunks +${r.chunks_added} −${r.chunks_removed} (=${r.chunks_kept})${r.failed.length ? `\nfailed:\n${r.failed.map((f) => `  ${f.uri}: ${f.error}`).join('\n')}` : ''}`,
            r,
          );
          if (r.failed.length) process.exitCode = 1;
        } finally {
          await connection.close();
          await embedded?.stop();
        }
      }),
    );

  program
    .command('mcp')
    .description('a Model Context Protocol tool server on stdio: search_knowledge_base, list_knowledge_bases, process_file, get_job')
    .action(async () => {
      const { serveMcpOnStdio } = await import('./mcp-server.ts');
      const config = localConfig();
      await serveMcpOnStdio(config, program.opts<{ endpoint: string }>().endpoint, config.cli.apiKey);
    });

  program
    .command('search <question>')
    .description('the chunks of a knowledge base nearest to a question, with citations')
    .requiredOption('--kb <name>', 'the knowledge base')
    .option('-k, --top <n>', 'how many results', '5')
    .action((question: string, o: { kb: string; top: string }) =>
      report(async () => {
        const config = localConfig();
        const base = await new KnowledgeBases(config.home).get(o.kb);
        const k = Number.parseInt(o.top, 10);
        if (!(k > 0 && k <= 100)) throw new BdaError('ValidationException', '--top must be 1 to 100');
        const results = await searchKnowledgeBase(base, question, k, { config, storage: openStorage(config) });
        const where = (r: (typeof results)[number]) =>
          r.page !== undefined ? `page ${r.page}` : r.start_ms !== undefined ? `${(r.start_ms / 1000).toFixed(1)}–${((r.end_ms ?? r.start_ms) / 1000).toFixed(1)} s` : '';
        out(
          results
            .map((r, i) => `${i + 1}. [${r.score.toFixed(3)}] ${r.source_uri} ${where(r)}\n   ${r.text.replace(/\n/g, '\n   ')}`)
            .join('\n'),
          { results },
        );
      }),
    );
}
