/** biome-ignore-all lint/suspicious/noExplicitAny: custom output JSON read back from disk */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.ts';
import { resolveOldJobBlueprints } from '../../control-plane/resolve-old-job.ts';
import { createCustomOutputActivities } from '../../activities/custom-output/custom-output-activities.ts';
import { openStorage } from '../../engines/storage/open-storage.ts';
import { carryCustomOutput, INLINE_CUSTOM_OUTPUT_MAX_BYTES } from '../../api/carry-custom-output.ts';
import { ControlPlaneStore } from '../../control-plane/store.ts';
import { findCatalogBlueprint } from '../../blueprints/catalog.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import { validateInferenceResult } from '../../blueprints/output.ts';
import { loadConfig } from '../../schemas/config.ts';
import type { ResolvedBlueprint, ResolvedCustomOutput, StoredCustomOutput } from '../../schemas/pipeline.ts';
import { layoutFromText } from '../fixtures/blueprints/text-layout.ts';

let home: string;
let deps: ActivityDeps;

const pages = [
  `ACME Supplies Ltd                              INVOICE\nInvoice No: INV-2041                            Invoice Date: 03/08/2024\nSubtotal: 35.00\nTax: 3.50\nTotal: 38.50 EUR`,
  `SOON HUAT MACHINERY ENTERPRISE\nNO.53 JALAN PUTRA 1, TAMAN SRI PUTRA\nCASH BILL                 RECEIPT\nDate: 11/01/2019\nTOTAL SALES : 327.00\nCASH : 327.00\nCHANGE : 0.00\nTHANK YOU`,
  `Northwind Traders Inc                      PAYSLIP\nEmployee Name: John Smith          Employee ID: E-1044\nPay Date: 31/01/2024\nGross Pay: 4,000.00\nNet Pay: 3,000.00`,
];

