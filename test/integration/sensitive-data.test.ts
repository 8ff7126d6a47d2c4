/**
 * BDA's sensitive-data configuration on a document, through the real AWS SDK clients and the real document pipeline:
 * a project with DETECTION_AND_REDACTION masks the e-mail, phone, card number and IBAN of a PDF in every text of the
 * standard output and reports each entity with its type, page and evidence (and no copy of the value); DETECTION
 * leaves the text and reports the values; types Quarry cannot detect are named as such.
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
  type GetDataAutomationStatusCommandOutput,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import type { SensitiveDataReport } from '../../engines/language/sensitive-data-output.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { PdfPageBuilder, writePdf } from '../fixtures/documents/pdf-writer.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const PII = {
  EMAIL: 'billing@acme-supplies.example.com',
  PHONE: '+44 20 7946 0958',
  CREDIT_DEBIT_CARD_NUMBER: '4539 1488 0343 6467',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: 'DE89 3704 0044 0532 0130 00',
};
let stack: Stack;
let api: RunningApi;
let control: BedrockDataAutomationClient;
let runtime: BedrockDataAutomationRuntimeClient;

beforeAll(async () => {
  stack = await createStack({ address: inject('temporalAddress'), activities: activitiesByQueue });
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
  const credentials = { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'dev-mode-no-keys' };
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
    'INVOICE INV-2041',
    `Questions: ${PII.EMAIL}`,
    `Tel: ${PII.PHONE}`,
    `Paid by card ${PII.CREDIT_DEBIT_CARD_NUMBER}`,
    `Pay to IBAN ${PII.INTERNATIONAL_BANK_ACCOUNT_NUMBER}`,
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
  await stack?.close();
  await closeOcrEngines();
});

async function standardOutputOf(mode: 'DETECTION' | 'DETECTION_AND_REDACTION', out: string) {
  const { projectArn } = await control.send(
    new CreateDataAutomationProjectCommand({
      projectName: `pii-${mode.toLowerCase().replaceAll('_', '-')}`,
      standardOutputConfiguration: {
        document: {
          extraction: { granularity: { types: ['PAGE', 'ELEMENT', 'LINE'] }, boundingBox: { state: 'ENABLED' } },
          outputFormat: {
            textFormat: { types: ['PLAIN_TEXT', 'MARKDOWN'] },
            additionalFileFormat: { state: 'DISABLED' },
          },
        },
      },
      overrideConfiguration: {
        document: {
          sensitiveDataConfiguration: {
            detectionMode: mode,
            detectionScope: ['STANDARD'],
            piiEntitiesConfiguration: {
              piiEntityTypes: [
                'EMAIL',
                'PHONE',
                'CREDIT_DEBIT_CARD_NUMBER',
                'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
                'NAME',
              ],
              redactionMaskMode: 'ENTITY_TYPE',
            },
          },
        },
      },
    }),
  );
  const { invocationArn } = await runtime.send(
    new InvokeDataAutomationAsyncCommand({
      inputConfiguration: { s3Uri: `${stack.rootUri}/in/invoice.pdf` },
      outputConfiguration: { s3Uri: `${stack.rootUri}/${out}` },
      dataAutomationConfiguration: { dataAutomationProjectArn: projectArn! },
      dataAutomationProfileArn: PROFILE,
    }),
  );
  let s: GetDataAutomationStatusCommandOutput | undefined;
  for (let i = 0; i < 600; i++) {
    s = await runtime.send(new GetDataAutomationStatusCommand({ invocationArn }));
    if (s.status !== 'Created' && s.status !== 'InProgress') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(s?.status).toBe('Success');
  const meta = JSON.parse(await fs.readFile(fileURLToPath(s!.outputConfiguration!.s3Uri!), 'utf8'));
  const std = meta.output_metadata[0].segment_metadata[0].standard_output_path as string;
  return JSON.parse(await fs.readFile(fileURLToPath(std), 'utf8')) as { sensitive_data: SensitiveDataReport };
}

describe('sensitive data in a document standard output', () => {
  it('DETECTION_AND_REDACTION masks every value in every text and reports it without a copy', async () => {
    const out = await standardOutputOf('DETECTION_AND_REDACTION', 'out-redacted');
    const raw = JSON.stringify({ ...out, sensitive_data: undefined });
    for (const value of Object.values(PII)) expect(raw.includes(value), value).toBe(false);
    for (const type of Object.keys(PII)) expect(raw).toContain(`[${type}]`);
    expect(raw).toContain('ACME Supplies Ltd'); // the rest stays
    const r = out.sensitive_data;
    expect(r.detection_mode).toBe('DETECTION_AND_REDACTION');
    expect(r.not_detected_types).toEqual(['NAME']);
    expect(new Set(r.entities.map((e) => e.type))).toEqual(new Set(Object.keys(PII)));
    for (const e of r.entities) {
      expect(e.text).toBeUndefined();
      // a page's or an element's text names its page; the whole document's text has none
      if (!e.location.startsWith('document.')) expect(e.page_index, e.location).toBe(0);
      expect(e.evidence.length).toBeGreaterThan(10);
    }
    expect(r.entities.find((e) => e.type === 'INTERNATIONAL_BANK_ACCOUNT_NUMBER')?.evidence).toMatch(
      /mod-97 check digits 89 valid/,
    );
  });

  it('DETECTION leaves the text and reports each value where it is', async () => {
    const out = await standardOutputOf('DETECTION', 'out-detected');
    expect(JSON.stringify(out)).toContain(PII.EMAIL);
    const texts = new Set(out.sensitive_data.entities.map((e) => `${e.type}=${e.text}`));
    for (const [type, value] of Object.entries(PII)) expect(texts).toContain(`${type}=${value}`);
  });
});
