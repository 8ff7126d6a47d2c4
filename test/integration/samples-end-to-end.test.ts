import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BedrockDataAutomationRuntimeClient,
  GetDataAutomationStatusCommand,
  InvokeDataAutomationAsyncCommand,
} from '@aws-sdk/client-bedrock-data-automation-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { startApi } from '../../api/server.ts';
import { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { DocumentStandardOutput } from '../../schemas/document-output.ts';
import { ImageStandardOutput } from '../../schemas/image-output.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

/**
 * Every shipped sample (one per supported type) through the whole product: the real AWS SDK client,
 * the API, the job/asset workflows, every modality's real pipeline and activities, and the output
 * validated against the zod schemas of BDA's standard output.
 */
let stack: Stack;
let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  stack = await createStack({ address: inject('temporalAddress'), activities: activitiesByQueue });
  api = await startApi({ config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane }, { host: '127.0.0.1', port: 0 });
  await fs.cp('samples', path.join(stack.root, 'samples'), { recursive: true });
});
afterAll(async () => {
  await api?.close();
  await stack?.close();
});

const schemas = { DOCUMENT: DocumentStandardOutput, IMAGE: ImageStandardOutput, AUDIO: AudioStandardOutput } as const;

describe('samples/ end to end', () => {
  it('every sample file yields a valid BDA standard output through the real workflow', async () => {
    const sdk = new BedrockDataAutomationRuntimeClient({
      endpoint: api.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'dev', secretAccessKey: 'x' },
    });
    const { invocationArn } = await sdk.send(
      new InvokeDataAutomationAsyncCommand({
        inputConfiguration: { s3Uri: `${stack.rootUri}/samples` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1',
      }),
    );
    let status = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    for (let i = 0; i < 900 && (status.status === 'Created' || status.status === 'InProgress'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = await sdk.send(new GetDataAutomationStatusCommand({ invocationArn }));
    }
    expect(status.status, `${status.errorType}: ${status.errorMessage}`).toBe('Success');
    expect(status.errorType).toBeUndefined();
    const meta = await stack.storage.readJson<{
      output_metadata: { asset_input_path: { uri: string }; semantic_modality: keyof typeof schemas | 'VIDEO'; segment_metadata: { standard_output_path: string }[] }[];
    }>(status.outputConfiguration!.s3Uri!);
    const files = (await fs.readdir('samples')).filter((f) => !f.startsWith('.') && f !== 'README.md');
    expect(meta.output_metadata).toHaveLength(files.length);
    const seen = new Set<string>();
    for (const asset of meta.output_metadata) {
      seen.add(asset.semantic_modality);
      const out = await stack.storage.readJson(asset.segment_metadata[0].standard_output_path);
      if (asset.semantic_modality === 'VIDEO') {
        expect(out).toMatchObject({ metadata: { semantic_modality: 'VIDEO' }, shots: expect.any(Array) });
        continue;
      }
      const parsed = schemas[asset.semantic_modality].safeParse(out);
      expect(parsed.success, `${path.basename(asset.asset_input_path.uri)}: ${parsed.error?.message.slice(0, 500)}`).toBe(true);
    }
    expect([...seen].sort()).toEqual(['AUDIO', 'DOCUMENT', 'IMAGE', 'VIDEO']);
    sdk.destroy();
  }, 600_000);
});
