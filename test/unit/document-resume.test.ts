/** A retried page-group activity resumes at the page its last heartbeat named (real poppler, no Temporal server). */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentActivities } from '../../activities/document/document-activities.ts';
import { openStorage } from '../../engines/storage/open-storage.ts';
import { loadConfig } from '../../schemas/config.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';

const fixture = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../fixtures/documents/table-across-pages.pdf',
);
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-resume-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('page groups', () => {
  it('heartbeats progress and resumes at the next page after a retry', async () => {
    const config = loadConfig({
      QUARRY_HOME: path.join(root, '.quarry'),
      QUARRY_ALLOWED_ROOTS: [root, path.dirname(fixture)].join(','),
      // an explicit environment: without this the embedded model (the default when installed) would phrase the summary
      QUARRY_GENERATIVE: 'off',
    });
    const storage = openStorage(config);
    const acts = createDocumentActivities({ config, storage, client: undefined as unknown as Client });
    const uri = pathToFileURL(fixture).href;
    const input: PipelineInput = {
      jobId: 'resume',
      assetIndex: 0,
      assetUri: uri,
      assetOutputUri: pathToFileURL(path.join(root, 'out', '0')).href,
      asset: {
        uri,
        bytes: (await fs.stat(fixture)).size,
        fileType: 'PDF',
        mediaType: 'application/pdf',
        modality: 'DOCUMENT',
      },
      modality: 'DOCUMENT',
      standardOutputConfiguration: {},
      blueprints: [],
      sync: false,
    };
    const plan = await acts.prepareDocument(input);
    expect(plan.pageCount).toBe(2);
    const beats: unknown[] = [];
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d: unknown) => beats.push(d));
    const r1: { resumedAt: number } = await first.run(acts.extractPageGroup, { plan, first: 0, last: 1 });
    expect(r1.resumedAt).toBe(0);
    expect(beats.at(-1)).toEqual({ next: 2, of: 2, ocrBefore: 0 });
    // a retry whose previous attempt got through page 0
    const retry = new MockActivityEnvironment({ heartbeatDetails: { next: 1 } } as never);
    const r2: { resumedAt: number } = await retry.run(acts.extractPageGroup, { plan, first: 0, last: 1 });
    expect(r2.resumedAt).toBe(1);
    // a retry whose previous attempt finished every page but died before it could report back (a crash between
    // the last page and the activity's completion): nothing left to read, the group completes as it was
    const done = new MockActivityEnvironment({ heartbeatDetails: { next: 2, of: 2, ocrBefore: 0 } } as never);
    const r3: { pages: number; ocrPages: number; resumedAt: number } = await done.run(acts.extractPageGroup, {
      plan,
      first: 0,
      last: 1,
    });
    expect(r3).toEqual({ pages: 2, ocrPages: 0, resumedAt: 2 });
    const out = await acts.writeDocumentOutput({ input, plan });
    const result = await storage.readJson<{ elements: { type: string }[] }>(out.uri);
    expect(result.elements.filter((e) => e.type === 'TABLE')).toHaveLength(1);
  });
});
