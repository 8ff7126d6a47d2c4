/**
 * Runs the DOCUMENT activities in-process, in pipeline order, without Temporal (benchmarks and debugging).
 * The integration tests run the same activities through the real workflow.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { createDocumentActivities } from '../../activities/document/document-activities.ts';
import { openStorage } from '../../engines/storage/open-storage.ts';
import { loadConfig } from '../../schemas/config.ts';
import type { StandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';

export async function runDocumentDirect(
  file: string,
  fileType: string,
  soc: StandardOutputConfiguration = {},
  root?: string,
) {
  const base = root ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-docrun-')));
  const config = loadConfig({
    ...process.env, // the benchmark's settings (QUARRY_OCR_*, QUARRY_DOC_*)
    // the document engines' speed: the model's summary is measured by the blueprints benches (opt in with the variable)
    QUARRY_GENERATIVE: process.env.QUARRY_GENERATIVE ?? 'off',
    QUARRY_HOME: path.join(base, '.quarry'),
    QUARRY_ALLOWED_ROOTS: [base, path.dirname(path.resolve(file))].join(','),
  });
  const storage = openStorage(config);
  const acts = createDocumentActivities({ config, storage, client: undefined as unknown as Client });
  const input: PipelineInput = {
    jobId: 'direct',
    assetIndex: 0,
    assetUri: pathToFileURL(path.resolve(file)).href,
    assetOutputUri: pathToFileURL(path.join(base, 'out', '0')).href,
    asset: {
      uri: pathToFileURL(path.resolve(file)).href,
      bytes: (await fs.stat(file)).size,
      fileType,
      mediaType: '',
      modality: 'DOCUMENT',
    },
    modality: 'DOCUMENT',
    standardOutputConfiguration: soc,
    blueprints: [],
    sync: false,
  };
  const plan = await acts.prepareDocument(input);
  const assetsUri =
    soc.document?.outputFormat?.additionalFileFormat.state === 'ENABLED'
      ? `${input.assetOutputUri}/standard_output/0/assets`
      : undefined;
  const queue = [...plan.groups];
  await Promise.all(
    Array.from({ length: Math.min(plan.groupsInFlight, queue.length) }, async () => {
      for (let g = queue.shift(); g; g = queue.shift())
        await acts.extractPageGroup({ plan, first: g[0], last: g[1], assetsUri });
    }),
  );
  const out = await acts.writeDocumentOutput({ input, plan });
  await acts.cleanDocumentWork({ workUri: plan.workUri });
  const result = await storage.readJson(out.uri);
  return {
    result,
    stats: out.stats,
    base,
    cleanup: () => (root ? Promise.resolve() : fs.rm(base, { recursive: true, force: true })),
  };
}
