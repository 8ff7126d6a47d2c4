/**
 * `quarry`: run Quarry embedded (`dev`, `demo`, `run`), talk to a running API (`submit`, `status`, `ls`),
 * or run one part of a scaled-out deployment (`worker`, `api`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { type QuarryConfig, startupConfig } from '../schemas/config.ts';
import { ApiClient, QuarryApiError } from './api-client.ts';
import { startEmbedded } from './embedded.ts';
import { followJob, summarize } from './follow-job.ts';
import { invokeBody, type RunOptions } from './job-request.ts';
import { formatTable } from './table.ts';

// the configuration, once: an invalid variable stops here, naming it; an unknown QUARRY_* one is a warning
let config: QuarryConfig;
try {
  config = startupConfig();
} catch (e) {
  console.error(`quarry: ${(e as Error).message}`);
  process.exit(2);
}

const program = new Command('quarry')
  .description('Self-hosted multimodal data automation (BDA-compatible) on Temporal')
  .option('--endpoint <url>', 'Quarry API endpoint', config.cli.endpoint)
  .option('--json', 'machine-readable output');

const g = () => program.opts<{ endpoint: string; json?: boolean }>();
const out = (human: string, json: unknown) => console.log(g().json ? JSON.stringify(json, null, 2) : human);
const jobIdOf = (idOrArn: string) => idOrArn.split('/').pop()!;
const collect = (v: string, prev: string[] = []) => [...prev, v];
const apiAt = (endpoint: string) => new ApiClient(endpoint, config.cli.apiKey);

/** The web console's address on an API (with the CLI's key, which the console keeps in its cookie). */
const consoleUrl = (apiUrl: string) =>
  `${apiUrl.replace(/\/+$/, '')}/console/${config.cli.apiKey ? `?key=${encodeURIComponent(config.cli.apiKey)}` : ''}`;

/** Everything embedded on fixed ports until Ctrl-C (`quarry dev`, and `quarry console` when no API runs). */
async function serveDev(opts: { open?: boolean } = {}) {
  const stack = await startEmbedded({
    fixedPorts: true,
    ui: true,
    env: process.env,
    log: (s) => console.error(`[dev] ${s}`),
  });
  console.error(`[dev] API        ${stack.apiUrl}  (BDA runtime + control plane; no key needed from loopback)`);
  console.error(`[dev] console    ${consoleUrl(stack.apiUrl)}`);
  console.error(`[dev] Web UI     ${stack.uiUrl}`);
  if (opts.open) openInBrowser(consoleUrl(stack.apiUrl));
  console.error(`[dev] Temporal   ${stack.config.temporal.address}  namespace ${stack.config.temporal.namespace}`);
  console.error('[dev] ready — Ctrl-C to stop');
  const { stopSignal } = await import('../worker/stop-on-signal.ts');
  const signal = await stopSignal((s) => console.error(`[dev] ${s}`));
  const grace = stack.config.worker.shutdownGraceSeconds;
  console.error(
    `[dev] ${signal}: stopping — the API first, then the workers drain (up to ${grace} s; again to stop now)`,
  );
  await stack.stop();
  console.error('[dev] stopped');
}

/** Opens a URL with the desktop's browser (xdg-open / open), when there is one; the URL is printed anyway. */
function openInBrowser(url: string) {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  import('node:child_process').then(({ spawn }) =>
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => console.error(`(no ${opener} here: open the URL yourself)`))
      .unref(),
  );
}

program
  .command('dev')
  .description(
    'start Temporal (SQLite in .quarry/), the workers, the codec server, the API and the web console on 127.0.0.1; Ctrl-C stops',
  )
  .action(() => serveDev());

program
  .command('console')
  .description(
    'print the web console URL of the API at --endpoint; when none is running, start everything as `quarry dev` does',
  )
  .option('--open', 'also open it in the desktop browser')
  .action(async (o: { open?: boolean }) => {
    const api = apiAt(g().endpoint);
    if (!(await api.reachable())) {
      console.error(`no Quarry API at ${g().endpoint}: starting the embedded stack (as quarry dev)`);
      return serveDev(o);
    }
    const url = consoleUrl(g().endpoint);
    out(url, { url });
    if (o.open) openInBrowser(url);
  });

async function runJob(input: string, opts: RunOptions & { wait: boolean }) {
  let api = apiAt(g().endpoint);
  let embedded: Awaited<ReturnType<typeof startEmbedded>> | undefined;
  if (opts.wait && !(await api.reachable())) {
    if (!g().json) console.error(`no Quarry API at ${g().endpoint}: starting an embedded one for this run`);
    embedded = await startEmbedded({ fixedPorts: false, ui: false, env: process.env });
    api = apiAt(embedded.apiUrl);
  }
  try {
    const { invocationArn } = await api.runtime<{ invocationArn: string }>(
      'InvokeDataAutomationAsync',
      invokeBody(input, opts, config.region),
    );
    if (!opts.wait) return out(invocationArn, { invocationArn });
    const detail = await followJob(api, jobIdOf(invocationArn), { quiet: !!g().json });
    const summary = await summarize(detail);
    out(
      `\n${summary.text}\n\nstatus: ${detail.status}${detail.errorType ? ` (${detail.errorType}: ${detail.errorMessage})` : ''}`,
      { invocationArn, ...detail, assets: summary.metadata?.output_metadata },
    );
    process.exitCode = detail.status === 'Success' && !detail.errorType ? 0 : 1;
  } finally {
    await embedded?.stop();
  }
}

