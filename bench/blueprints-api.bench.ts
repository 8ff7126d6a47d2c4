/**
 * `npm run bench -- blueprints-api`: custom output measured as a user gets it. SROIE receipt photos (the held-out
 * receipts, never tuned on; ../shared/eval read in place) go through the real API with the unchanged AWS SDK, the
 * Temporal workflows, Quarry's OCR (`modalityRouting` jpeg → DOCUMENT) and custom output, with the generative
 * model on (`QUARRY_GENERATIVE=embedded`), against the catalog receipt blueprint and three blueprints
 * written fresh in a user's words (bench/blueprints/fresh/*.json, never tuned on); the catalog blueprint also
 * each also without the model (the layout pass alone). Per blueprint: SROIE exact-match F1 (company, address, date,
 * total), ungrounded explicit values, seconds per receipt; overall: the share of non-null answers for fields
 * the receipts do not contain, ECE of the output confidences (raw, and after an isotonic map fitted on one half
 * of the receipts and tested on the other, both ways), peak RSS of the process (API + workers + model).
 *   BENCH_RECEIPTS=12 runs the first 12 held-out receipts (default: all 30); BENCH_BLUEPRINTS=a,b only the fresh
 *   blueprints named (and the catalog one when `catalog` is named; default: all); BENCH_MODEL=off the layout
 *   pass only, =on the model runs only. QUARRY_OCR_ENGINE chooses the OCR engine as it does for a user.
 * The model path's calibration map is fitted on other receipts and blueprints: `npm run bench -- blueprints-fit`.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BedrockDataAutomationClient,
  CreateBlueprintCommand,
  CreateDataAutomationProjectCommand,
} from '@aws-sdk/client-bedrock-data-automation';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { calibration } from '../blueprints/calibration.ts';
import { CATALOG, publicBlueprintArn } from '../blueprints/catalog.ts';
import { applyCalibration, expectedCalibrationError, fitIsotonic } from '../blueprints/confidence.ts';
import { startEmbedded } from '../cli/embedded.ts';
import { closeOcrEngines } from '../engines/ocr/choose-engine.ts';
import { EVAL, evalAvailable, sroieTruth } from './blueprints/loaders.ts';
import { SROIE_DEV, SROIE_HELD_OUT, type ScoredReceipt, type SroieKey, type SroieMapping, scoreSroie, sroieCorrect } from './blueprints/sroie-score.ts';

interface Spec {
  name: string;
  schema?: Record<string, unknown>;
  arn?: string;
  mapping: SroieMapping;
  absent?: string[];
  model: boolean;
}

const FRESH = path.join(import.meta.dirname, 'blueprints/fresh');
const FIT = path.join(import.meta.dirname, 'blueprints/fit');
const CALIBRATION_FILE = path.join(import.meta.dirname, '../blueprints/calibration.json');
const credentials = { accessKeyId: 'AKIDQUARRYBENCH', secretAccessKey: 'not-checked' };

async function specs(dir = FRESH): Promise<Spec[]> {
  const receipt = CATALOG.find((c) => c.name.endsWith('receipt'))!;
  const catalogMapping = { company: 'MerchantName', address: 'MerchantAddress', date: 'ReceiptDate', total: 'Total' };
  const out: Spec[] = [
    { name: 'catalog receipt, layout pass only', arn: publicBlueprintArn('us-east-1', receipt.name), mapping: catalogMapping, model: false },
    { name: 'catalog receipt + model', arn: publicBlueprintArn('us-east-1', receipt.name), mapping: catalogMapping, model: true },
  ];
  for (const f of (await fs.readdir(dir)).filter((x) => x.endsWith('.json')).sort()) {
    const j = JSON.parse(await fs.readFile(path.join(dir, f), 'utf8'));
    const name = `fresh: ${f.replace(/\.json$/, '')}`;
    out.push({ name: `${name}, layout pass only`, schema: j.schema, mapping: j.mapping, absent: j.absent, model: false });
    out.push({ name: `${name} + model`, schema: j.schema, mapping: j.mapping, absent: j.absent, model: true });
  }
  return out;
}

interface Run {
  spec: Spec;
  items: ScoredReceipt[];
  seconds: number;
}

async function runJobs(specList: Spec[], ids: string[], model: boolean, work: string): Promise<Run[]> {
  const stack = await startEmbedded({
    fixedPorts: false,
    ui: false,
    env: {
      ...process.env,
      QUARRY_HOME: path.join(work, model ? 'home-model' : 'home-layout'),
      QUARRY_ALLOWED_ROOTS: work,
      QUARRY_GENERATIVE: model ? 'embedded' : 'off',
    },
  });
  const control = new BedrockDataAutomationClient({ endpoint: stack.apiUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
  const sdk = new BedrockDataAutomationRuntimeClient({ endpoint: stack.apiUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
  const runs: Run[] = [];
  try {
    for (const [k, spec] of specList.entries()) {
      let arn = spec.arn;
      if (!arn) {
        const { blueprint } = await control.send(
          new CreateBlueprintCommand({ blueprintName: `bench-${k}-${Date.now()}`, type: 'DOCUMENT', schema: JSON.stringify(spec.schema) }),
        );
        arn = blueprint?.blueprintArn as string;
      }
      const { projectArn } = await control.send(
        new CreateDataAutomationProjectCommand({
          projectName: `bench-${model ? 'm' : 'l'}-${k}-${Date.now()}`,
          projectStage: 'LIVE',
          // the abstractive summary is its own measurement: here the model reads the blueprint only
          standardOutputConfiguration: { document: { generativeField: { state: 'DISABLED' } } },
          customOutputConfiguration: { blueprints: [{ blueprintArn: arn }] },
          overrideConfiguration: { modalityRouting: { jpeg: 'DOCUMENT' } },
        }),
      );
      const t0 = performance.now();
      const { invocationArn } = await sdk.send(
        new InvokeDataAutomationAsyncCommand({
          inputConfiguration: { s3Uri: pathToFileURL(path.join(work, 'in')).href },
          outputConfiguration: { s3Uri: pathToFileURL(path.join(work, `out-${model ? 'm' : 'l'}-${k}`)).href },
          dataAutomationConfiguration: { dataAutomationProjectArn: projectArn, stage: 'LIVE' },
          dataAutomationProfileArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1',
        }),
      );
      let status = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
      while (status.status === 'Created' || status.status === 'InProgress') {
        await new Promise((r) => setTimeout(r, 1000));
        status = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
      }
      const seconds = (performance.now() - t0) / 1000;
      if (status.status !== 'Success') throw new Error(`${spec.name}: job ${status.status}: ${status.errorMessage}`);
      const meta = JSON.parse(await fs.readFile(fileURLToPath(status.outputConfiguration?.s3Uri as string), 'utf8'));
      const items: ScoredReceipt[] = [];
      for (const asset of meta.output_metadata as { asset_input_path: { uri: string }; segment_metadata: { custom_output_path?: string }[] }[]) {
        const id = path.basename(asset.asset_input_path.uri, '.jpg');
        const uri = asset.segment_metadata[0]?.custom_output_path;
        const custom = uri ? JSON.parse(await fs.readFile(fileURLToPath(uri), 'utf8')) : { inference_result: {}, explainability_info: [{}] };
        items.push({
          id,
          inference: custom.inference_result ?? {},
          explainability: custom.explainability_info?.[0] ?? {},
          truth: (await sroieTruth(id)) as Record<SroieKey, string>,
        });
      }
      items.sort((a, b) => a.id.localeCompare(b.id));
      runs.push({ spec, items, seconds });
      const s = scoreSroie(items, spec.mapping);
      console.error(`[bench] ${spec.name}: F1 ${s.f1.toFixed(3)} (${ids.length} receipts, ${seconds.toFixed(0)} s)`);
      for (const row of s.perItem) console.error(`  ${JSON.stringify(row)}`);
    }
  } finally {
    sdk.destroy();
    control.destroy();
    await stack.stop();
    await closeOcrEngines();
  }
  return runs;
}

/** (confidence, correct) of every non-null value: mapped ones scored against the truth, absent ones wrong */
function samples(run: Run, half?: 0 | 1) {
  const out: { confidence: number; correct: boolean }[] = [];
  const confidenceOf = (it: ScoredReceipt, name: string) =>
    Number((it.explainability?.[name] as { confidence?: number } | undefined)?.confidence ?? 0);
  for (const [i, it] of run.items.entries()) {
    if (half !== undefined && i % 2 !== half) continue;
    for (const key of Object.keys(run.spec.mapping) as SroieKey[]) {
      const name = run.spec.mapping[key];
      const v = it.inference[name];
      if (v === null || v === undefined) continue;
      out.push({ confidence: confidenceOf(it, name), correct: sroieCorrect(key, v, it.truth[key]) });
    }
    for (const name of run.spec.absent ?? [])
      if (it.inference[name] !== null && it.inference[name] !== undefined)
        out.push({ confidence: confidenceOf(it, name), correct: false });
  }
  return out;
}

