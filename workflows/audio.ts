/**
 * The AUDIO pipeline: probe → plan chunks (VAD) → transcribe chunks in parallel (bounded window, heartbeats)
 * ∥ label speakers → write standard output. Orchestration only; every side effect is an activity on
 * `quarry-audio`. A worker killed mid-way loses only the chunks in flight: finished chunks are recorded in the
 * workflow history (and their results in storage), so the retry resumes from the last finished chunk.
 */
import {
  type ActivityOptions,
  ActivityCancellationType,
  ApplicationFailure,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { AudioActivities, TranscribeChunkResult } from '../activities/audio/audio-activities.ts';
import type { WorkAreaActivities } from '../activities/work-area.ts';
import { audioFeatures } from '../schemas/audio-features.ts';
import type { AudioChunk } from '../engines/speech/voice-activity.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { workAreaUri } from '../schemas/output-location.ts';
import { inWindow, stoppingAllOnFailure } from './fan-out.ts';
import { budgets, HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { phraseAudioSummaries } from './summaries.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';

/**
 * The activity proxies, each call's start-to-close sized to its work; every call beats while it runs (whisper on
 * native threads included), so a dead worker's call is retried HEARTBEAT_TIMEOUT later. `untilStopped`: a
 * cancelled activity is waited for until it has stopped (not just asked to), so the cleanup after a failure or
 * cancel is final; runs from before that patch keep the default.
 */
function audioActivities(untilStopped: boolean) {
  const extra = untilStopped ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {};
  const quick = (startToCloseTimeout: number | string) =>
    proxyActivities<AudioActivities>({
      taskQueue: TaskQueue.audio,
      startToCloseTimeout,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      retry: { maximumAttempts: 3, nonRetryableErrorTypes },
      ...extra,
    } satisfies ActivityOptions);
  const long = (startToCloseTimeout: number) =>
    proxyActivities<AudioActivities>({
      taskQueue: TaskQueue.audio,
      startToCloseTimeout,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      retry: { maximumAttempts: 4, initialInterval: '2 seconds', nonRetryableErrorTypes },
      ...extra,
    } satisfies ActivityOptions);
  const recognise = (chunk: AudioChunk) =>
    proxyActivities<AudioActivities>({
      taskQueue: TaskQueue.audio,
      startToCloseTimeout: budgets.transcribeChunk(chunk.endMs - chunk.startMs),
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      retry: { maximumAttempts: 5, initialInterval: '2 seconds', nonRetryableErrorTypes },
      ...extra,
    } satisfies ActivityOptions);
  return { quick, long, recognise };
}
const { removeWorkArea } = proxyActivities<WorkAreaActivities>({
  taskQueue: TaskQueue.audio,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { maximumAttempts: 3 },
});

/** Chunks in flight at once; the worker's slots decide how many really run. */
const WINDOW = 4;

export async function audioPipeline(input: PipelineInput): Promise<PipelineResult> {
  if (input.modality !== 'AUDIO' && input.modality !== 'VIDEO') {
    throw ApplicationFailure.nonRetryable(`audioPipeline cannot process ${input.modality}`, 'UnsupportedMediaType');
  }
  // runs started before this patch replay without the cleanup on failure and with fire-and-forget cancels
  const cleansOnFailure = patched('audio-clean-work-on-failure');
  // runs started before this patch kept the extractive summaries
  const phrasesSummaries = patched('audio-summaries-on-generative-queue');
  const { quick, long, recognise } = audioActivities(cleansOnFailure);
  const features = audioFeatures(input.standardOutputConfiguration);
  const workUri = workAreaUri(input.assetOutputUri, 'audio');
  // reading the file (a download from S3) and ffprobe
  const facts = await quick('5 minutes').probeAudio({ assetUri: input.assetUri });
  const channels = features.channels && facts.channels === 2 ? [0, 1] : undefined;

  const transcribe = async (track: (p: Promise<unknown>) => void) => {
    const plan = await long(budgets.planAudio(facts.durationMs, channels?.length ?? 1)).planAudio({
      assetUri: input.assetUri,
      workUri,
      durationMs: facts.durationMs,
      channels,
    });
    const finish = budgets.audioFinish(facts.durationMs);
    const speech = plan.chunks.filter((c) => c.speechMs > 0);
    const results = new Map<string, TranscribeChunkResult>();
    const key = (c: AudioChunk) => `${c.channel ?? 'mix'}:${c.index}`;
    const speakers =
      features.speakers && plan.speechMs > 0
        ? long(finish).labelSpeakers({ assetUri: input.assetUri, workUri, regionsUri: plan.regionsUri, channels })
        : Promise.resolve(undefined);
    track(speakers);
    await inWindow(speech, WINDOW, async (chunk) => {
      const r = recognise(chunk).transcribeAudioChunk({
        assetUri: input.assetUri,
        workUri,
        chunk,
        regionsUri: plan.regionsUri,
      });
      track(r);
      results.set(key(chunk), await r);
    });

    const labelled = await speakers;
    const written = await quick(finish).writeAudioOutput({
      assetIndex: input.assetIndex,
      assetUri: input.assetUri,
      assetOutputUri: input.assetOutputUri,
      workUri,
      facts,
      chunks: plan.chunks.map((chunk) => ({ chunk, uri: results.get(key(chunk))?.uri })),
      speakersUri: labelled?.uri,
      standardOutputConfiguration: input.standardOutputConfiguration,
    });
    return { written, plan };
  };

  // a failed or cancelled file stops its other activities, waits until they have stopped, and leaves no scratch files
  const done = cleansOnFailure
    ? await stoppingAllOnFailure(transcribe, () => removeWorkArea({ workUri }))
    : await transcribe(() => undefined);
  const { written, plan } = done;
  if (phrasesSummaries && written.phraseSummaries)
    await phraseAudioSummaries({ standardOutputUri: written.segment.standardOutputUri });
  return {
    semanticModality: 'AUDIO',
    segments: [written.segment],
    stats: { ...written.stats, speech_millis: plan.speechMs },
  };
}