const jobOptions = (c: Command) =>
  c
    .option('-b, --blueprint <name|arn>', 'blueprint (catalog name like invoice, or an ARN); repeatable', collect)
    .option('-p, --project <arn>', 'data automation project ARN')
    .option('-o, --out <dir|uri>', 'output location', 'quarry-out')
    .option('--as <modality>', 'process PNG/JPEG as document or image, MP4/MOV as audio or video')
    .option('--token <clientToken>', 'idempotency token: the same token never makes a second job')
    .option('--notify', 'send the job event to the configured webhooks');

jobOptions(
  program
    .command('run <path|uri>')
    .description('process a file or a folder and wait, with progress; starts an embedded stack when no API is running'),
).action((input: string, opts: RunOptions) => runJob(input, { ...opts, wait: true }));
jobOptions(
  program.command('submit <path|uri>').description('submit a job to the API and print its invocation ARN'),
).action((input: string, opts: RunOptions) => runJob(input, { ...opts, wait: false }));

program
  .command('status <invocation>')
  .description('status of a job (invocation ARN or id)')
  .action(async (inv: string) => {
    const d = await apiAt(g().endpoint).get<Record<string, unknown>>(`/jobs/${jobIdOf(inv)}`);
    out(
      formatTable(
        ['field', 'value'],
        Object.entries(d).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
      ),
      d,
    );
  });

program
  .command('read <path|uri>')
  .description('print an output to stdout as plaintext (one written with a kmsKeyId is ciphertext on disk)')
  .option('--local', 'open it here with the keyring (QUARRY_ENCRYPTION_KEYS / QUARRY_ENCRYPTION_KEY_FILE) instead of through the API')
  .action(async (target: string, o: { local?: boolean }) => {
    const uri = /^[a-z0-9]+:\/\//i.test(target) ? target : pathToFileURL(path.resolve(target)).href;
    let body: Buffer;
    if (o.local) {
      const { openStorage } = await import('../engines/storage/open-storage.ts');
      const { loadTenants } = await import('../control-plane/tenants.ts');
      body = await openStorage(config, loadTenants(config).everyGrant()).readBytes(uri);
    } else body = await apiAt(g().endpoint).readOutput(uri);
    process.stdout.write(body);
  });

program
  .command('ls')
  .description('list jobs (newest first)')
  .option('--status <status>', 'Created | InProgress | Success | ServiceError | ClientError')
  .option('--modality <m>', 'DOCUMENT | IMAGE | AUDIO | VIDEO')
  .option('--max <n>', 'how many', '50')
  .action(async (o: { status?: string; modality?: string; max: string }) => {
    const q = new URLSearchParams({
      maxResults: o.max,
      ...(o.status ? { status: o.status } : {}),
      ...(o.modality ? { modality: o.modality } : {}),
    });
    const r = await apiAt(g().endpoint).get<{
      jobs: { invocationArn: string; status: string; modality?: string; startTime?: string }[];
    }>(`/jobs?${q}`);
    out(
      formatTable(
        ['job', 'status', 'modality', 'started'],
        r.jobs.map((j) => [jobIdOf(j.invocationArn), j.status, j.modality ?? '-', j.startTime ?? '']),
      ),
      r,
    );
  });

/** The demo's second job: samples/sample.png as a document, with a blueprint in a user's words (cli/demo-model.ts). */
async function demoModelReading(api: ApiClient, samples: string, outDir: string, region: string) {
  const { DEMO_BLUEPRINT, modelReport } = await import('./demo-model.ts');
  // a client token makes a second demo on the same QUARRY_HOME find the blueprint it created the first time
  const { blueprint } = await api.control<{ blueprint: { blueprintArn: string } }>('PUT', '/blueprints', {
    blueprintName: 'quarry-demo-letter',
    type: 'DOCUMENT',
    schema: JSON.stringify(DEMO_BLUEPRINT),
    clientToken: 'quarry-demo-letter-1',
  });
  const arn = blueprint.blueprintArn;
  console.error(
    `[demo] reading samples/sample.png as a document with the blueprint "${DEMO_BLUEPRINT.class}" (generative: ${config.generative.provider})`,
  );
  const { invocationArn } = await api.runtime<{ invocationArn: string }>(
    'InvokeDataAutomationAsync',
    invokeBody(
      path.join(samples, 'sample.png'),
      { out: path.join(outDir, 'model-reading'), as: 'document', blueprint: [arn] },
      region,
    ),
  );
  const detail = await followJob(api, jobIdOf(invocationArn), { quiet: !!g().json });
  const asset = (await summarize(detail)).metadata?.output_metadata[0];
  const segment = asset?.segment_metadata[0];
  if (detail.status !== 'Success' || !segment?.custom_output_path)
    return { ok: false, text: `model reading: ${detail.status} ${asset?.error_message ?? detail.errorMessage ?? ''}` };
  const readJson = async (p: string) => JSON.parse(await fs.readFile(p.startsWith('file:') ? new URL(p) : p, 'utf8'));
  const text = modelReport(await readJson(segment.standard_output_path), await readJson(segment.custom_output_path));
  return { ok: true, text: `samples/sample.png read as a document:\n${text}` };
}

