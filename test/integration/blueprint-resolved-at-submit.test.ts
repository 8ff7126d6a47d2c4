/**
 * A job runs the blueprints its project had when it was submitted. The project is changed (and its blueprint
 * deleted) while the job is running — held before its document work by starting the document worker only
 * afterwards — and the job still applies the blueprint resolved at submit; a job submitted after the change
 * gets the new configuration. Another tenant cannot run the project at all.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BedrockDataAutomationClient,
  CreateBlueprintCommand,
  CreateDataAutomationProjectCommand,
  DeleteBlueprintCommand,
  UpdateDataAutomationProjectCommand,
} from '@aws-sdk/client-bedrock-data-automation';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { CATALOG, publicBlueprintArn } from '../../blueprints/catalog.ts';
import { createDataConverter } from '../../codecs/data-converter.ts';
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { type RunningWorkers, startWorkers } from '../../worker/start.ts';
import { PdfPageBuilder, writePdf } from '../fixtures/documents/pdf-writer.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

let stack: Stack;
let api: RunningApi;
let control: BedrockDataAutomationClient;
let runtime: BedrockDataAutomationRuntimeClient;
let documentWorker: RunningWorkers | undefined;
let native: NativeConnection | undefined;

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const receiptArn = publicBlueprintArn('us-east-1', 'bedrock-data-automation-public-receipt');
const standardOutputConfiguration = {
  document: {
    extraction: {
      granularity: { types: ['PAGE' as const, 'LINE' as const, 'WORD' as const] },
      boundingBox: { state: 'ENABLED' as const },
    },
  },
};

beforeAll(async () => {
  // workflows and orchestration activities only: a document job waits for its document work until the test says
  stack = await createStack({
    address: inject('temporalAddress'),
    activities: activitiesByQueue,
    queues: [TaskQueue.orchestration],
    env: { QUARRY_API_KEYS: 'default-key:default,acme-key:acme' },
  });
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
  const credentials = { accessKeyId: 'default-key', secretAccessKey: 'default-key' }; // keys configured: required, dev mode or not
  control = new BedrockDataAutomationClient({ endpoint: api.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  runtime = new BedrockDataAutomationRuntimeClient({
    endpoint: api.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  const page = new PdfPageBuilder();
  for (const [i, l] of [
    'ACME Supplies Ltd',
    'INVOICE',
    'Invoice No: INV-2041',
    'Invoice Date: 03/08/2024',
    'Total: 38.50 EUR',
  ].entries())
    page.text(72, 72 + i * 28, 12, l, { bold: i < 2 });
  await fs.mkdir(path.join(stack.root, 'in'), { recursive: true });
  await writePdf(path.join(stack.root, 'in', 'invoice.pdf'), [page]);
});
afterAll(async () => {
  control?.destroy();
  runtime?.destroy();
  await api?.close();
  await documentWorker?.shutdown();
  await native?.close();
  await stack?.close();
  await closeOcrEngines();
});

const invoke = (client: BedrockDataAutomationRuntimeClient, projectArn: string, out: string) =>
  client.send(
    new InvokeDataAutomationAsyncCommand({
      inputConfiguration: { s3Uri: `${stack.rootUri}/in/invoice.pdf` },
      outputConfiguration: { s3Uri: `${stack.rootUri}/${out}` },
      dataAutomationConfiguration: { dataAutomationProjectArn: projectArn, stage: 'LIVE' },
      dataAutomationProfileArn: PROFILE,
    }),
  );

async function finished(invocationArn: string) {
  let status = await runtime.send(new GetDataAutomationStatusCommand({ invocationArn }));
  for (let i = 0; i < 600 && (status.status === 'Created' || status.status === 'InProgress'); i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = await runtime.send(new GetDataAutomationStatusCommand({ invocationArn }));
  }
  expect(status.status, status.errorMessage).toBe('Success');
  const meta = JSON.parse(await fs.readFile(fileURLToPath(status.outputConfiguration?.s3Uri as string), 'utf8'));
  const [segment] = meta.output_metadata[0].segment_metadata as {
    custom_output_status?: string;
    custom_output_path?: string;
  }[];
  expect(segment.custom_output_status).toBe('MATCH');
  return JSON.parse(await fs.readFile(fileURLToPath(segment.custom_output_path as string), 'utf8'));
}

describe('blueprints are resolved when the job is submitted', () => {
  it('a project changed after submit does not change a running job; the next job sees the change', async () => {
    const invoiceSchema = JSON.stringify(CATALOG.find((e) => e.name.endsWith('-invoice'))!.schema);
    const { blueprint } = await control.send(
      new CreateBlueprintCommand({ blueprintName: 'house-invoice', type: 'DOCUMENT', schema: invoiceSchema }),
    );
    const houseArn = blueprint?.blueprintArn as string;
    const { projectArn } = await control.send(
      new CreateDataAutomationProjectCommand({
        projectName: 'invoices',
        standardOutputConfiguration,
        customOutputConfiguration: { blueprints: [{ blueprintArn: houseArn }] },
      }),
    );

    const { invocationArn: first } = await invoke(runtime, projectArn as string, 'out-1');
    // the job is running (waiting for its document work) while the project is repointed and its blueprint deleted
    await control.send(
      new UpdateDataAutomationProjectCommand({
        projectArn,
        projectStage: 'LIVE',
        standardOutputConfiguration,
        customOutputConfiguration: { blueprints: [{ blueprintArn: receiptArn }] },
      }),
    );
    await control.send(new DeleteBlueprintCommand({ blueprintArn: houseArn }));
    expect((await runtime.send(new GetDataAutomationStatusCommand({ invocationArn: first }))).status).toMatch(
      /^(Created|InProgress)$/,
    );

    native = await NativeConnection.connect({ address: inject('temporalAddress') });
    documentWorker = await startWorkers({
      connection: native,
      namespace: stack.namespace,
      queues: [TaskQueue.document, TaskQueue.generative], // custom output runs on the generative queue
      activities: activitiesByQueue(stack.deps),
      dataConverter: createDataConverter(stack.config),
      worker: stack.config.worker,
      shutdownGraceSeconds: 2,
    });
    const custom = await finished(first as string);
    expect(custom.matched_blueprint.arn).toBe(houseArn);
    expect(custom.inference_result).toMatchObject({ InvoiceNumber: 'INV-2041', InvoiceTotal: 38.5 });

    const { invocationArn: second } = await invoke(runtime, projectArn as string, 'out-2');
    expect((await finished(second as string)).matched_blueprint.arn).toBe(receiptArn);
  });

  it("another tenant cannot run the project (the store is the tenant's)", async () => {
    const { projectArn } = await control.send(
      new CreateDataAutomationProjectCommand({ projectName: 'mine', standardOutputConfiguration }),
    );
    const acme = new BedrockDataAutomationRuntimeClient({
      endpoint: api.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'acme-key', secretAccessKey: 'acme-key' },
      maxAttempts: 1,
    });
    await expect(invoke(acme, projectArn as string, 'out-acme')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    acme.destroy();
  });
});
