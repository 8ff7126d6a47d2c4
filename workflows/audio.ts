/**
 * The AUDIO pipeline: probe → plan chunks (VAD) → transcribe chunks in parallel (bounded window, heartbeats)
 * ∥ label speakers → write standard output. Orchestration only; every side effect is an activity on
 * `quarry-audio`. A worker killed mid-way loses only the chunks in flight: finished chunks are recorded in the
 * workflow history (and their results in storage), so the retry resumes from the last finished chunk.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { AudioActivities, TranscribeChunkResult } from '../activities/audio/index.ts';
import { audioFeatures } from '../activities/audio/audio-features.ts';
import type { AudioChunk } from '../activities/audio/voice-activity.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';

const quick = proxyActivities<AudioActivities>({
  taskQueue: TaskQueue.audio,
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'] },
});

const long = proxyActivities<AudioActivities>({
  taskQueue: TaskQueue.audio,
  startToCloseTimeout: '90 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    maximumAttempts: 4,
    initialInterval: '2 seconds',
    nonRetryableErrorTypes: ['InvalidInput', 'LimitExceeded', 'UnsupportedMediaType'],
  },
});

const recognise = proxyActivities<AudioActivities>({
  taskQueue: TaskQueue.audio,
  // a 3-minute chunk takes ~20 s on 2 cores; allow for a busy worker
  startToCloseTimeout: '30 minutes',
  // beats every 5 s from the event loop while whisper runs on native threads: a dead worker is noticed in 30 s
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '2 seconds', nonRetryableErrorTypes: ['InvalidInput'] },
});

/** Chunks in flight at once; the worker's slots decide how many really run. */
const WINDOW = 4;

export async function audioPipeline(input: PipelineInput): Promise<PipelineResult> {
  if (input.modality !== 'AUDIO' && input.modality !== 'VIDEO') {
    throw ApplicationFailure.nonRetryable(`audioPipeline cannot process ${input.modality}`, 'UnsupportedMediaType');
  }
  const features = audioFeatures(input.standardOutputConfiguration);
  const workUri = `${input.assetOutputUri.replace(/\/+$/, '')}/_audio_work`;
  const facts = await quick.probeAudio({ assetUri: input.assetUri });
  const channels = features.channels && facts.channels === 2 ? [0, 1] : undefined;
  const plan = await long.planAudio({ assetUri: input.assetUri, workUri, durationMs: facts.durationMs, channels });

  const speech = plan.chunks.filter((c) => c.speechMs > 0);
  const results = new Map<string, TranscribeChunkResult>();
  const key = (c: AudioChunk) => `${c.channel ?? 'mix'}:${c.index}`;
  const speakers =
    features.speakers && plan.speechMs > 0
      ? long.labelSpeakers({ assetUri: input.assetUri, workUri, regionsUri: plan.regionsUri, channels })
      : Promise.resolve(undefined);

  // sliding window over the chunks
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  while (next < speech.length || inFlight.size > 0) {
    while (next < speech.length && inFlight.size < WINDOW) {
      const chunk = speech[next++];
      const p: Promise<void> = recognise
        .transcribeAudioChunk({ assetUri: input.assetUri, workUri, chunk, regionsUri: plan.regionsUri })
        .then((r) => {
          results.set(key(chunk), r);
          inFlight.delete(p);
        });
      inFlight.add(p);
    }
    if (inFlight.size) await Promise.race(inFlight);
  }

  const labelled = await speakers;
  const written = await quick.writeAudioOutput({
    assetIndex: input.assetIndex,
    assetUri: input.assetUri,
    assetOutputUri: input.assetOutputUri,
    workUri,
    facts,
    chunks: plan.chunks.map((chunk) => ({ chunk, uri: results.get(key(chunk))?.uri })),
    speakersUri: labelled?.uri,
    standardOutputConfiguration: input.standardOutputConfiguration,
  });
  return {
    semanticModality: 'AUDIO',
    segments: [written.segment],
    stats: { ...written.stats, speech_millis: plan.speechMs },
  };
}
