/**
 * Outputs written with `encryptionConfiguration.kmsKeyId`, through the real AWS SDK client: on `file://` every output
 * file is an AES-256-GCM envelope on disk (no plaintext byte of it) under a key of the payload codec's keyring, and
 * readable through Quarry (GET /outputs, `quarry read --local`, the sync API's inline result); a real document
 * pipeline with a blueprint runs on its own encrypted intermediate files. On `s3://` the objects reach the
 * S3-compatible server with SSE-KMS and that key id. An unknown key id for file:// is a ValidationException.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  type GetDataAutomationStatusCommandOutput,
  InvokeDataAutomationAsyncCommand,
  InvokeDataAutomationCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import { publicBlueprintArn } from '../../blueprints/catalog.ts';
import { loadEncryptionKeys } from '../../codecs/encryption-keys.ts';
import { closeOcrEngines } from '../../engines/ocr/choose-engine.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { PdfPageBuilder, writePdf } from '../fixtures/documents/pdf-writer.ts';
import { type S3TestServer, startS3Server } from '../helpers/s3-server.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const KMS_ARN = 'arn:aws:kms:us-east-1:000000000000:key/quarry-test-key';
let stack: Stack;
let api: RunningApi;
let s3: S3TestServer;
let sdk: BedrockDataAutomationRuntimeClient;
let keyId: string;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['enc-in', 'enc-out'] });
  stack = await createStack({
    address: inject('temporalAddress'),
    activities: activitiesByQueue,
    env: {
      QUARRY_ALLOWED_BUCKETS: 'enc-in,enc-out',
      QUARRY_S3_ENDPOINT: s3.endpoint,
      QUARRY_S3_REGION: s3.region,
    },
  });
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
  keyId = loadEncryptionKeys(stack.config).currentKeyId; // the dev key the stack's codec also uses
  sdk = new BedrockDataAutomationRuntimeClient({
    endpoint: api.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'dev-mode-no-keys' },
    maxAttempts: 1,
  });
  const page = new PdfPageBuilder();
  for (const [i, l] of [
    'ACME Supplies Ltd',
    'RECEIPT',
    'Receipt No: R-7731',
    'Date: 03/08/2024',
    'Total: 38.50 EUR',
  ].entries())
    page.text(72, 72 + i * 28, 12, l, { bold: i < 2 });
  await fs.mkdir(path.join(stack.root, 'in'), { recursive: true });
  await writePdf(path.join(stack.root, 'in', 'receipt.pdf'), [page]);
});
afterAll(async () => {
  sdk?.destroy();
  await api?.close();
  await stack?.close();
  await s3?.stop();
  await closeOcrEngines();
});

async function waitForEnd(invocationArn: string): Promise<GetDataAutomationStatusCommandOutput> {
  for (let i = 0; i < 900; i++) {
    const s = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    if (s.status !== 'Created' && s.status !== 'InProgress') return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${invocationArn} did not finish`);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('file:// outputs with a kmsKeyId', () => {
  it('a document job with a blueprint: every output file is ciphertext on disk, and Quarry reads it back', async () => {
    const { invocationArn } = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in/receipt.pdf` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out-enc` },
        blueprints: [{ blueprintArn: publicBlueprintArn('us-east-1', 'bedrock-data-automation-public-receipt') }],
        encryptionConfiguration: { kmsKeyId: `arn:aws:kms:us-east-1:000000000000:key/${keyId}` },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    const done = await waitForEnd(invocationArn!);
    expect(done.status).toBe('Success');
    const metadataUri = done.outputConfiguration!.s3Uri!;
    const jobDir = path.dirname(fileURLToPath(metadataUri));

    const files = (await filesUnder(jobDir)).filter((f) => !f.endsWith(path.join('.quarry', 'encryption.json')));
    const results = files.filter((f) => f.endsWith('result.json'));
    expect(results.length).toBe(2); // standard and custom output
    for (const f of files) {
      const raw = await fs.readFile(f);
      expect(raw.subarray(0, 8).toString('latin1'), f).toBe('QRYENC1\n');
      for (const plain of ['ACME', 'R-7731', 'semantic_modality', '"metadata"', 'matched_blueprint'])
        expect(raw.includes(Buffer.from(plain)), `${plain} in ${f}`).toBe(false);
    }

    // through the API: GET /outputs opens the envelope
    const metaRes = await fetch(`${api.url}/outputs?uri=${encodeURIComponent(metadataUri)}`);
    expect(metaRes.status).toBe(200);
    const meta = (await metaRes.json()) as {
      output_metadata: { segment_metadata: { standard_output_path: string; custom_output_path: string }[] }[];
    };
    const seg = meta.output_metadata[0].segment_metadata[0];
    const standard = (await (
      await fetch(`${api.url}/outputs?uri=${encodeURIComponent(seg.standard_output_path)}`)
    ).json()) as {
      metadata: { semantic_modality: string };
    };
    expect(standard.metadata.semantic_modality).toBe('DOCUMENT');
    expect(JSON.stringify(standard)).toMatch(/R-7731/);
    const custom = (await (
      await fetch(`${api.url}/outputs?uri=${encodeURIComponent(seg.custom_output_path)}`)
    ).json()) as {
      matched_blueprint: { arn: string };
    };
    expect(custom.matched_blueprint.arn).toMatch(/receipt/);

    // through the quarry command, with the keyring
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin/quarry.mjs'), 'read', '--local', fileURLToPath(seg.standard_output_path)],
      {
        env: { ...process.env, QUARRY_HOME: stack.config.home, QUARRY_ALLOWED_ROOTS: stack.root, QUARRY_DEV: '1' },
        cwd: ROOT,
      },
    );
    expect(JSON.parse(stdout)).toEqual(standard);
  });

  it('the sync API returns the plaintext inline; an unknown key id is refused', async () => {
    const r = await sdk.send(
      new InvokeDataAutomationCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in/receipt.pdf` },
        encryptionConfiguration: { kmsKeyId: keyId },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    expect(r.outputSegments![0].standardOutput).toMatch(/R-7731/);

    await expect(
      sdk.send(
        new InvokeDataAutomationAsyncCommand({
          inputConfiguration: { s3Uri: `${stack.rootUri}/in/receipt.pdf` },
          outputConfiguration: { s3Uri: `${stack.rootUri}/out-enc` },
          encryptionConfiguration: { kmsKeyId: 'no-such-key' },
          dataAutomationProfileArn: PROFILE,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/'no-such-key' is not a key id of Quarry's keyring/),
    });
  });
});

describe('s3:// outputs with a kmsKeyId', () => {
  it('every object the job writes reaches S3 with SSE-KMS and the key id', async () => {
    await s3.client.send(
      new PutObjectCommand({
        Bucket: 'enc-in',
        Key: 'receipt.pdf',
        Body: await fs.readFile(path.join(stack.root, 'in', 'receipt.pdf')),
      }),
    );
    const { invocationArn } = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: 's3://enc-in/receipt.pdf' },
        outputConfiguration: { s3Uri: 's3://enc-out/out' },
        encryptionConfiguration: { kmsKeyId: KMS_ARN },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    const done = await waitForEnd(invocationArn!);
    expect(done.status).toBe('Success');
    const jobId = invocationArn!.split('/').pop()!;
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'enc-out', Prefix: `out/${jobId}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => !k.endsWith('.quarry/encryption.json'));
    expect(keys).toContain(`out/${jobId}/job_metadata.json`);
    expect(keys.some((k) => k.endsWith('standard_output/0/result.json'))).toBe(true);
    for (const Key of keys) {
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'enc-out', Key }));
      expect(head.ServerSideEncryption, Key).toBe('aws:kms');
      expect(head.SSEKMSKeyId, Key).toBe(KMS_ARN);
    }
    // and readable as ever (S3 decrypts)
    const meta = (await (
      await fetch(`${api.url}/outputs?uri=${encodeURIComponent(done.outputConfiguration!.s3Uri!)}`)
    ).json()) as {
      job_id: string;
    };
    expect(meta.job_id).toBe(jobId);
  });
});
