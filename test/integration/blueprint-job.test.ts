/**
 * A job run against a project, end to end: a 3-document packet PDF (invoice + receipt + payslip, written with
 * the test PDF writer) goes through the real API, Temporal workflows, the document pipeline (poppler text layer)
 * and the blueprint shaping activity; the project's splitter and three catalog blueprints apply.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BedrockDataAutomationClient,
  CreateDataAutomationProjectCommand,
} from '@aws-sdk/client-bedrock-data-automation';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { publicBlueprintArn } from '../../blueprints/catalog.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { PdfPageBuilder, writePdf } from '../fixtures/documents/pdf-writer.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

let stack: Stack;
let sdk: BedrockDataAutomationRuntimeClient;
let control: BedrockDataAutomationClient;
let api: RunningApi;

const PAGES = [
  [
    'ACME Supplies Ltd',
    'INVOICE',
    'Invoice No: INV-2041',
    'Invoice Date: 03/08/2024',
    'Subtotal: 35.00',
    'Tax: 3.50',
    'Total: 38.50 EUR',
  ],
  [
    'SOON HUAT MACHINERY ENTERPRISE',
    'NO.53 JALAN PUTRA 1, TAMAN SRI PUTRA',
    'CASH RECEIPT',
    'Date: 11/01/2019',
    'TOTAL SALES : 327.00',
    'CASH : 327.00',
    'THANK YOU',
  ],
  [
    'Northwind Traders Inc',
    'PAYSLIP',
    'Employee Name: John Smith',
    'Employee ID: E-1044',
    'Pay Date: 31/01/2024',
    'Gross Pay: 4,000.00',
    'Net Pay: 3,000.00',
  ],
];

beforeAll(async () => {
  stack = await createStack({ address: inject('temporalAddress'), activities: (deps) => activitiesByQueue(deps) });
  // one API serving both protocols, as api/main.ts starts it
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
  const credentials = { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'not-checked' };
  control = new BedrockDataAutomationClient({ endpoint: api.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  sdk = new BedrockDataAutomationRuntimeClient({
    endpoint: api.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sdk?.destroy();
  control?.destroy();
  await api?.close();
  await stack?.close();
  await closeOcrEngines();
});

describe('a job against a project with three blueprints and the splitter', () => {
  it('splits the packet into three segments, each matched to the right blueprint', async () => {
    await fs.mkdir(path.join(stack.root, 'in'), { recursive: true });
    const pages = PAGES.map((lines) => {
      const p = new PdfPageBuilder();
      for (const [i, l] of lines.entries()) p.text(72, 72 + i * 28, 12, l, { bold: i < 2 });
      return p;
    });
    await writePdf(path.join(stack.root, 'in', 'packet.pdf'), pages);
    const arn = (n: string) => publicBlueprintArn('us-east-1', `bedrock-data-automation-public-${n}`);
    const { projectArn } = await control.send(
      new CreateDataAutomationProjectCommand({
        projectName: 'packets',
        projectStage: 'LIVE',
        standardOutputConfiguration: {
          document: {
            extraction: {
              granularity: { types: ['PAGE', 'ELEMENT', 'LINE', 'WORD'] },
              boundingBox: { state: 'ENABLED' },
            },
          },
        },
        customOutputConfiguration: {
          blueprints: ['invoice', 'receipt', 'payslip'].map((n) => ({ blueprintArn: arn(n) })),
        },
        overrideConfiguration: { document: { splitter: { state: 'ENABLED' } } },
      }),
    );
    const { invocationArn } = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in/packet.pdf` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationConfiguration: { dataAutomationProjectArn: projectArn, stage: 'LIVE' },
        dataAutomationProfileArn:
          'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1',
      }),
    );
    let status = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    for (let i = 0; i < 600 && (status.status === 'Created' || status.status === 'InProgress'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    }
    expect(status.status, status.errorMessage).toBe('Success');
    const meta = JSON.parse(await fs.readFile(fileURLToPath(status.outputConfiguration?.s3Uri as string), 'utf8'));
    const segments = meta.output_metadata[0].segment_metadata as {
      custom_output_status?: string;
      custom_output_path?: string;
    }[];
    expect(segments).toHaveLength(3);
    const expected = ['invoice', 'receipt', 'payslip'];
    for (const [i, s] of segments.entries()) {
      expect(s.custom_output_status).toBe('MATCH');
      const custom = JSON.parse(await fs.readFile(fileURLToPath(s.custom_output_path as string), 'utf8'));
      expect(custom.matched_blueprint.arn).toBe(arn(expected[i]));
      expect(custom.split_document.page_indices).toEqual([i]);
    }
    const invoice = JSON.parse(await fs.readFile(fileURLToPath(segments[0].custom_output_path as string), 'utf8'));
    expect(invoice.inference_result).toMatchObject({
      InvoiceNumber: 'INV-2041',
      InvoiceDate: '2024-08-03',
      InvoiceTotal: 38.5,
    });
    expect(invoice.explainability_info[0].InvoiceTotal.geometry[0].page).toBe(1);
  });
});