/**
 * The model path's calibration map (`npm run bench -- blueprints-fit`): the catalog blueprint and the fitting
 * blueprints (bench/blueprints/fit/*.json, never reported) with the model on the SROIE dev receipts (not the
 * held-out ones this bench reports on), raw confidences (the map in use is set aside for the run), isotonic fit
 * → `model` in blueprints/calibration.json.
 */
export async function fitModelCalibration(): Promise<string> {
  if (!(await evalAvailable())) return `_skipped: evaluation data not found at ${EVAL}_`;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-fit-'));
  await fs.mkdir(path.join(work, 'in'));
  const ids = SROIE_DEV.slice(0, Number(process.env.BENCH_RECEIPTS ?? SROIE_DEV.length));
  for (const id of ids) await fs.copyFile(path.join(EVAL, 'sroie/images', `${id}.jpg`), path.join(work, 'in', `${id}.jpg`));
  // the workers run in this process: set the map in use aside, so the outputs carry raw scores
  delete calibration.model;
  const runs = await runJobs((await specs(FIT)).filter((s) => s.model), ids, true, work);
  const raw = runs.flatMap((r) => samples(r));
  const day = new Date().toISOString().slice(0, 10);
  const model = fitIsotonic(
    raw.map((x) => ({ score: x.confidence, correct: x.correct })),
    `SROIE dev receipts (${ids.length}) through the API with the embedded model; ${runs.map((r) => r.spec.name).join(', ')}; ${day}`,
  );
  const file = JSON.parse(await fs.readFile(CALIBRATION_FILE, 'utf8'));
  await fs.writeFile(CALIBRATION_FILE, `${JSON.stringify({ ...file, model }, null, 2)}\n`);
  const fitted = raw.map((x) => ({ confidence: applyCalibration(x.confidence, model), correct: x.correct }));
  return [
    `Model-path calibration fitted on ${ids.length} SROIE dev receipts (${raw.length} values; ${runs.map((r) => r.spec.name).join(', ')}), written to blueprints/calibration.json \`model\`.`,
    `ECE on the fitting values: raw ${expectedCalibrationError(raw).toFixed(3)}, fitted ${expectedCalibrationError(fitted).toFixed(3)} (in-sample: the held-out figure is \`npm run bench -- blueprints-api\`).`,
  ].join('\n');
}

