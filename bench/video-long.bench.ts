/**
 * `npm run bench -- video-long`: wall time against duration and peak memory for a long 720p video (default 60 min;
 * QUARRY_BENCH_VIDEO_MINUTES sets it), through the real workflow on a real Temporal dev server, as a user submits
 * it. The picture is the generated 48-s test video (bench/video/test-video.ts: six 8-s shots with a burned-in
 * phrase each) looped, so every cut and phrase is known; the sound is the eval speech clips concatenated
 * (bench/audio/eval-media.ts longFile), so the transcript has a reference. Scored: shot boundaries (±200 ms),
 * burned-in phrase words read on the frames, transcript WER, chapters; wall time, real-time factor and the peak
 * RSS of the whole process tree (the bench process holds the API and the workers; ffmpeg, tesseract and the
 * speech process are its children), sampled every 2 s; and what the results folder holds besides results.
 * The machine is shared: `uptime` is printed with the times.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { closeOcrEngines } from '../engines/ocr/choose-engine.ts';
import type { JobResult } from '../schemas/job.ts';
import { VideoStandardOutput } from '../schemas/video-output.ts';
import { startDevServer } from '../test/helpers/temporal-server.ts';
import { longFile } from './audio/eval-media.ts';
import { normalizeText, wordErrors } from './audio/wer.ts';
import { scoreVideo } from './video/score.ts';
import { makeTestVideo, type TestVideoTruth } from './video/test-video.ts';
import { createVideoStack } from '../test/helpers/video-stack.ts';

const run = promisify(execFile);
const WORK = path.resolve('bench/.work/video-long');

/** Resident memory of a process and all its descendants, MB (from ps). */
async function treeRssMb(pid: number): Promise<number> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,rss=']);
  const rows = stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const inTree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of rows)
      if (!inTree.has(p) && inTree.has(pp)) {
        inTree.add(p);
        grew = true;
      }
  }
  return rows.filter(([p]) => inTree.has(p)).reduce((s, [, , rss]) => s + rss, 0) / 1024;
}

/** The test video's picture looped to `seconds`, with the long speech file as its sound; and its truth. */
async function longVideo(seconds: number, speech: string): Promise<TestVideoTruth> {
  // the test video's grain and cellular-automaton shots cost ~80 MB a loop at CRF 23 (6 GB an hour): capped at
  // 1.5 Mbit/s, as a screen recording or a webinar would be
  const capped = {
    name: 'H.264 MP4, 1.5 Mbit/s',
    ext: 'mp4',
    args: ['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '1500k', '-maxrate', '1500k', '-bufsize', '3000k', '-pix_fmt', 'yuv420p'],
  };
  const base = await makeTestVideo(path.join(WORK, 'base'), { speech: false, encoding: capped });
  const loops = Math.ceil((seconds * 1000) / base.durationMs);
  const file = path.join(WORK, `long-${Math.round(seconds / 60)}min.mp4`);
  await run('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-stream_loop',
    String(loops - 1),
    '-i',
    base.file,
    '-i',
    speech,
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-c:v',
    'copy',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-t',
    String(seconds),
    file,
  ]);
  const durationMs = seconds * 1000;
  const shots: TestVideoTruth['shots'] = [];
  for (let k = 0; k * base.durationMs < durationMs; k++)
    for (const s of base.shots) {
      const startMs = k * base.durationMs + s.startMs;
      if (startMs < durationMs)
        shots.push({ ...s, startMs, endMs: Math.min(durationMs, k * base.durationMs + s.endMs) });
    }
  return { file, durationMs, cuts: shots.slice(1).map((s) => s.startMs), shots, chapters: base.chapters };
}