/** BDA-shaped document standard output (text_words with page_index and bounding boxes) for typed pages. */
function standardOutput(texts: string[]) {
  const layout = layoutFromText(texts);
  let n = 0;
  const words = layout.lines.flatMap((l, li) =>
    l.words.map((w) => ({
      id: `w${n++}`,
      line_id: `l${li}`,
      text: w.text,
      reading_order: n,
      page_index: w.page,
      confidence: w.confidence,
      locations: { page_index: w.page, bounding_box: w.box },
    })),
  );
  const statistics = { element_count: 0, table_count: 0, figure_count: 0, word_count: n, line_count: 0, hyperlinks_count: 0 };
  return {
    metadata: {
      asset_id: '0',
      semantic_modality: 'DOCUMENT',
      number_of_pages: texts.length,
      start_page_index: 0,
      end_page_index: texts.length - 1,
      file_type: 'PDF',
    },
    document: { statistics },
    pages: texts.map((_, i) => ({ id: `p${i}`, page_index: i, statistics })),
    text_words: words,
  };
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-shape-'));
  const config = loadConfig({ QUARRY_HOME: home, QUARRY_ALLOWED_ROOTS: home, QUARRY_GENERATIVE: 'off' });
  deps = { config, storage: openStorage(config), client: undefined as unknown as ActivityDeps['client'] };
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

const catalogArn = (n: string) => `arn:aws:bedrock:us-east-1:aws:blueprint/${findCatalogBlueprint(n)!.name}`;
const resolved = (n: string): ResolvedBlueprint => {
  const e = findCatalogBlueprint(n)!;
  return { blueprintArn: catalogArn(n), blueprintName: e.name, type: e.modality, schema: JSON.stringify(e.schema) };
};

describe('applyBlueprints activity', () => {
  it('runs the blueprints resolved at submit: the project named in the input is never read', async () => {
    const out = `file://${home}/out/resolved/0`;
    await deps.storage.writeJson(`${out}/standard_output/0/result.json`, standardOutput(pages));
    const { applyBlueprints } = createCustomOutputActivities(deps, (input) => resolveOldJobBlueprints(deps.config, input));
    const segments = await applyBlueprints({
      jobId: 'j2',
      assetIndex: 0,
      assetOutputUri: out,
      modality: 'DOCUMENT',
      segments: [{ segmentIndex: 0, standardOutputUri: `${out}/standard_output/0/result.json` }],
      customOutput: {
        blueprints: ['invoice', 'receipt', 'payslip'].map(resolved),
        fallbackBlueprints: [],
        splitter: true,
      },
      blueprints: [],
      // no such project in the store: with customOutput the activity does not look
      projectArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-project/gone00000000',
      splitter: false,
    });
    expect(segments.map((s) => s.customOutputStatus)).toEqual(['MATCH', 'MATCH', 'MATCH']);
    const receipt = await deps.storage.readJson<any>(segments[1].customOutputUri as string);
    expect(receipt.matched_blueprint.arn).toBe(catalogArn('receipt'));
  });

  it('reads a claim check when the resolved blueprints are too big to carry inline, and refuses one changed since', async () => {
    const big: ResolvedCustomOutput = {
      blueprints: [resolved('receipt'), ...Array.from({ length: 12 }, () => resolved('passport'))],
      fallbackBlueprints: [],
      splitter: false,
    };
    const small: ResolvedCustomOutput = { blueprints: [resolved('receipt')], fallbackBlueprints: [], splitter: false };
    const jobOut = `file://${home}/out/claim`;
    expect(await carryCustomOutput(deps.storage, jobOut, small)).toBe(small);
    expect(JSON.stringify(big).length).toBeGreaterThan(INLINE_CUSTOM_OUTPUT_MAX_BYTES);
    const claim = (await carryCustomOutput(deps.storage, jobOut, big)) as StoredCustomOutput;
    expect(claim.uri).toMatch(new RegExp(`^${jobOut}/\\.quarry/custom-output-[0-9a-f]{16}\\.json$`));
    const out = `${jobOut}/0`;
    await deps.storage.writeJson(`${out}/standard_output/0/result.json`, standardOutput([pages[1]]));
    const input = {
      jobId: 'j3',
      assetIndex: 0,
      assetOutputUri: out,
      modality: 'DOCUMENT' as const,
      segments: [{ segmentIndex: 0, standardOutputUri: `${out}/standard_output/0/result.json` }],
      customOutput: claim,
      blueprints: [],
      splitter: false,
    };
    const { applyBlueprints } = createCustomOutputActivities(deps, (input) => resolveOldJobBlueprints(deps.config, input));
    const [segment] = await applyBlueprints(input);
    const custom = await deps.storage.readJson<any>(segment.customOutputUri as string);
    expect(custom.matched_blueprint.arn).toBe(catalogArn('receipt'));
    await deps.storage.write(claim.uri, JSON.stringify(small));
    await expect(applyBlueprints(input)).rejects.toMatchObject({ type: 'InvalidInput', message: /sha256 mismatch/ });
  });

  it('still takes an old-shaped input (no customOutput): the project is resolved from the store, as before', async () => {
    const out = `file://${home}/out/job/0`;
    await deps.storage.writeJson(`${out}/standard_output/0/result.json`, standardOutput(pages));
    const store = new ControlPlaneStore(home);
    const arn = (n: string) => `arn:aws:bedrock:us-east-1:aws:blueprint/${findCatalogBlueprint(n)!.name}`;
    const projectArn = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-project/abc123';
    await store.putProject('default', {
      projectArn,
      projectName: 'packets',
      projectType: 'ASYNC',
      creationTime: new Date().toISOString(),
      stages: {
        LIVE: {
          standardOutputConfiguration: {},
          customOutputConfiguration: {
            blueprints: ['invoice', 'receipt', 'payslip'].map((n) => ({ blueprintArn: arn(n) })),
          },
          overrideConfiguration: { document: { splitter: { state: 'ENABLED' } } },
          lastModifiedTime: new Date().toISOString(),
        },
      },
    });
    const { applyBlueprints } = createCustomOutputActivities(deps, (input) => resolveOldJobBlueprints(deps.config, input));
    const segments = await applyBlueprints({
      jobId: 'j1',
      assetIndex: 0,
      assetOutputUri: out,
      modality: 'DOCUMENT',
      segments: [{ segmentIndex: 0, standardOutputUri: `${out}/standard_output/0/result.json` }],
      blueprints: [],
      projectArn,
      splitter: false,
    });
    expect(segments).toHaveLength(3);
    const names = ['invoice', 'receipt', 'payslip'];
    for (const [i, s] of segments.entries()) {
      expect(s.customOutputStatus).toBe('MATCH');
      const custom = await deps.storage.readJson<any>(s.customOutputUri as string);
      expect(custom.matched_blueprint.arn).toBe(arn(names[i]));
      expect(custom.split_document.page_indices).toEqual([i]);
      const bp = parseBlueprint(findCatalogBlueprint(names[i])!.schema);
      expect(validateInferenceResult(bp.fields, custom.inference_result)).toEqual([]);
      const std = await deps.storage.readJson<any>(s.standardOutputUri);
      expect(std.metadata.start_page_index).toBe(i);
      expect(new Set(std.text_words.map((w: any) => w.page_index))).toEqual(new Set([i]));
    }
    const invoice = await deps.storage.readJson<any>(segments[0].customOutputUri as string);
    expect(invoice.inference_result).toMatchObject({
      InvoiceNumber: 'INV-2041',
      InvoiceDate: '2024-08-03',
      InvoiceTotal: 38.5,
      Subtotal: 35,
      TotalTax: 3.5,
    });
    const receipt = await deps.storage.readJson<any>(segments[1].customOutputUri as string);
    expect(receipt.inference_result).toMatchObject({
      MerchantName: 'SOON HUAT MACHINERY ENTERPRISE',
      ReceiptDate: '2019-01-11',
      Total: 327,
    });
    expect(receipt.explainability_info[0].Total.geometry[0].page).toBe(2);
  });

  it('reports a missing blueprint of an old-shaped input as a ResourceNotFound client error', async () => {
    const { applyBlueprints } = createCustomOutputActivities(deps, (input) => resolveOldJobBlueprints(deps.config, input));
    await expect(
      applyBlueprints({
        jobId: 'j',
        assetIndex: 0,
        assetOutputUri: `file://${home}/x`,
        modality: 'DOCUMENT',
        segments: [],
        blueprints: [{ blueprintArn: 'arn:aws:bedrock:us-east-1:000000000000:blueprint/nope' }],
        splitter: false,
      }),
    ).rejects.toMatchObject({ type: 'ResourceNotFound' });
  });
});
