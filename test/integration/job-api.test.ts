import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  type GetDataAutomationStatusCommandOutput,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { magic, writeFiles } from '../helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../helpers/orchestration-activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
let stack: Stack;
let sdk: BedrockDataAutomationRuntimeClient;

beforeAll(async () => {
  stack = await createStack({
    address: inject('temporalAddress'),
    workflowsPath: noopWorkflowsPath,
    activities: noopPipelineActivities(),
    api: true,
  });
  sdk = new BedrockDataAutomationRuntimeClient({
    endpoint: stack.api!.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDQUARRYTEST', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sdk?.destroy();
  await stack?.close();
});

async function waitForEnd(invocationArn: string): Promise<GetDataAutomationStatusCommandOutput> {
  for (let i = 0; i < 600; i++) {
    const s = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    if (s.status !== 'Created' && s.status !== 'InProgress') return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${invocationArn} did not finish`);
}

async function rawInvoke(target: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonBedrockKeystoneRuntimeService.${target}`, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { __type: string; message: string } };
}

describe('BDA runtime API through the real AWS SDK client', () => {
  it('invokes a batch job, polls it to Success and reads job_metadata.json in BDA layout', async () => {
    await writeFiles(path.join(stack.root, 'in'), {
      'a.pdf': magic.pdf(),
      'b.png': magic.png(),
      'sub/c.wav': magic.wav(),
      'd.bmp': magic.bmp(),
      'e.pdf': magic.corruptPdf(),
    });
    const { invocationArn } = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
        clientToken: 'batch-1',
      }),
    );
    expect(invocationArn).toMatch(/^arn:aws:bedrock:us-east-1:000000000000:data-automation-invocation\/[0-9a-f-]{36}$/);
    const status = await waitForEnd(invocationArn!);
    expect(status.status).toBe('Success');
    expect(status.errorType).toBe('PartialFailure');
    expect(status.jobCompletionTime).toBeInstanceOf(Date);
    const jobId = invocationArn!.split('/').pop()!;
    expect(status.outputConfiguration?.s3Uri).toBe(`${stack.rootUri}/out/${jobId}/job_metadata.json`);

    const meta = JSON.parse(await fs.readFile(fileURLToPath(status.outputConfiguration!.s3Uri!), 'utf8'));
    expect(meta.job_id).toBe(jobId);
    expect(meta.semantic_modality).toBe('MIXED');
    expect(meta.output_metadata).toHaveLength(5);
    const byName = Object.fromEntries(meta.output_metadata.map((a: { asset_input_path: { uri: string } }) => [path.basename(a.asset_input_path.uri), a]));
    expect(byName['a.pdf'].asset_processing_status).toBe('Success');
    expect(byName['a.pdf'].semantic_modality).toBe('DOCUMENT');
    expect(byName['b.png'].semantic_modality).toBe('IMAGE');
    expect(byName['c.wav'].semantic_modality).toBe('AUDIO');
    expect(byName['d.bmp']).toMatchObject({ asset_processing_status: 'ClientError', error_type: 'UnsupportedMediaType' });
    expect(byName['d.bmp'].error_message).toMatch(/unsupported file type BMP/);
    expect(byName['e.pdf']).toMatchObject({ asset_processing_status: 'ClientError', error_type: 'InvalidInput' });
    const seg = byName['a.pdf'].segment_metadata[0].standard_output_path as string;
    expect(seg).toBe(`${stack.rootUri}/out/${jobId}/${byName['a.pdf'].asset_id}/standard_output/0/result.json`);
    await fs.access(fileURLToPath(seg));

    // the same clientToken is the same job: same ARN, no second workflow
    const again = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
        clientToken: 'batch-1',
      }),
    );
    expect(again.invocationArn).toBe(invocationArn);
    const runs = await stack.client.workflow.count(`WorkflowId = 'quarry-job-${jobId}'`);
    expect(runs.count).toBe(1);
  });

  it('a single unsupported file is a ClientError job with the reason', async () => {
    await writeFiles(path.join(stack.root, 'one'), { 'x.bin': Buffer.from('just some bytes') });
    const { invocationArn } = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/one/x.bin` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: PROFILE,
      }),
    );
    const s = await waitForEnd(invocationArn!);
    expect(s.status).toBe('ClientError');
    expect(s.errorType).toBe('UnsupportedMediaType');
    expect(s.errorMessage).toMatch(/unsupported file type UNKNOWN/);
  });

  it('an unknown invocation is a 404 ResourceNotFoundException', async () => {
    await expect(
      sdk.send(
        new GetDataAutomationStatusCommand({
          invocationArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-invocation/does-not-exist',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it.each([
    ['missing fields', '{}', /inputConfiguration: is required/],
    [
      'bad profile ARN',
      JSON.stringify({ inputConfiguration: { s3Uri: 'file:///x' }, outputConfiguration: { s3Uri: 'file:///y' }, dataAutomationProfileArn: 'arn:nope' }),
      /dataAutomationProfileArn: must be a data-automation-profile ARN/,
    ],
    ['traversal path', 'TRAVERSAL', /inputConfiguration.s3Uri: path traversal/],
    ['unknown scheme', 'SCHEME', /inputConfiguration.s3Uri: unsupported URI scheme 'http'/],
    ['10,000-char token', 'TOKEN', /clientToken: /],
    ['non-JSON body', '{not json', /not valid JSON/],
  ])('rejects %s with 400 ValidationException naming the field', async (_name, body, message) => {
    const valid = { outputConfiguration: { s3Uri: `${stack.rootUri}/out` }, dataAutomationProfileArn: PROFILE };
    const bodies: Record<string, unknown> = {
      TRAVERSAL: { ...valid, inputConfiguration: { s3Uri: `${stack.rootUri}/in/../../etc/passwd` } },
      SCHEME: { ...valid, inputConfiguration: { s3Uri: 'http://example.invalid/a.pdf' } },
      TOKEN: { ...valid, inputConfiguration: { s3Uri: `${stack.rootUri}/in` }, clientToken: 'a'.repeat(10_000) },
    };
    const raw = bodies[body] ? JSON.stringify(bodies[body]) : body;
    const r = await rawInvoke('InvokeDataAutomationAsync', raw);
    expect(r.status).toBe(400);
    expect(r.body.__type).toBe('ValidationException');
    expect(r.body.message).toMatch(message);
  });

  it('rejects a file outside the allowed roots', async () => {
    const r = await rawInvoke(
      'InvokeDataAutomationAsync',
      JSON.stringify({ inputConfiguration: { s3Uri: 'file:///etc/passwd' }, outputConfiguration: { s3Uri: `${stack.rootUri}/out` }, dataAutomationProfileArn: PROFILE }),
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/outside the allowed storage roots/);
  });
});
