/**
 * Killing the audio worker mid-file: the workflow resumes on a new worker from the last finished chunk.
 * The audio activities run in a separate worker process (test/fixtures/audio/audio-worker.ts, what
 * `quarry worker --queues audio` runs) that the test kills with SIGKILL.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import { defaultStandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import type { PipelineInput, PipelineResult } from '../../schemas/pipeline.ts';
import { speak } from '../fixtures/audio/make-audio.ts';
import { kill9 } from '../helpers/processes.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const SENTENCES = [
  'The first chapter begins in a small village by the sea.',
  'Every morning the fishermen carried their nets down to the harbour.',
  'In the afternoon the children played football on the beach.',
  'The old lighthouse keeper told stories about ships and storms.',
  'One winter a great storm broke the wooden pier into pieces.',
  'The villagers worked together for months to build it again.',
  'By the spring the new pier was longer and stronger than before.',
  'The last chapter ends with a festival of music and lanterns.',
];

let stack: Stack;
let address: string;
const workers: ChildProcess[] = [];

function startAudioWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/audio/audio-worker.ts')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: stack.namespace,
      QUARRY_HOME: stack.config.home,
      QUARRY_ALLOWED_ROOTS: stack.root,
      QUARRY_DEV: '1',
      QUARRY_LOG_LEVEL: 'ERROR',
      QUARRY_AUDIO_CHUNK_MS: '9000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.resume(); // whisper.cpp logs to stderr
  workers.push(child);
  return new Promise<ChildProcess>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('audio worker did not start')), 60_000);
    child.stdout?.on('data', (d) => {
      if (String(d).includes('worker-ready')) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`audio worker exited ${code}`)));
  });
}

beforeAll(async () => {
  address = inject('temporalAddress');
  stack = await createStack({
    address,
    workflowsPath: fileURLToPath(new URL('../../workflows/audio.ts', import.meta.url)),
    queues: [TaskQueue.orchestration],
  });
});
afterAll(async () => {
  for (const w of workers) await kill9(w);
  await stack?.close();
});

describe('audio pipeline crash recovery', () => {
  it('resumes from the last finished chunk after the audio worker is killed', { timeout: 240_000 }, async () => {
    const dir = path.join(stack.root, 'media');
    await fs.mkdir(dir, { recursive: true });
    // sentences with 1.5-s pauses, so the 9-s chunks are cut between them
    const parts = SENTENCES.map((s, i) => speak(path.join(dir, `s${i}.wav`), s));
    const pause = path.join(dir, 'pause.wav');
    execFileSync('sox', ['-n', '-r', '16000', '-c', '1', pause, 'trim', '0', '1.5']);
    const file = path.join(dir, 'story.wav');
    execFileSync('sox', [...parts.flatMap((p) => [p, pause]), file]);

    const id = 'audio-resume';
    const input: PipelineInput = {
      jobId: id,
      assetIndex: 0,
      assetUri: pathToFileURL(file).href,
      assetOutputUri: `${stack.rootUri}/out/${id}/0`,
      asset: {
        uri: pathToFileURL(file).href,
        bytes: (await fs.stat(file)).size,
        fileType: 'WAV',
        mediaType: 'audio/wav',
        modality: 'AUDIO',
      },
      modality: 'AUDIO',
      standardOutputConfiguration: defaultStandardOutputConfiguration,
      blueprints: [],
      sync: false,
    };
    const first = await startAudioWorker();
    const handle = await stack.client.workflow.start('audioPipeline', {
      taskQueue: TaskQueue.orchestration,
      workflowId: id,
      args: [input],
    });

    // wait until two chunks are finished, then kill the worker with SIGKILL
    const chunksDir = path.join(stack.root, 'out', id, '0', '_audio_work', 'chunks');
    let finishedBeforeKill: string[] = [];
    for (let i = 0; i < 900 && finishedBeforeKill.length < 2; i++) {
      finishedBeforeKill = (await fs.readdir(chunksDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
      await new Promise((r) => setTimeout(r, 100));
    }
    await kill9(first);
    await startAudioWorker();

    const result = (await handle.result()) as PipelineResult;
    const output = AudioStandardOutput.parse(await stack.storage.readJson(result.segments[0].standardOutputUri));
    const text = output.audio.transcript!.representation.text.toLowerCase();
    expect(text).toMatch(/first chapter/);
    expect(text).toMatch(/festival of music/);
    expect(output.quarry?.chunks).toBeGreaterThanOrEqual(4);

    // Each chunk activity's final attempt number (ActivityTaskStarted is recorded with the last attempt). The
    // chunks finished before the kill ran exactly once; the chunk in flight when the worker died ran again.
    const history = await handle.fetchHistory();
    const chunkActivities = new Set<string>();
    const attempts: number[] = [];
    for (const e of history.events ?? []) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'transcribeAudioChunk')
        chunkActivities.add(String(e.eventId));
      const started = e.activityTaskStartedEventAttributes;
      if (started && chunkActivities.has(String(started.scheduledEventId))) attempts.push(started.attempt ?? 1);
    }
    expect(finishedBeforeKill.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBe(chunkActivities.size);
    expect(attempts.filter((a) => a === 1).length).toBeGreaterThanOrEqual(finishedBeforeKill.length);
    expect(attempts.filter((a) => a > 1).length).toBeGreaterThanOrEqual(1);
  });
});
