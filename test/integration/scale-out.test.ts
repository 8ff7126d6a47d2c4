/**
 * The scale-out recipe (docs/scale-out.md), run as an operator runs it: a real Temporal server built from its Go
 * modules, on Debian's PostgreSQL (deploy/temporal-server.yaml); the namespace and Quarry's search attributes
 * registered with the Temporal CLI; `quarry api` and two `quarry worker` processes sharing the encryption keys and
 * the storage, each its own process. A batch of documents and images through the API ends Success with one result
 * per file, both workers did part of it, and the job lists.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cli/free-port.ts';
import { quarrySearchAttributes } from '../../schemas/search-attributes.ts';
import { killGroup, type QuarryProcess, startQuarry } from '../helpers/processes.ts';
import { startTemporalCluster, type TemporalCluster } from '../helpers/temporal-cluster.ts';
import { temporalCliPath } from '../helpers/temporal-server.ts';

const run = promisify(execFile);
const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const NAMESPACE = 'quarry';
const KEY = 'scale-out-key';
/** Eight text-layer PDFs and four images: short work, enough assets that two workers share them. */
const BATCH = [
  ...Array.from({ length: 8 }, (_, i) => [`doc-${i}.pdf`, 'sample.pdf']),
  ...Array.from({ length: 4 }, (_, i) => [`photo-${i}.png`, 'sample.png']),
];

let cluster: TemporalCluster;
let root: string;
let api: string;
const running: QuarryProcess[] = [];

async function runtime<T>(target: string, body: object): Promise<T> {
  const res = await fetch(`${api}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}`,
      'x-api-key': KEY,
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${target}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  cluster = await startTemporalCluster();
  // step 3 of the recipe: the namespace and the search attributes, with the Temporal CLI
  const cli = temporalCliPath();
  const address = ['--address', cluster.address];
  await run(cli, ['operator', 'namespace', 'create', '--namespace', NAMESPACE, '--retention', '72h', ...address]);
  for (const a of quarrySearchAttributes)
    await run(cli, [
      'operator',
      'search-attribute',
      'create',
      '--namespace',
      NAMESPACE,
      '--name',
      a.name,
      '--type',
      'Keyword',
      ...address,
    ]);

  root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-scale-out-'));
  await fs.mkdir(path.join(root, 'in'));
  for (const [name, sample] of BATCH) await fs.copyFile(path.join('samples', sample), path.join(root, 'in', name));
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  // what every process of the deployment shares: the Temporal frontend and namespace, the keys, the storage
  const env = {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    QUARRY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    QUARRY_API_KEYS: `${KEY}:team-a`,
    QUARRY_ALLOWED_ROOTS: root,
    QUARRY_HOME: path.join(root, 'state'),
    QUARRY_GENERATIVE: 'off',
    QUARRY_LOG_LEVEL: 'ERROR',
  };
  running.push(await startQuarry(['api'], { ...env, QUARRY_API_PORT: String(apiPort) }, /\[api\] listening/));
  // two workers on every queue, one after the other (each loads its engines)
  for (let i = 0; i < 2; i++) running.push(await startQuarry(['worker'], env, /\[worker\] serving/));
}, 240_000);

afterAll(async () => {
  for (const p of running) await killGroup(p.child);
  await cluster?.stop();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

/** The identities of the workers that ran the activities of a job's workflows (from their histories). */
async function activityWorkers(jobId: string): Promise<Map<string, number>> {
  const connection = await NativeConnection.connect({ address: cluster.address });
  const workers = new Map<string, number>();
  try {
    const service = connection.workflowService;
    const query = `WorkflowId STARTS_WITH 'quarry-job-${jobId}'`;
    const { executions } = await service.listWorkflowExecutions({ namespace: NAMESPACE, query, pageSize: 100 });
    for (const { execution } of executions ?? []) {
      const { history } = await service.getWorkflowExecutionHistory({
        namespace: NAMESPACE,
        execution,
        maximumPageSize: 1000,
      });
      for (const e of history?.events ?? []) {
        const identity = e.activityTaskStartedEventAttributes?.identity;
        if (identity) workers.set(identity, (workers.get(identity) ?? 0) + 1);
      }
    }
  } finally {
    await connection.close();
  }
  return workers;
}

describe('scale-out: a real Temporal server on PostgreSQL, `quarry api` and two `quarry worker` processes', () => {
  it('runs a batch through the API, shared out between the two workers', async () => {
    const { invocationArn } = await runtime<{ invocationArn: string }>('InvokeDataAutomationAsync', {
      inputConfiguration: { s3Uri: pathToFileURL(path.join(root, 'in')).href },
      outputConfiguration: { s3Uri: pathToFileURL(path.join(root, 'out')).href },
      dataAutomationProfileArn: PROFILE,
    });
    const jobId = invocationArn.split('/').pop() as string;
    const deadline = Date.now() + 240_000;
    let status: { status: string; errorMessage?: string; outputConfiguration?: { s3Uri: string } };
    for (;;) {
      status = await runtime('GetDataAutomationStatus', { invocationArn });
      if (status.status !== 'Created' && status.status !== 'InProgress') break;
      if (Date.now() > deadline) throw new Error(`the job did not finish within 240 s (${status.status})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status.errorMessage).toBeUndefined();
    expect(status.status).toBe('Success');

    const metadata = JSON.parse(await fs.readFile(new URL(status.outputConfiguration?.s3Uri as string), 'utf8')) as {
      output_metadata: { asset_processing_status: string; asset_input_path: { uri: string } }[];
    };
    expect(metadata.output_metadata.map((a) => a.asset_processing_status)).toEqual(BATCH.map(() => 'Success'));
    const inputs = metadata.output_metadata.map((a) => path.basename(a.asset_input_path.uri)).sort();
    expect(inputs).toEqual(BATCH.map(([name]) => name).sort());
    const first = path.join(root, 'out', jobId, '0', 'standard_output', '0', 'result.json');
    expect(JSON.parse(await fs.readFile(first, 'utf8')).metadata).toBeDefined();

    // both worker processes took activities of the job (their identities are pid@host)
    const workers = await activityWorkers(jobId);
    console.log(`[scale-out] activities per worker: ${JSON.stringify(Object.fromEntries(workers))}`);
    expect([...workers.keys()].length, JSON.stringify([...workers])).toBeGreaterThanOrEqual(2);

    // the job lists through the API's visibility query on the SQL visibility store
    const res = await fetch(`${api}/jobs?status=Success`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain(jobId);
  }, 300_000);
});