export default async function bench(): Promise<string> {
  if (!(await evalAvailable())) return `_skipped: evaluation data not found at ${EVAL}_`;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-bp-'));
  await fs.mkdir(path.join(work, 'in'));
  const ids = SROIE_HELD_OUT.slice(0, Number(process.env.BENCH_RECEIPTS ?? SROIE_HELD_OUT.length));
  for (const id of ids) await fs.copyFile(path.join(EVAL, 'sroie/images', `${id}.jpg`), path.join(work, 'in', `${id}.jpg`));
  const only = process.env.BENCH_BLUEPRINTS?.split(',').map((x) => x.trim());
  const all = (await specs()).filter((x) => !only || only.some((o) => x.name.startsWith(o === 'catalog' ? 'catalog' : `fresh: ${o}`)));
  const started = Date.now();
  // BENCH_MODEL=off runs the layout pass only, =on the model runs only (default: both)
  const which = process.env.BENCH_MODEL ?? 'both';
  const runs = [
    ...(which === 'on' ? [] : await runJobs(all.filter((s) => !s.model), ids, false, work)),
    ...(which === 'off' ? [] : await runJobs(all.filter((s) => s.model), ids, true, work)),
  ];
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const rows = runs.map((r) => {
    const s = scoreSroie(r.items, r.spec.mapping);
    return `| ${r.spec.name} | ${s.f1.toFixed(3)} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${['company', 'address', 'date', 'total'].map((k) => s.perField[k]).join(' / ')} | ${s.ungrounded} | ${(r.seconds / ids.length).toFixed(1)} |`;
  });
  // fields the receipts do not contain: the share of non-null answers, with and without the model
  const absent = (model: boolean) => {
    let asked = 0;
    let answered = 0;
    for (const r of runs.filter((x) => x.spec.model === model))
      for (const name of r.spec.absent ?? [])
        for (const it of r.items) {
          asked++;
          if (it.inference[name] !== null && it.inference[name] !== undefined) answered++;
        }
    return `${answered} of ${asked} non-null (${((100 * answered) / Math.max(1, asked)).toFixed(1)} %)`;
  };
  const modelRuns = runs.filter((r) => r.spec.model);
  const raw = modelRuns.flatMap((r) => samples(r));
  const heldOut = ([0, 1] as const).flatMap((h) => {
    const fit = fitIsotonic(modelRuns.flatMap((r) => samples(r, h)).map((s) => ({ score: s.confidence, correct: s.correct })));
    return modelRuns.flatMap((r) => samples(r, h === 0 ? 1 : 0)).map((s) => ({ confidence: applyCalibration(s.confidence, fit), correct: s.correct }));
  });
  const load = os.loadavg()[0].toFixed(1);
  return [
    `SROIE held-out receipts (${ids.length} of ${SROIE_HELD_OUT.length}: ${ids[0]}…${ids.at(-1)}), photos through the API (AWS SDK → Temporal → OCR → custom output); OCR engine: ${process.env.QUARRY_OCR_ENGINE ?? 'auto'}; model: the embedded Qwen2.5 Coder 1.5B Q4_K_M on ${os.cpus().length} cores. ${new Date(started).toISOString().slice(0, 10)}, load average at the end ${load}.`,
    '',
    '| blueprint | F1 | precision | recall | correct company / address / date / total | ungrounded explicit values | s / receipt |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Fields the receipts do not contain (${[...new Set(all.flatMap((x) => x.absent ?? []))].join(', ')}): with the model ${absent(true)}; layout pass only ${absent(false)}.`,
    `ECE of the model runs' confidences (${raw.length} values): ${expectedCalibrationError(raw).toFixed(3)} as output; ${expectedCalibrationError(heldOut).toFixed(3)} after an isotonic map fitted on alternate receipts (2-fold, held out). Peak RSS of the bench process (API, workers, OCR, model): ${rssMb.toFixed(0)} MB.`,
  ].join('\n');
}