program
  .command('demo')
  .description(
    'start everything, process every file in samples/, print a summary, then read one sample with the generative model (summary + a blueprint in plain words), exit 0',
  )
  .action(async () => {
    const samples = path.resolve('samples');
    const files = (await fs.readdir(samples)).filter((f) => !f.startsWith('.') && f !== 'README.md');
    console.error(`[demo] starting the embedded stack (Temporal dev server, workers, API)…`);
    const stack = await startEmbedded({
      fixedPorts: false,
      ui: false,
      env: process.env,
      log: (s) => console.error(`[demo] ${s}`),
    });
    console.error(
      `[demo] console  ${consoleUrl(stack.apiUrl)}  (while the demo runs; \`npx quarry dev\` keeps one up)`,
    );
    try {
      const api = apiAt(stack.apiUrl);
      const outDir = path.resolve('quarry-out', 'demo');
      console.error(`[demo] processing ${files.length} sample files from ${samples}`);
      // the batch shows standard output on every modality; the generative model's part (on one file) follows
      const { DEMO_STANDARD_OUTPUT } = await import('./demo-model.ts');
      const { projectArn } = await api.control<{ projectArn: string }>('PUT', '/data-automation-projects', {
        projectName: 'quarry-demo-standard',
        projectStage: 'LIVE',
        standardOutputConfiguration: DEMO_STANDARD_OUTPUT,
        clientToken: 'quarry-demo-standard-1',
      });
      const { invocationArn } = await api.runtime<{ invocationArn: string }>(
        'InvokeDataAutomationAsync',
        invokeBody(samples, { out: outDir, project: projectArn }, stack.config.region),
      );
      const detail = await followJob(api, jobIdOf(invocationArn), { quiet: !!g().json });
      const summary = await summarize(detail);
      out(`\n${summary.text}\n\nstatus: ${detail.status}`, {
        invocationArn,
        ...detail,
        assets: summary.metadata?.output_metadata,
      });
      const failed = summary.metadata?.output_metadata.filter((a) => a.asset_processing_status !== 'Success') ?? [];
      const read = await demoModelReading(api, samples, outDir, stack.config.region);
      if (!g().json) console.log(`\n${read.text}`);
      process.exitCode = detail.status === 'Success' && failed.length === 0 && read.ok ? 0 : 1;
    } finally {
      await stack.stop();
    }
  });

program
  .command('worker')
  .description('run workers for some task queues against TEMPORAL_ADDRESS (scale-out)')
  .option('--queues <list>', 'comma list of orchestration,document,image,audio,video,generative,knowledge', config.worker.queues)
  .action(async (o: { queues: string }) => {
    const { parseQueues, runWorkers } = await import('../worker/main.ts');
    const queues = parseQueues(o.queues);
    const { serveUntilStopped } = await import('../worker/stop-on-signal.ts');
    const running = await runWorkers(queues, config);
    console.error(`[worker] serving ${queues.join(', ')} — SIGINT/SIGTERM drains and stops`);
    await serveUntilStopped(running, config.worker.shutdownGraceSeconds, (s) => console.error(`[worker] ${s}`));
  });

program
  .command('api')
  .description('run the API only, against TEMPORAL_ADDRESS (scale-out)')
  .action(async () => {
    const { runApi } = await import('../api/main.ts');
    await runApi(config);
  });

try {
  const { registerBlueprintCommands } = await import('./blueprints.ts');
  registerBlueprintCommands(program);
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
}

const { registerKnowledgeBaseCommands } = await import('./knowledge-base.ts');
registerKnowledgeBaseCommands(program, () => !!g().json);

try {
  await program.parseAsync(process.argv);
  // native libraries (whisper threads, the Temporal runtime) can keep the event loop alive after a
  // one-shot command has finished and cleaned up: leave explicitly
  process.exit(process.exitCode ?? 0);
} catch (e) {
  if (e instanceof QuarryApiError) console.error(`quarry: ${e.type}: ${e.message}`);
  else if ((e as NodeJS.ErrnoException).cause && String((e as Error).message).includes('fetch failed'))
    console.error(
      `quarry: cannot reach the API at ${g().endpoint} (start it with 'npx quarry dev', or pass --endpoint)`,
    );
  else console.error(`quarry: ${(e as Error).message}`);
  process.exit(2);
}
