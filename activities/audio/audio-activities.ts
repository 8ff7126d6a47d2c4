/**
 * Audio activities (task queue `quarry-audio`): probe → plan chunks (VAD) → transcribe chunks (parallel) →
 * label speakers → write the BDA audio standard output. Heavy work runs in ffmpeg child processes or on
 * the speech recogniser (faster-whisper's process or whisper.cpp's native threads); activities pass URIs and small summaries only (claim check).
 */
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';
import type { StandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import type { SegmentResult } from '../../schemas/pipeline.ts';
import type { ActivityDeps } from '../deps.ts';
import { clientError } from '../../engines/client-error.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import { ToolError } from '../../engines/media/run-tool.ts';
import { joinUri, standardOutputUri as standardOutputUriOf } from '../../schemas/output-location.ts';
import { activityContext } from '../activity-context.ts';
import { reportProgress, resumedProgress } from '../heartbeat.ts';
import { createWorkAreaActivities } from '../work-area.ts';
import { audioFeatures } from '../../schemas/audio-features.ts';
import { type AudioFacts, audioFacts, checkAudioLimits } from './audio-limits.ts';
import { buildAudioOutput } from './assemble-audio-output.ts';
import { decodePcm, decodeStream, ffprobe } from '../../engines/media/ffmpeg.ts';
import { SpeakerFeatureMeter } from '../../engines/speech/speaker-features.ts';
import {
  labelWindows,
  SPEAKER_METHOD,
  type SpeakerWindow,
  smoothSpeakerRuns,
  speakerAt,
} from '../../engines/speech/speaker-labels.ts';
import { type RecognizerOptions, recognize, speechEngineName } from '../../engines/speech/speech-recognizer.ts';
import { lexiconModerator, type TextModerator } from '../../engines/language/text-moderation.ts';
import type { LabelledWord } from '../../engines/speech/transcript-segments.ts';
import { type AsrWord, stitchChunks } from '../../engines/speech/transcript-words.ts';
import { ENERGY_METHOD, selectVadEngine } from '../../engines/speech/vad-engine.ts';
import {
  type AudioChunk,
  defaultChunkPlan,
  FRAME_MS,
  FrameMeter,
  planChunks,
  type SpeechRegion,
} from '../../engines/speech/voice-activity.ts';

/** The VAD method reported when a plan recorded none (planAudio writes the engine that ran to `vad.json`). */
export const VAD_METHOD = ENERGY_METHOD;

export interface ProbeAudioInput {
  assetUri: string;
}

export interface PlanAudioInput {
  assetUri: string;
  workUri: string;
  durationMs: number;
  /** [0, 1] to recognise channels separately; undefined to down-mix */
  channels?: number[];
  targetChunkMs?: number;
}
export interface PlanAudioResult {
  chunks: AudioChunk[];
  speechMs: number;
  regionsUri: string;
}

/** One channel's share of a plan, stored as soon as that channel is planned. */
interface ChannelPlan {
  regions: SpeechRegion[];
  chunks: AudioChunk[];
  speechMs: number;
}

export interface TranscribeChunkInput {
  assetUri: string;
  workUri: string;
  chunk: AudioChunk;
  /** speech regions per channel key (from planAudio), to trim leading/trailing silence and mute pauses */
  regionsUri?: string;
}
export interface TranscribeChunkResult {
  uri: string;
  words: number;
  language: string;
}

export interface LabelSpeakersInput {
  assetUri: string;
  workUri: string;
  regionsUri: string;
  channels?: number[];
}
export interface LabelSpeakersResult {
  uri: string;
  speakers: number;
}

export interface WriteAudioOutputInput {
  assetIndex: number;
  assetUri: string;
  assetOutputUri: string;
  workUri: string;
  facts: AudioFacts;
  chunks: { chunk: AudioChunk; uri?: string }[];
  speakersUri?: string;
  standardOutputConfiguration: StandardOutputConfiguration;
}
export interface WriteAudioOutputResult {
  segment: SegmentResult;
  stats: Record<string, number>;
  /** a generative provider is configured and the output has summaries: the generative queue phrases them */
  phraseSummaries?: boolean;
}

/** Zeroes the samples (16 kHz, starting at `startMs`) that fall in no speech region, with a short fade margin. */
function muteOutside(pcm: Float32Array, startMs: number, regions: SpeechRegion[]): void {
  let from = 0;
  const at = (ms: number) => Math.max(0, Math.min(pcm.length, Math.round(((ms - startMs) * 16000) / 1000)));
  for (const r of regions) {
    const a = at(r.startMs - 150);
    if (a > from) pcm.fill(0, from, a);
    from = Math.max(from, at(r.endMs + 150));
  }
  if (from < pcm.length) pcm.fill(0, from);
}

function insideSpeech(w: AsrWord, regions: SpeechRegion[]): boolean {
  return regions.some((r) => w.endMs > r.startMs - 200 && w.startMs < r.endMs + 200);
}

/** spk_0 is whoever speaks first (after smoothing some labels may have vanished): renumber densely in time order. */
function renumberSpeakers(words: LabelledWord[]): void {
  const order = new Map<number, number>();
  for (const w of [...words].sort((a, b) => a.startMs - b.startMs)) {
    if (w.speaker !== undefined && !order.has(w.speaker)) order.set(w.speaker, order.size);
  }
  for (const w of words) if (w.speaker !== undefined) w.speaker = order.get(w.speaker);
}

function outputStats(output: AudioStandardOutput, input: WriteAudioOutputInput): Record<string, number> {
  return {
    duration_millis: input.facts.durationMs,
    word_count: output.statistics.word_count,
    topic_count: output.statistics.topic_count,
    speaker_count: output.statistics.speaker_count ?? 0,
    chunks: input.chunks.length,
  };
}

function chunkKey(c: AudioChunk): string {
  return `${c.channel === undefined ? 'mix' : `ch${c.channel}`}-${String(c.index).padStart(4, '0')}`;
}

function corrupt(e: unknown): Error {
  // exit code null: killed (timeout, cancellation), which says nothing about the file
  if (e instanceof ToolError && e.code !== null) {
    return clientError(
      'InvalidInput',
      `the audio could not be decoded (corrupt or unsupported): ${e.stderr.trim().split('\n').pop()?.slice(0, 200) ?? ''}`,
    );
  }
  return e as Error;
}

/** The output has summaries the assembly wrote extractively (not yet phrased by a model). */
const hasExtractiveSummaries = (o: AudioStandardOutput) =>
  Boolean(o.audio.summary || o.topics?.some((t) => t.summary)) && !o.quarry?.summary?.startsWith('generative:');

export interface AudioActivityOptions {
  moderator?: TextModerator;
}

export function createAudioActivities(deps: ActivityDeps, opts: AudioActivityOptions = {}) {
  const { storage, config } = deps;
  const { tools } = config;
  const moderator = opts.moderator ?? lexiconModerator;

  return {
    ...createWorkAreaActivities(deps),

    /** ffprobe facts + BDA limits; ClientError on corrupt, empty, too long/short, too many channels. */
    async probeAudio(input: ProbeAudioInput): Promise<AudioFacts> {
      const { bytes } = await storage.stat(input.assetUri);
      if (bytes === 0) throw clientError('InvalidInput', 'the audio file is empty (0 bytes)');
      const limits = config.audio.limits;
      if (bytes > limits.maxBytes) {
        throw clientError(
          'LimitExceeded',
          `audio file is ${(bytes / 1048576).toFixed(0)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(0)} MB`,
        );
      }
      const probe = await storage
        .withLocalFile(input.assetUri, (p) => ffprobe(p, { tools, signal: activityContext()?.cancellationSignal }))
        .catch((e) => {
          if (e instanceof ToolError && e.code !== null)
            throw clientError(
              'InvalidInput',
              'the file is not readable audio: it is corrupt or of an unsupported format',
            );
          throw e;
        });
      const facts = audioFacts(probe, bytes);
      if ('message' in facts) throw clientError(facts.type, facts.message);
      const violation = checkAudioLimits(facts, limits);
      if (violation) throw clientError(violation.type, violation.message);
      return facts;
    },

    /**
     * Decodes once per channel (streaming, bounded memory), detects speech and plans the chunks. Each channel's
     * plan is stored as it is finished, so a retry after a crash decodes only the channels not yet planned.
     */
    async planAudio(input: PlanAudioInput): Promise<PlanAudioResult> {
      const channels: (number | undefined)[] = input.channels ?? [undefined];
      const regionsByChannel: Record<string, SpeechRegion[]> = {};
      const chunks: AudioChunk[] = [];
      let speechMs = 0;
      const vadEngine = await selectVadEngine(config.audio.vad);
      const keyOf = (channel: number | undefined) => (channel === undefined ? 'mix' : String(channel));
      const planned = new Set(resumedProgress<{ planned?: string[] }>()?.planned ?? []);
      const channelPlanUri = (key: string) => joinUri(input.workUri, `plan-${key}.json`);
      for (const channel of channels.filter((c) => planned.has(keyOf(c)))) {
        const p = await storage.readJson<ChannelPlan>(channelPlanUri(keyOf(channel)));
        regionsByChannel[keyOf(channel)] = p.regions;
        chunks.push(...p.chunks);
        speechMs += p.speechMs;
      }
      const todo = channels.filter((c) => !planned.has(keyOf(c)));
      if (todo.length)
        await storage.withLocalFile(input.assetUri, async (path) => {
          for (const channel of todo) {
            const meter = new FrameMeter((16000 * FRAME_MS) / 1000);
            const features = new SpeakerFeatureMeter();
            const vad = vadEngine.stream();
            const dec = decodeStream(path, {
              format: 's16le',
              channel,
              tools,
              signal: activityContext()?.cancellationSignal,
            });
            let n = 0;
            for await (const buf of dec.stdout) {
              meter.push(buf as Buffer);
              features.push(buf as Buffer);
              await vad.push(buf as Buffer);
              if (++n % 500 === 0)
                reportProgress({ planned: [...planned], channel, decodedMs: meter.levels.length * FRAME_MS });
            }
            await dec.done.catch((e) => {
              throw corrupt(e);
            });
            const levels = meter.end();
            if (levels.length === 0)
              throw clientError('InvalidInput', 'the audio stream decoded to no samples: it is corrupt or empty');
            const regions = await vad.end(levels);
            const key = keyOf(channel);
            regionsByChannel[key] = regions;
            const durationMs = Math.min(input.durationMs, levels.length * FRAME_MS) || levels.length * FRAME_MS;
            const own: ChannelPlan = { regions, chunks: [], speechMs: 0 };
            for (const c of planChunks(regions, Math.max(durationMs, levels.length * FRAME_MS), {
              ...defaultChunkPlan,
              targetMs: input.targetChunkMs ?? config.audio.chunkMs,
            })) {
              own.chunks.push({ ...c, channel });
              own.speechMs += c.speechMs;
            }
            chunks.push(...own.chunks);
            speechMs += own.speechMs;
            const blocks = features.end().map((row) => Array.from(row, (v) => Math.round(v * 1000) / 1000));
            await storage.writeJson(joinUri(input.workUri, `features-${key}.json`), { blocks });
            await storage.writeJson(channelPlanUri(key), own);
            planned.add(key);
            reportProgress({ planned: [...planned] });
          }
        });
      // channels in their own order, however many of them a previous attempt had planned
      chunks.sort((a, b) => channels.indexOf(a.channel) - channels.indexOf(b.channel) || a.index - b.index);
      const regionsUri = joinUri(input.workUri, 'regions.json');
      await storage.writeJson(regionsUri, regionsByChannel);
      await storage.writeJson(joinUri(input.workUri, 'vad.json'), { engine: vadEngine.name, method: vadEngine.method });
      return { chunks, speechMs, regionsUri };
    },

    /** Recognises one chunk; idempotent (a retry after a worker crash reuses a finished chunk's result). */
    async transcribeAudioChunk(input: TranscribeChunkInput): Promise<TranscribeChunkResult> {
      const uri = joinUri(input.workUri, 'chunks', `${chunkKey(input.chunk)}.json`);
      if (await storage.exists(uri)) {
        const done = await storage.readJson<{ words: AsrWord[]; language: string }>(uri);
        return { uri, words: done.words.length, language: done.language };
      }
      const opts = config.audio.asr;
      let c = input.chunk;
      let regions: SpeechRegion[] = [];
      if (input.regionsUri) {
        const all = await storage.readJson<Record<string, SpeechRegion[]>>(input.regionsUri);
        regions = (all[c.channel === undefined ? 'mix' : String(c.channel)] ?? []).filter(
          (r) => r.endMs > c.startMs && r.startMs < c.endMs,
        );
        if (regions.length) {
          // recognise from just before the first speech to just after the last: whisper's first-token times are
          // unreliable after long silence
          c = {
            ...c,
            startMs: Math.max(c.startMs, regions[0].startMs - 300),
            endMs: Math.min(c.endMs, regions[regions.length - 1].endMs + 300),
          };
        }
      }
      reportProgress({ chunk: c.index, phase: 'decode' });
      const pcm = await storage
        .withLocalFile(input.assetUri, (path) =>
          decodePcm(path, {
            startMs: c.startMs,
            durationMs: c.endMs - c.startMs,
            channel: c.channel,
            tools,
            signal: activityContext()?.cancellationSignal,
          }),
        )
        .catch((e) => {
          throw corrupt(e);
        });
      if (regions.length) muteOutside(pcm, c.startMs, regions);
      // whisper runs off the event loop: the worker's timer beats while it works, these report how far it got
      const r = await recognize(
        pcm,
        c.startMs,
        opts,
        (segments, lastEndMs) => reportProgress({ chunk: c.index, segments, lastEndMs }),
        activityContext()?.cancellationSignal,
      );
      // words the recogniser placed where the VAD heard nothing are hallucinations ("you", "Thank you.")
      const words = regions.length ? r.words.filter((w) => insideSpeech(w, regions)) : r.words;
      await storage.writeJson(uri, { chunk: input.chunk, engine: r.engine, language: r.language, words });
      return { uri, words: words.length, language: r.language };
    },

    /** Clusters the acoustic features of speech windows into speakers (≤ 30). */
    async labelSpeakers(input: LabelSpeakersInput): Promise<LabelSpeakersResult> {
      const regions = await storage.readJson<Record<string, SpeechRegion[]>>(input.regionsUri);
      const channels = input.channels ?? [undefined];
      const perChannel = [];
      for (const channel of channels) {
        const key = channel === undefined ? 'mix' : String(channel);
        const { blocks } = await storage.readJson<{ blocks: number[][] }>(
          joinUri(input.workUri, `features-${key}.json`),
        );
        perChannel.push({
          channel: channel ?? 0,
          blocks: blocks.map((b) => Float32Array.from(b)),
          regions: regions[key] ?? [],
        });
      }
      reportProgress({ phase: 'cluster' });
      const { windows, speakers } = labelWindows(perChannel);
      const uri = joinUri(input.workUri, 'speakers.json');
      await storage.writeJson(uri, { method: SPEAKER_METHOD, speakers, windows });
      return { uri, speakers };
    },

    /** Stitches the chunks, labels words, builds and validates the output, writes result.json. */
    async writeAudioOutput(input: WriteAudioOutputInput): Promise<WriteAudioOutputResult> {
      const standardOutputUri = standardOutputUriOf(input.assetOutputUri);
      const firstChunk = input.chunks.find((c) => c.uri)?.uri;
      if (firstChunk && !(await storage.exists(firstChunk)) && (await storage.exists(standardOutputUri))) {
        // a retry after the output was written and the scratch files removed: report what was written
        const done = await storage.readJson<AudioStandardOutput>(standardOutputUri);
        return {
          segment: { segmentIndex: 0, standardOutputUri },
          stats: outputStats(done, input),
          ...(hasExtractiveSummaries(done) && configuredProvider(config.generative) ? { phraseSummaries: true } : {}),
        };
      }
      const features = audioFeatures(input.standardOutputConfiguration);
      const byChannel = new Map<number | undefined, { ownStartMs: number; ownEndMs: number; words: AsrWord[] }[]>();
      const languages = new Map<string, number>();
      const engines = new Map<string, number>();
      for (const { chunk, uri } of input.chunks) {
        const list = byChannel.get(chunk.channel) ?? [];
        let words: AsrWord[] = [];
        if (uri) {
          const r = await storage.readJson<{ words: AsrWord[]; language: string; engine?: string }>(uri);
          words = r.words;
          languages.set(r.language, (languages.get(r.language) ?? 0) + words.length);
          if (r.engine) engines.set(r.engine, (engines.get(r.engine) ?? 0) + 1 + words.length);
        }
        list.push({ ownStartMs: chunk.ownStartMs, ownEndMs: chunk.ownEndMs, words });
        byChannel.set(chunk.channel, list);
      }
      let windows: SpeakerWindow[] = [];
      let speakerCount = 0;
      if (input.speakersUri) {
        const s = await storage.readJson<{ windows: SpeakerWindow[]; speakers: number }>(input.speakersUri);
        windows = s.windows;
        speakerCount = s.speakers;
      }
      const words: LabelledWord[] = [];
      for (const [channel, chunks] of byChannel) {
        let labelled: LabelledWord[] = stitchChunks(chunks).map((w) => ({
          ...w,
          channel,
          ...(features.speakers
            ? { speaker: windows.length ? speakerAt(windows, channel ?? 0, (w.startMs + w.endMs) / 2) : 0 }
            : {}),
        }));
        if (features.speakers) labelled = smoothSpeakerRuns(labelled);
        words.push(...labelled);
      }
      if (features.speakers) renumberSpeakers(words);
      const language = [...languages.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? config.audio.asr.language;
      const vadUri = joinUri(input.workUri, 'vad.json');
      const vadMethod = (await storage.exists(vadUri))
        ? (await storage.readJson<{ method: string }>(vadUri)).method
        : VAD_METHOD;
      const output = await buildAudioOutput({
        assetIndex: input.assetIndex,
        assetUri: input.assetUri,
        facts: input.facts,
        words,
        language: language === 'auto' ? 'en' : language,
        features: { ...features, channels: features.channels && input.facts.channels === 2 },
        methods: {
          speechRecognition: speechRecognition(engines, config.audio.asr),
          voiceActivity: vadMethod,
          speakerLabeling: SPEAKER_METHOD,
        },
        speakerCount,
        chunks: input.chunks.length,
        moderator,
      });
      await storage.writeJson(standardOutputUri, output);
      // the scratch files are not part of the output (also a half-written one a crashed attempt left)
      await storage.delete(input.workUri).catch(() => {});
      return {
        segment: { segmentIndex: 0, standardOutputUri },
        stats: outputStats(output, input),
        ...(hasExtractiveSummaries(output) && configuredProvider(config.generative) ? { phraseSummaries: true } : {}),
      };
    },
  };
}

export type AudioActivities = ReturnType<typeof createAudioActivities>;

/** The engine that recognised most of the file (chunks record theirs; a resumed file may have run both). */
function speechRecognition(engines: Map<string, number>, asr: RecognizerOptions): string {
  return [...engines.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? speechEngineName(asr);
}
