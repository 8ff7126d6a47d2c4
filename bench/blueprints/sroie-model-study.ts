/**
 * A component study for tuning the model path (not the README figure, which goes through the API:
 * bench/blueprints-api.bench.ts): SROIE receipt photos → Quarry's document OCR in process (standard outputs
 * cached in $QUARRY_STUDY_CACHE) → layout pass → the embedded model → grounded fields, scored per field.
 *   npx tsx bench/blueprints/sroie-model-study.ts <blueprint.json|catalog> <ids…|dev|held-out>
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { readWithModel } from '../../activities/custom-output/model-fields.ts';
import { shapeDocument } from '../../blueprints/apply.ts';
import { calibration } from '../../blueprints/calibration.ts';
import { CATALOG } from '../../blueprints/catalog.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import { layoutFromStandardOutput } from '../../blueprints/layout.ts';
import { buildCustomOutput, scoreResult } from '../../blueprints/output.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import { loadConfig } from '../../schemas/config.ts';
import { parseStandardOutput } from '../../schemas/standard-output.ts';
import { runDocumentDirect } from '../documents/run-direct.ts';
import { EVAL, sroieTruth } from './loaders.ts';
import { SROIE_DEV, SROIE_HELD_OUT, type SroieMapping, scoreSroie } from './sroie-score.ts';

const CACHE = process.env.QUARRY_STUDY_CACHE ?? '/tmp/quarry-sroie-so';

async function standardOutput(id: string): Promise<unknown> {
  const file = path.join(CACHE, `${id}.json`);
  if (existsSync(file)) return JSON.parse(await fs.readFile(file, 'utf8'));
  // the words custom output reads (the pipeline writes them for blueprints whatever the granularity asked)
  const r = await runDocumentDirect(path.join(EVAL, 'sroie/images', `${id}.jpg`), 'JPEG', {
    document: { extraction: { granularity: { types: ['WORD'] }, boundingBox: { state: 'ENABLED' } } },
  });
  await fs.mkdir(CACHE, { recursive: true });
  await fs.writeFile(file, JSON.stringify(r.result));
  await r.cleanup();
  return r.result;
}

const [which = 'catalog', ...rest] = process.argv.slice(2);
const ids = rest[0] === 'held-out' ? SROIE_HELD_OUT : rest.length && rest[0] !== 'dev' ? rest : SROIE_DEV;
const spec =
  which === 'catalog'
    ? {
        schema: CATALOG.find((c) => c.name.endsWith('receipt'))!.schema,
        mapping: { company: 'MerchantName', address: 'MerchantAddress', date: 'ReceiptDate', total: 'Total' },
      }
    : (JSON.parse(await fs.readFile(which, 'utf8')) as { schema: Record<string, unknown>; mapping: SroieMapping });
const bp = parseBlueprint(spec.schema);
const provider = configuredProvider({ ...loadConfig(process.env).generative, provider: 'embedded' });
if (!provider) throw new Error('no model');
if (process.env.STUDY_VERBOSE) {
  const generate = provider.generate.bind(provider);
  provider.generate = async (req, signal) => {
    const t = performance.now();
    const res = await generate(req, signal);
    console.log(
      `  prompt ${req.prompt.length} chars, budget ${req.maxTokens}, ${((performance.now() - t) / 1000).toFixed(1)} s => ${res.text}`,
    );
    if (process.env.STUDY_VERBOSE === '2') console.log(req.prompt);
    return res;
  };
}
const rows = [];
for (const id of ids) {
  const so = parseStandardOutput(await standardOutput(id), id);
  const doc = layoutFromStandardOutput(so);
  const [part] = shapeDocument({
    candidates: [{ arn: 'x', name: 'x', blueprint: bp }],
    fallback: { arn: 'x', name: 'x', blueprint: bp },
    doc,
    splitter: false,
  });
  const t0 = performance.now();
  const read = await readWithModel(bp, part.nodes ?? [], doc, provider);
  scoreResult(read.nodes, calibration);
  const truth = (await sroieTruth(id)) as Record<'company' | 'address' | 'date' | 'total', string>;
  const custom = buildCustomOutput({
    matched: { arn: 'x', name: 'x', confidence: 1 },
    blueprint: bp,
    nodes: read.nodes,
    pageIndices: [0],
  });
  rows.push({
    id,
    inference: custom.inference_result as Record<string, unknown>,
    explainability: custom.explainability_info[0] as Record<string, unknown>,
    truth,
    seconds: (performance.now() - t0) / 1000,
  });
  const s = scoreSroie([rows.at(-1)!], spec.mapping);
  console.log(id, `${rows.at(-1)!.seconds.toFixed(1)}s`, JSON.stringify(s.perItem[0]));
}
const s = scoreSroie(rows, spec.mapping);
console.log(
  JSON.stringify({ f1: s.f1, p: s.precision, r: s.recall, perField: s.perField, ungrounded: s.ungrounded }, null, 1),
);
