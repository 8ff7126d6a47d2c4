/**
 * `quarry mcp`: a Model Context Protocol tool server for agents, on stdio (official @modelcontextprotocol/sdk).
 * Tools: `search_knowledge_base` (cited chunks of a knowledge base on this machine), `list_knowledge_bases`,
 * `process_file` (invoke a job on the API at --endpoint and wait; returns its job metadata and the standard and
 * custom output of each file) and `get_job` (a job's status).
 */
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { KnowledgeBases } from '../engines/knowledge/knowledge-bases.ts';
import { searchKnowledgeBase } from '../engines/knowledge/search-knowledge-base.ts';
import { openStorage } from '../engines/storage/open-storage.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { ApiClient } from './api-client.ts';
import { invokeBody } from './job-request.ts';

const asJson = (value: unknown) => ({
  content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }],
  structuredContent: value as Record<string, unknown>,
});
const failed = (message: string) => ({ content: [{ type: 'text' as const, text: message }], isError: true });

async function readJson(uri: string | undefined): Promise<unknown> {
  if (!uri?.startsWith('file://')) return undefined;
  return JSON.parse(await fs.readFile(fileURLToPath(uri), 'utf8'));
}

export function createMcpServer(config: QuarryConfig, endpoint: string, apiKey?: string): McpServer {
  const server = new McpServer({ name: 'quarry', version: '0.1.0' });
  const api = new ApiClient(endpoint, apiKey);
  const bases = new KnowledgeBases(config.home);

  server.registerTool(
    'search_knowledge_base',
    {
      description:
        'Search a Quarry knowledge base: the chunks nearest to the question, each with its citation (source file, 1-based page and box, or start/end ms).',
      inputSchema: {
        knowledge_base: z.string().describe('name of the knowledge base (list_knowledge_bases)'),
        question: z.string().min(1),
        top_k: z.number().int().min(1).max(50).default(5),
      },
    },
    async ({ knowledge_base, question, top_k }) => {
      try {
        const kb = await bases.get(knowledge_base);
        const results = await searchKnowledgeBase(kb, question, top_k, { config, storage: openStorage(config) });
        return asJson({ results });
      } catch (e) {
        return failed((e as Error).message);
      }
    },
  );

  server.registerTool(
    'list_knowledge_bases',
    { description: 'The knowledge bases on this machine, their sources, sinks and last sync.' },
    async () => asJson({ knowledge_bases: await bases.list() }),
  );

  server.registerTool(
    'get_job',
    {
      description: 'Status of a Quarry job (invocation ARN or id): BDA status, progress, output location.',
      inputSchema: { invocation: z.string().min(1) },
    },
    async ({ invocation }) => {
      try {
        return asJson(await api.get<Record<string, unknown>>(`/jobs/${invocation.split('/').pop()}`));
      } catch (e) {
        return failed((e as Error).message);
      }
    },
  );

  server.registerTool(
    'process_file',
    {
      description:
        'Process a file or folder with Quarry (standard output, and custom output when blueprints are named) and wait for the result.',
      inputSchema: {
        path: z.string().min(1).describe('a local path, file:// or s3:// URI'),
        blueprints: z.array(z.string()).optional().describe('catalog blueprint names or ARNs'),
        out: z.string().default('quarry-out').describe('output location'),
        timeout_s: z.number().int().positive().max(3600).default(600),
      },
    },
    async ({ path, blueprints, out, timeout_s }) => {
      try {
        const { invocationArn } = await api.runtime<{ invocationArn: string }>(
          'InvokeDataAutomationAsync',
          invokeBody(path, { out, blueprint: blueprints }, config.region),
        );
        const id = invocationArn.split('/').pop();
        const deadline = Date.now() + timeout_s * 1000;
        let detail: { status: string; outputConfiguration?: { s3Uri: string } } & Record<string, unknown>;
        for (;;) {
          detail = await api.get(`/jobs/${id}`);
          if (!['Created', 'InProgress'].includes(detail.status)) break;
          if (Date.now() > deadline) return asJson({ invocationArn, ...detail, note: 'still running: call get_job' });
          await new Promise((r) => setTimeout(r, 1000));
        }
        const metadata = (await readJson(detail.outputConfiguration?.s3Uri).catch(() => undefined)) as
          | { output_metadata?: { segment_metadata?: { standard_output_path?: string; custom_output_path?: string }[] }[] }
          | undefined;
        const outputs = [];
        for (const a of metadata?.output_metadata ?? [])
          for (const s of a.segment_metadata ?? [])
            outputs.push({
              standard_output: await readJson(s.standard_output_path).catch(() => undefined),
              custom_output: await readJson(s.custom_output_path).catch(() => undefined),
            });
        return asJson({ invocationArn, ...detail, job_metadata: metadata, outputs });
      } catch (e) {
        return failed((e as Error).message);
      }
    },
  );
  return server;
}

/** Serves on stdin/stdout until the client closes it. */
export async function serveMcpOnStdio(config: QuarryConfig, endpoint: string, apiKey?: string): Promise<void> {
  const server = createMcpServer(config, endpoint, apiKey);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  await closed;
}
