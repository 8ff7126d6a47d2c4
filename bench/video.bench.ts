/**
 * `npm run bench -- video`: the VIDEO standard output on the generated test video (bench/video/test-video.ts:
 * 720p, 48 s, six shots with a burned-in phrase and narration each, three topics) in three encodings (H.264 MP4,
 * VP9 WebM, MPEG-4 AVI), through the real workflow on a real Temporal dev server: shot-boundary precision and
 * recall (±200 ms), burned-in phrase word recall on the frames, chapters against the three topics, wall time.
 * Beside it, "before": the shot detector of commit ba64d1d (ffmpeg's scene score > 0.3, read from git) on the same
 * files, with that commit's fixed 30-s chapters and no frames. BENCH_VIDEO_DETAIL=1 prints each output's cuts,
 * chapters and summary. The machine is shared: `uptime` is printed with the times.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chaptersFromShots, shotsFromCuts } from '../engines/media/shots.ts';
import { closeOcrEngines } from '../engines/ocr/choose-engine.ts';
import type { JobResult } from '../schemas/job.ts';
import { VideoStandardOutput } from '../schemas/video-output.ts';
import { startDevServer } from '../test/helpers/temporal-server.ts';
import { matchCuts, scoreVideo, type VideoScore } from './video/score.ts';
import { ENCODINGS, makeTestVideo, type TestVideoTruth } from './video/test-video.ts';
import { createVideoStack } from '../test/helpers/video-stack.ts';

const run = promisify(execFile);
const BEFORE_COMMIT = 'ba64d1d';

/** The detector as it was before this change, from git, runnable on its own (it imports only run-tool.ts). */
async function beforeDetector(dir: string) {
  const at = path.join(dir, 'before');
  await fs.mkdir(at, { recursive: true });
  for (const f of ['scene-cuts.ts', 'run-tool.ts']) {
    const { stdout } = await run('git', ['show', `${BEFORE_COMMIT}:engines/media/${f}`], { maxBuffer: 4 << 20 });
    await fs.writeFile(path.join(at, f), stdout);
  }
  const mod = (await import(path.join(at, 'scene-cuts.ts'))) as {
    detectSceneCuts: (file: string, o: { durationMs: number; fps: number }) => Promise<{ ms: number; score: number }[]>;
  };
  return mod.detectSceneCuts;
}

/** precision and recall, two table cells */
const pr = (tp: number, found: number, truth: number) =>
  `${(tp / Math.max(1, found)).toFixed(2)} | ${(tp / truth).toFixed(2)}`;

export default async function videoBench(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-video-'));
  const detail = process.env.BENCH_VIDEO_DETAIL === '1';
  const server = await startDevServer();
  const stack = await createVideoStack(server.address);
  const detectBefore = await beforeDetector(dir);
  const rows: string[] = [];
  const total = { before: [0, 0, 0], after: [0, 0, 0], phrases: [0, 0] };
  try {
    for (const [key, enc] of Object.entries(ENCODINGS)) {
      const input = path.join(stack.root, `in-${key}`);
      const truth: TestVideoTruth = await makeTestVideo(input, { encoding: enc });
      for (const f of await fs.readdir(input)) if (f.endsWith('.wav')) await fs.rm(path.join(input, f));
      // before: the old detector and its 30-s chapters
      const old = await detectBefore(truth.file, { durationMs: truth.durationMs, fps: 25 });
      const oldShots = shotsFromCuts(old, truth.durationMs, 25);
      const oldChapters = chaptersFromShots(oldShots).length;
      const oldTp = matchCuts(old.map((c) => c.ms), truth.cuts, 200);
      // after: the whole pipeline through the API
      const t0 = Date.now();
      const res = await fetch(`${stack.api!.url}/`, {
        method: 'POST',
        headers: { 'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync' },
        body: JSON.stringify({
          inputConfiguration: { s3Uri: `${stack.rootUri}/in-${key}` },
          outputConfiguration: { s3Uri: `${stack.rootUri}/out-${key}` },
          dataAutomationProfileArn: 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1',
        }),
      });
      const { invocationArn } = (await res.json()) as { invocationArn: string };
      const jobId = invocationArn.split('/').pop()!;
      const result: JobResult = await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result();
      const seconds = (Date.now() - t0) / 1000;
      const load = (await run('uptime')).stdout.trim().replace(/.*load average: /, '');
      if (result.status !== 'Success') throw new Error(`${enc.name}: job ${result.status}`);
      const meta = await stack.storage.readJson<{ output_metadata: { segment_metadata: { standard_output_path: string }[] }[] }>(
        result.jobMetadataUri,
      );
      const out = VideoStandardOutput.parse(
        await stack.storage.readJson(meta.output_metadata[0].segment_metadata[0].standard_output_path),
      );
      const s: VideoScore = scoreVideo(out, truth);
      if (detail) {
        console.log(enc.name, 'before', old.map((c) => c.ms), 'after', out.shots.slice(1).map((x) => x.start_timestamp_millis));
        for (const c of out.chapters) console.log(' chapter', c.shot_indices, c.summary);
        console.log(' summary', out.video.summary);
      }
      total.before[0] += oldTp;
      total.before[1] += old.length;
      total.before[2] += truth.cuts.length;
      total.after[0] += s.truePositives;
      total.after[1] += s.found;
      total.after[2] += s.trueCuts;
      total.phrases[0] += s.phraseWordsRead;
      total.phrases[1] += s.phraseWords;
      rows.push(
        `| ${enc.name} | ${old.length} | ${pr(oldTp, old.length, truth.cuts.length)} | ${oldChapters} | ${s.found} | ${pr(s.truePositives, s.found, s.trueCuts)} | ${s.phraseWordsRead}/${s.phraseWords} | ${s.chapters} of ${s.trueChapters} | ${seconds.toFixed(0)} s (load ${load}) |`,
      );
    }
  } finally {
    await stack.close();
    await server.teardown();
    await closeOcrEngines();
    await fs.rm(dir, { recursive: true, force: true });
  }
  const [bt, bf, bn] = total.before;
  const [at, af, an] = total.after;
  return [
    `Generated 720p test video, 48 s, 5 true cuts per encoding, a burned-in phrase per shot, three topics (\`npm run bench -- video\`, ${new Date().toISOString().slice(0, 10)}, shared 2-core machine). Before = the ffmpeg scene-score detector of ${BEFORE_COMMIT} with its fixed 30-s chapters and no frames (0 phrases read); after = the whole pipeline through the API.`,
    '',
    '| encoding | before: boundaries | before: precision | before: recall | before: chapters | after: boundaries | after: precision | after: recall | after: phrase words read | after: chapters vs topics | after: wall time |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    `| **all** | ${bf} | ${pr(bt, bf, bn)} | | ${af} | ${pr(at, af, an)} | ${total.phrases[0]}/${total.phrases[1]} (${(total.phrases[0] / total.phrases[1]).toFixed(2)}) | | |`,
    '',
    'Before, no frames were read (0 phrase words) and the video summary was the audio summary.',
  ].join('\n');
}
