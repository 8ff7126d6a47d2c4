/**
 * A retried shot detection resumes at its last heartbeat and finds the same shots; a retried keyframe reading
 * reads only the keyframes not yet written (real ffmpeg, no Temporal server).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createVideoActivities } from '../../activities/video/video-activities.ts';
import { openStorage } from '../../engines/storage/open-storage.ts';
import { loadConfig } from '../../schemas/config.ts';
import { workAreaUri } from '../../schemas/output-location.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';
import { VideoStandardOutput } from '../../schemas/video-output.ts';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-video-resume-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('video activities resume', () => {
  it('shot detection beats its progress and a retry from a beat finds the same shots', async () => {
    // 12 s at 25 fps, no audio: a test pattern, red from 5 s, another pattern from 9 s
    const file = path.join(root, 'in.mp4');
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=5'],
      ...['-f', 'lavfi', '-i', 'color=c=red:size=160x120:rate=25:duration=4'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=3'],
      ...['-filter_complex', '[0][1][2]concat=n=3:v=1:a=0', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', file],
    ]);
    const config = loadConfig({ QUARRY_HOME: path.join(root, '.quarry'), QUARRY_ALLOWED_ROOTS: root });
    const acts = createVideoActivities({ config, storage: openStorage(config), client: undefined as unknown as Client });
    const uri = pathToFileURL(file).href;
    const input: PipelineInput = {
      jobId: 'resume',
      assetIndex: 0,
      assetUri: uri,
      assetOutputUri: pathToFileURL(path.join(root, 'out', '0')).href,
      asset: { uri, bytes: (await fs.stat(file)).size, fileType: 'MP4', mediaType: 'video/mp4', modality: 'VIDEO' },
      modality: 'VIDEO',
      standardOutputConfiguration: {},
      blueprints: [],
      sync: false,
    };
    const beats: { nextFrame: number; doneMs: number; cuts: [number, number][] }[] = [];
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d: (typeof beats)[number]) => {
      beats.push(d);
    });
    const r1: { uri: string } = await first.run(acts.analyzeVideo, input);
    const shots1 = VideoStandardOutput.parse(JSON.parse(await fs.readFile(new URL(r1.uri), 'utf8'))).shots;
    expect(shots1.map((s) => s.start_timestamp_millis)).toEqual([0, 5000, 9000]);
    // a beat every 5 s of video: after the first cut was final
    const beat = beats.find((b) => b.cuts.length === 1)!;
    expect(beat.doneMs).toBeGreaterThan(5000);
    const retry = new MockActivityEnvironment({ heartbeatDetails: beat } as never);
    const retryBeats: { nextFrame: number }[] = [];
    retry.on('heartbeat', (d: (typeof retryBeats)[number]) => {
      retryBeats.push(d);
    });
    const r2: { uri: string } = await retry.run(acts.analyzeVideo, input);
    const shots2 = VideoStandardOutput.parse(JSON.parse(await fs.readFile(new URL(r2.uri), 'utf8'))).shots;
    expect(shots2).toEqual(shots1);
    // it decoded from the beat on, not from the start: fewer frames, so fewer beats
    expect(beats.length).toBe(2);
    expect(retryBeats.length).toBeLessThan(beats.length);

    // keyframes: moderation and text off (the engines are tested elsewhere); one already written is not read again
    const workUri = workAreaUri(input.assetOutputUri, 'video-frames');
    const off = { video: { extraction: { category: { state: 'DISABLED' as const }, boundingBox: { state: 'DISABLED' as const } } } };
    const read = { assetUri: uri, videoUri: r2.uri, workUri, standardOutputConfiguration: off };
    const firstFrames: { frames: number } = await new MockActivityEnvironment().run(acts.readVideoFrames, read);
    expect(firstFrames.frames).toBe(3);
    const workDir = new URL(`${workUri}/`);
    const written = (await fs.readdir(workDir)).sort();
    expect(written).toHaveLength(3);
    const stamp = (await fs.stat(new URL(written[0], workDir))).mtimeMs;
    await fs.rm(new URL(written[2], workDir));
    await new MockActivityEnvironment().run(acts.readVideoFrames, read);
    expect((await fs.readdir(workDir)).sort()).toEqual(written);
    expect((await fs.stat(new URL(written[0], workDir))).mtimeMs).toBe(stamp);
    // composing puts them in the output and removes the work area
    const composed: { chapters: number } = await new MockActivityEnvironment().run(acts.composeVideo, { videoUri: r2.uri, workUri, frames: 3, standardOutputConfiguration: off });
    expect(composed.chapters).toBeGreaterThan(0);
    await expect(fs.stat(workDir)).rejects.toThrow();
  });
});
