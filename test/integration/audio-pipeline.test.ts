/**
 * The audio pipeline through the real workflow on a real Temporal server, with real ffmpeg and the real speech
 * engine QUARRY_ASR_ENGINE selects (faster-whisper by default when scripts/setup.d/31-faster-whisper.sh installed it,
 * else whisper.cpp; Whisper base weights from scripts/setup.d/30-audio.sh). Test audio is synthesised with espeak-ng.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAudioActivities } from '../../activities/audio/audio-activities.ts';
import { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { speechEngine } from '../../engines/speech/speech-recognizer.ts';
import { loadConfig } from '../../schemas/config.ts';
import { TaskQueue } from '../../schemas/modality.ts';
import {
  defaultStandardOutputConfiguration,
  type StandardOutputConfiguration,
} from '../../schemas/output-configuration.ts';
import type { PipelineInput, PipelineResult } from '../../schemas/pipeline.ts';
import {
  type AudioFormat,
  makeCorrupt,
  makeFormats,
  makeSilence,
  makeStereoConversation,
  makeTooShort,
  SPEECH_TEXT,
} from '../fixtures/audio/make-audio.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

let stack: Stack;
let media: string;
let formats: Record<AudioFormat, string>;

beforeAll(async () => {
  stack = await createStack({
    address: inject('temporalAddress'),
    workflowsPath: fileURLToPath(new URL('../../workflows/audio.ts', import.meta.url)),
    activities: (deps) => ({ [TaskQueue.audio]: createAudioActivities(deps) }),
    queues: [TaskQueue.orchestration, TaskQueue.audio],
  });
  media = path.join(stack.root, 'media');
  await fs.mkdir(media, { recursive: true });
  formats = makeFormats(media);
});
afterAll(async () => {
  await stack?.close();
});

let n = 0;
async function pipelineInput(
  file: string,
  fileType: string,
  config: StandardOutputConfiguration = defaultStandardOutputConfiguration,
): Promise<PipelineInput> {
  const id = `audio-${++n}-${path.basename(file)}`;
  const input: PipelineInput = {
    jobId: id,
    assetIndex: 0,
    assetUri: pathToFileURL(file).href,
    assetOutputUri: `${stack.rootUri}/out/${id}/0`,
    asset: {
      uri: pathToFileURL(file).href,
      bytes: (await fs.stat(file)).size,
      fileType,
      mediaType: 'audio/*',
      modality: 'AUDIO',
    },
    modality: 'AUDIO',
    standardOutputConfiguration: config,
    blueprints: [],
    sync: false,
  };
  return input;
}

async function runPipeline(
  file: string,
  fileType: string,
  config: StandardOutputConfiguration = defaultStandardOutputConfiguration,
) {
  const input = await pipelineInput(file, fileType, config);
  const result = (await stack.client.workflow.execute('audioPipeline', {
    taskQueue: TaskQueue.orchestration,
    workflowId: input.jobId,
    args: [input],
    workflowExecutionTimeout: '10 minutes',
  })) as PipelineResult;
  const output = AudioStandardOutput.parse(await stack.storage.readJson(result.segments[0].standardOutputUri));
  return { result, output, input };
}

async function failureOf(file: string): Promise<{ type?: string; message: string }> {
  try {
    await runPipeline(file, 'WAV');
  } catch (e) {
    if (e instanceof WorkflowFailedError) {
      let c: unknown = e.cause;
      while (c && typeof c === 'object' && 'cause' in c && (c as { cause?: unknown }).cause)
        c = (c as { cause: unknown }).cause;
      const f = c as { type?: string; message: string };
      return { type: f.type, message: f.message };
    }
    throw e;
  }
  throw new Error('the pipeline did not fail');
}

describe('audio pipeline (real workflow, real ffmpeg + the configured speech engine)', () => {
  it('transcribes each of the 8 input formats into a valid BDA audio standard output', async () => {
    for (const [format, file] of Object.entries(formats) as [AudioFormat, string][]) {
      const { output, result, input } = await runPipeline(file, format);
      const text = output.audio.transcript?.representation.text.toLowerCase() ?? '';
      // real speech, transcribed: most of the spoken words are there. Not exact words — AMR is an 8 kHz
      // telephone codec, and whisper's temperature fallback on hard audio can vary a word or two between runs
      const spoken = SPEECH_TEXT.toLowerCase().match(/[a-z]+/g) ?? [];
      const heard = new Set(text.match(/[a-z]+/g) ?? []);
      const recall = spoken.filter((w) => heard.has(w)).length / spoken.length;
      expect(recall, `${format}: ${text}`).toBeGreaterThanOrEqual(0.6);
      expect(output.audio_items.length, format).toBeGreaterThan(10);
      // the output names the engine that ran
      expect(output.quarry?.speech_recognition).toMatch(new RegExp(`^${speechEngine(loadConfig().audio.asr)} `));
      const item = output.audio_items[3];
      expect(item.end_timestamp_millis).toBeGreaterThanOrEqual(item.start_timestamp_millis);
      expect(item.confidence).toBeGreaterThan(0);
      expect(output.audio_segments[0].speaker?.speaker_label).toBe('spk_0');
      expect(output.statistics.speaker_count, format).toBe(1); // one espeak voice
      expect(output.metadata.duration_millis).toBeGreaterThan(5000);
      expect(output.content_moderation?.some((m) => m.type === 'AUDIO_MODERATION')).toBe(true);
      expect(output.topics?.[0].summary).toBeTruthy();
      expect(output.audio.summary).toBeTruthy();
      expect(result.stats.word_count).toBe(output.audio_items.length);
      // the scratch files are gone; only the standard output remains
      const left: string[] = [];
      for await (const o of stack.storage.list(`${input.assetOutputUri}/`)) left.push(o.uri);
      expect(left).toEqual([result.segments[0].standardOutputUri]);
    }
  });

  it('labels channels and speakers of a two-voice stereo file', async () => {
    const { file } = makeStereoConversation(media);
    const config = structuredClone(defaultStandardOutputConfiguration);
    config.audio!.extraction!.category.typeConfiguration = {
      transcript: { speakerLabeling: { state: 'ENABLED' }, channelLabeling: { state: 'ENABLED' } },
    };
    const { output } = await runPipeline(file, 'WAV', config);
    const byChannel = (ch: string) => output.audio_segments.filter((s) => s.channel?.channel_label === ch);
    expect(
      byChannel('ch_0')
        .map((s) => s.text)
        .join(' ')
        .toLowerCase(),
    ).toMatch(/library building/);
    expect(
      byChannel('ch_1')
        .map((s) => s.text)
        .join(' ')
        .toLowerCase(),
    ).toMatch(/open in march/);
    const speakers = new Set(output.audio_segments.map((s) => s.speaker?.speaker_label));
    expect(speakers.size).toBe(2);
    expect(byChannel('ch_0')[0].speaker?.speaker_label).not.toBe(byChannel('ch_1')[0].speaker?.speaker_label);
    expect(output.metadata.number_of_channels).toBe(2);
  });

  it('leaves no scratch files behind when cancelled while transcribing', async () => {
    const { file } = makeStereoConversation(media);
    const config = structuredClone(defaultStandardOutputConfiguration);
    config.audio!.extraction!.category.typeConfiguration = {
      transcript: { speakerLabeling: { state: 'ENABLED' }, channelLabeling: { state: 'ENABLED' } },
    };
    const input = await pipelineInput(file, 'WAV', config);
    const handle = await stack.client.workflow.start('audioPipeline', {
      taskQueue: TaskQueue.orchestration,
      workflowId: input.jobId,
      args: [input],
    });
    const outDir = fileURLToPath(input.assetOutputUri);
    const work = path.join(outDir, '_audio_work');
    for (let i = 0; i < 600 && !(await fs.readdir(work).catch(() => [])).length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await fs.readdir(work)).length).toBeGreaterThan(0); // the plan is written; chunks are being transcribed
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await fs.readdir(outDir).catch(() => [])).not.toContain('_audio_work');
  }, 180_000);

  it('gives an empty transcript for silence, not an error', async () => {
    const { output } = await runPipeline(makeSilence(path.join(media, 'silence.wav')), 'WAV');
    expect(output.audio_items).toEqual([]);
    expect(output.audio_segments).toEqual([]);
    expect(output.audio.transcript?.representation.text).toBe('');
    expect(output.statistics.word_count).toBe(0);
  });

  it('rejects corrupt and too-short files with a ClientError type and a specific message', async () => {
    const corrupt = await failureOf(makeCorrupt(path.join(media, 'corrupt.mp3')));
    expect(corrupt.type).toBe('InvalidInput');
    expect(corrupt.message).toMatch(/corrupt/);
    const short = await failureOf(makeTooShort(path.join(media, 'short.wav')));
    expect(short.type).toBe('InvalidInput');
    expect(short.message).toMatch(/at least 500 ms/);
  });

  it('rejects audio longer than the configured limit', async () => {
    // QUARRY_AUDIO_MAX_MINUTES=0.05 (3 s) for this test: the in-process worker's activity reads its deps' config per call
    const { limits } = stack.config.audio;
    stack.config.audio.limits = loadConfig({ QUARRY_AUDIO_MAX_MINUTES: '0.05' }).audio.limits;
    try {
      const long = await failureOf(formats.WAV);
      expect(long.type).toBe('LimitExceeded');
      expect(long.message).toMatch(/long; the limit is 0.1 min/);
    } finally {
      stack.config.audio.limits = limits;
    }
  });
});
