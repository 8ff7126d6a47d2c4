import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { JobResult } from '../../schemas/job.ts';
import type { Stack } from '../helpers/stack.ts';
import { createVideoStack } from '../helpers/video-stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await createVideoStack(inject('temporalAddress'));
  await fs.mkdir(path.join(stack.root, 'in'));
  await fs.copyFile('samples/sample.mp4', path.join(stack.root, 'in', 'clip.mp4'));
  // a talking clip: espeak-ng speech over a test pattern
  const wav = path.join(stack.root, 'speech.wav');
  execFileSync('espeak-ng', ['-w', wav, 'The quarterly report is ready for review.']);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15:duration=4', '-i', wav, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(stack.root, 'in', 'talk.mp4')]);
  await fs.writeFile(path.join(stack.root, 'in', 'broken.mp4'), Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(200, 7)]));
});
afterAll(() => stack?.close());

describe('VIDEO through the real workflow', () => {
  it('writes metadata, shots and chapters; a corrupt file is a ClientError on its asset', async () => {
    const res = await fetch(`${stack.api!.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync' },
      body: JSON.stringify({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1',
      }),
    });
    const { invocationArn } = (await res.json()) as { invocationArn: string };
    const jobId = invocationArn.split('/').pop()!;
    const result: JobResult = await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result();
    expect(result.status).toBe('Success');
    const meta = await stack.storage.readJson<{ output_metadata: { asset_input_path: { uri: string }; asset_processing_status: string; error_message?: string; segment_metadata: { standard_output_path: string }[] }[] }>(result.jobMetadataUri);
    const clip = meta.output_metadata.find((a) => a.asset_input_path.uri.endsWith('clip.mp4'))!;
    const broken = meta.output_metadata.find((a) => a.asset_input_path.uri.endsWith('broken.mp4'))!;
    expect(broken.asset_processing_status).toBe('ClientError');
    expect(broken.error_message).toBeTruthy();
    const out = await stack.storage.readJson<{
      metadata: { duration_millis: number; frame_width: number; frame_rate: number; codec: string };
      shots: { start_timestamp_millis: number; end_timestamp_millis: number }[];
      chapters: unknown[];
    }>(clip.segment_metadata[0].standard_output_path);
    expect(out.metadata).toMatchObject({ frame_width: 320, codec: 'h264', frame_rate: 15 });
    expect(out.metadata.duration_millis).toBeGreaterThan(5500);
    // the sample cuts from a test pattern to blue at 3 s
    expect(out.shots.length).toBe(2);
    expect(Math.abs(out.shots[1].start_timestamp_millis - 3000)).toBeLessThan(150);
    expect(out.chapters.length).toBe(1);

    const talk = meta.output_metadata.find((a) => a.asset_input_path.uri.endsWith('talk.mp4'))!;
    const spoken = await stack.storage.readJson<{ video: { transcript?: { representation: { text: string } } }; chapters: { audio_segments?: { text: string }[] }[] }>(
      talk.segment_metadata[0].standard_output_path,
    );
    expect(spoken.video.transcript?.representation.text.toLowerCase()).toMatch(/\[spk_0\]: .*quarterly report/);
    expect(spoken.chapters[0].audio_segments?.length).toBeGreaterThan(0);
  });
});