export default async function videoLongBench(): Promise<string> {
  const minutes = Number(process.env.QUARRY_BENCH_VIDEO_MINUTES ?? 60);
  await fs.mkdir(WORK, { recursive: true });
  const speech = longFile(path.join(WORK, 'speech'), minutes);
  const seconds = Math.min(minutes * 60, Math.floor(speech.durationS));
  const truth = await longVideo(seconds, speech.file);
  const server = await startDevServer();
  const stack = await createVideoStack(server.address);
  let peak = 0;
  const sampler = setInterval(() => {
    treeRssMb(process.pid).then(
      (mb) => {
        peak = Math.max(peak, mb);
      },
      () => {},
    );
  }, 2000);
  try {
    const input = path.join(stack.root, 'in');
    await fs.mkdir(input);
    await fs.copyFile(truth.file, path.join(input, path.basename(truth.file)));
    const loadBefore = (await run('uptime')).stdout.trim().replace(/.*load average: /, '');
    const t0 = Date.now();
    const res = await fetch(`${stack.api!.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync' },
      body: JSON.stringify({
        inputConfiguration: { s3Uri: `${stack.rootUri}/in` },
        outputConfiguration: { s3Uri: `${stack.rootUri}/out` },
        dataAutomationProfileArn:
          'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1',
      }),
    });
    const { invocationArn } = (await res.json()) as { invocationArn: string };
    const jobId = invocationArn.split('/').pop()!;
    const result: JobResult = await stack.client.workflow.getHandle(`quarry-job-${jobId}`).result();
    const wallS = (Date.now() - t0) / 1000;
    const loadAfter = (await run('uptime')).stdout.trim().replace(/.*load average: /, '');
    if (result.status !== 'Success') throw new Error(`long video: job ${result.status}`);
    const meta = await stack.storage.readJson<{
      output_metadata: { segment_metadata: { standard_output_path: string }[] }[];
    }>(result.jobMetadataUri);
    const out = VideoStandardOutput.parse(
      await stack.storage.readJson(meta.output_metadata[0].segment_metadata[0].standard_output_path),
    );
    const s = scoreVideo(out, truth);
    // BDA's transcript text labels each segment with its speaker ("[spk_0]: …"): the labels are not words said
    const said = (out.video.transcript?.representation.text ?? '').replace(/^\[[^\]]*\]:\s*/gm, '');
    const hyp = normalizeText(said);
    const wer = wordErrors(speech.reference, hyp) / speech.reference.length;
    const left = (await fs.readdir(path.join(stack.root, 'out'), { recursive: true })).filter((f) =>
      /(^|\/)\.work(\/|$)/.test(String(f)),
    );
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    return [
      `A ${minutes}-min 720p H.264 video (the 48-s test video looped: ${truth.cuts.length} true cuts, a burned-in phrase per 8-s shot; sound: the eval speech clips concatenated), one job through the API on a real Temporal dev server, ${new Date().toISOString().slice(0, 10)}, 2 cores; load average ${loadBefore} at the start, ${loadAfter} at the end.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| wall time, submit → Success | ${(wallS / 60).toFixed(1)} min (RTF ${(wallS / seconds).toFixed(3)}) |`,
      `| peak RSS, whole process tree (API, workers, ffmpeg, tesseract, speech) | ${Math.round(peak)} MB |`,
      `| shot boundaries: found / precision / recall (±200 ms) | ${s.found} / ${(s.truePositives / Math.max(1, s.found)).toFixed(3)} / ${(s.truePositives / s.trueCuts).toFixed(3)} |`,
      `| burned-in phrase words read on frames | ${s.phraseWordsRead}/${s.phraseWords} (${(s.phraseWordsRead / s.phraseWords).toFixed(2)}) |`,
      `| transcript WER | ${pct(wer)} (${hyp.length} words out, ${speech.reference.length} in the reference) |`,
      `| chapters | ${s.chapters} |`,
      `| work files left in the results folder | ${left.length} |`,
    ].join('\n');
  } finally {
    clearInterval(sampler);
    await stack.close();
    await server.teardown();
    await closeOcrEngines();
  }
}
