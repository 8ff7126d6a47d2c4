import type { PipelineInput } from '../../schemas/pipeline.ts';
import { ffprobe } from '../../engines/media/ffmpeg.ts';
import type { ActivityDeps } from '../deps.ts';
import { createWorkAreaActivities } from '../work-area.ts';
import { clientError } from '../../engines/client-error.ts';
import { ToolError } from '../../engines/media/run-tool.ts';
import { chaptersFromShots, shotsFromCuts, smpte } from '../../engines/media/shots.ts';
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { standardOutputUri } from '../../schemas/output-location.ts';
import { parseStandardOutput } from '../../schemas/standard-output.ts';
import { VideoStandardOutput } from '../../schemas/video-output.ts';
import { activityContext } from '../activity-context.ts';
import { reportProgress, resumedProgress } from '../heartbeat.ts';
import { detectShotBoundaries, SHOT_METHOD } from '../../engines/media/detect-shots.ts';
import { CHAPTER_METHOD, contentChapters } from '../../engines/media/content-chapters.ts';
import { planKeyframes } from '../../engines/media/keyframes.ts';
import { defaultOcrEngine } from '../../engines/ocr/choose-engine.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import { joinUri } from '../../schemas/output-location.ts';
import { videoFeatures } from '../../schemas/video-features.ts';
import { FrameReading, type VideoChapter, type VideoFrame } from '../../schemas/video-output.ts';
import type { StandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import {
  CHAPTER_SUMMARY_METHOD,
  type ChapterContent,
  chapterIab,
  chapterSummary,
  VIDEO_IAB_METHOD,
  VIDEO_SUMMARY_METHOD,
  videoSummary,
} from './describe-video.ts';
import { dedupeShotFrames, readKeyframe } from './read-video-frames.ts';
import type { BoundaryState } from '../../engines/media/shot-boundaries.ts';

const rate = (r?: string) => {
  const [n, d] = (r ?? '0/1').split('/').map(Number);
  return d ? n / d : 0;
};

/**
 * Video activities: ffprobe metadata and shot detection with ffmpeg's scene-change filter (both run as
 * child processes; shots window by window, resumed after a crash at the next window). Chapters group shots;
 * frame OCR, moderation, logos and summaries are not produced yet and the output says so.
 */
export function createVideoActivities(deps: ActivityDeps) {
  const { tools } = deps.config;
  return {
    ...createWorkAreaActivities(deps),
    async analyzeVideo(
      input: PipelineInput,
    ): Promise<{ uri: string; shots: number; durationMs: number; hasAudio: boolean }> {
      // BDA limits for video (reference §1.13), configurable
      const l = deps.config.video;
      if (input.asset.bytes > l.maxBytes)
        throw clientError(
          'LimitExceeded',
          `the video is ${input.asset.bytes} bytes; the limit is ${l.maxBytes} bytes (QUARRY_VIDEO_MAX_BYTES)`,
        );
      return deps.storage.withLocalFile(input.assetUri, async (file) => {
        const signal = activityContext()?.cancellationSignal;
        const info = await ffprobe(file, { timeoutMs: 120_000, signal, tools }).catch((e) => {
          if (e instanceof ToolError && e.code !== null)
            throw clientError(
              'InvalidInput',
              `the video cannot be read (corrupt or truncated): ${e.stderr.trim().slice(0, 300)}`,
            );
          throw e;
        });
        const video = info.streams.find((s) => s.codec_type === 'video');
        if (!video)
          throw clientError('InvalidInput', 'the file has no video stream (route it as AUDIO with modalityRouting)');
        const durationMs = Math.round((info.format.duration ?? 0) * 1000);
        if (durationMs > l.maxMs)
          throw clientError(
            'LimitExceeded',
            `the video lasts ${Math.round(durationMs / 60000)} min; the limit is ${l.maxMs / 60000} min`,
          );
        const fps = rate(video.avg_frame_rate) || rate((video as { r_frame_rate?: string }).r_frame_rate) || 25;
        // progress every 5 s of video; a retry resumes at the last report (an older attempt's window report is ignored)
        const resumed = resumedProgress<BoundaryState>();
        const cuts = await detectShotBoundaries(file, {
          durationMs,
          fps,
          tuning: { minShotFrames: Math.max(2, Math.round((l.minShotMs / 1000) * fps)) },
          resumeFrom: typeof resumed?.nextFrame === 'number' ? resumed : undefined,
          onProgress: reportProgress,
          signal,
          ffmpeg: tools.ffmpeg,
        });
        const shots = shotsFromCuts(cuts, durationMs, fps);
        const chapters = chaptersFromShots(shots).map((idx, ci) => {
          for (const i of idx) shots[i].chapter_indices = [ci];
          const first = shots[idx[0]];
          const last = shots[idx[idx.length - 1]];
          return {
            chapter_index: ci,
            start_timecode_smpte: first.start_timecode_smpte,
            end_timecode_smpte: last.end_timecode_smpte,
            start_timestamp_millis: first.start_timestamp_millis,
            end_timestamp_millis: last.end_timestamp_millis,
            start_frame_index: first.start_frame_index,
            end_frame_index: last.end_frame_index,
            duration_millis: last.end_timestamp_millis - first.start_timestamp_millis,
            shot_indices: idx,
          };
        });
        const result: VideoStandardOutput = {
          metadata: {
            asset_id: String(input.assetIndex),
            semantic_modality: 'VIDEO',
            uri: input.assetUri,
            format: info.format.format_long_name ?? 'unknown',
            frame_rate: Math.round(fps * 1000) / 1000,
            codec: video.codec_name ?? 'unknown',
            duration_millis: durationMs,
            duration_smpte: smpte(durationMs, fps),
            frame_width: video.width ?? 0,
            frame_height: video.height ?? 0,
          },
          video: {},
          shots,
          chapters,
          statistics: { shot_count: shots.length, chapter_count: chapters.length },
          quarry_capabilities: {
            shots: SHOT_METHOD,
            chapters: 'consecutive shots grouped to at least 30 s',
            not_generated: [
              'TRANSCRIPT',
              'TEXT_DETECTION',
              'CONTENT_MODERATION',
              'LOGOS',
              'VIDEO_SUMMARY',
              'CHAPTER_SUMMARY',
              'IAB',
            ],
            reason: 'frame OCR, visual moderation, logos and chapter summaries are not implemented yet for video',
          },
        };
        const uri = standardOutputUri(input.assetOutputUri);
        await deps.storage.writeJson(uri, VideoStandardOutput.parse(result));
        return { uri, shots: shots.length, durationMs, hasAudio: info.streams.some((st) => st.codec_type === 'audio') };
      });
    },

    /**
     * Reads the keyframes of every shot (frame text, moderation, colour histogram), one at a time, each written
     * to the work area as soon as it is read: a retry reads only those not yet written.
     */
    async readVideoFrames(input: {
      assetUri: string;
      videoUri: string;
      workUri: string;
      standardOutputConfiguration: StandardOutputConfiguration;
    }): Promise<{ frames: number }> {
      const video = readAs('VIDEO', input.videoUri, await deps.storage.readJson(input.videoUri));
      const f = videoFeatures(input.standardOutputConfiguration);
      const fps = video.metadata.frame_rate || 25;
      const plan = planKeyframes(video.shots, fps, deps.config.video.keyframeEveryMs);
      const signal = activityContext()?.cancellationSignal;
      const ocr = f.text || f.moderation ? await defaultOcrEngine(deps.config) : undefined;
      const want = { text: f.text, moderation: f.moderation, boxes: f.boxes };
      await deps.storage.withLocalFile(input.assetUri, async (file) => {
        for (const [k, kf] of plan.entries()) {
          const uri = frameReadingUri(input.workUri, k);
          if (await deps.storage.exists(uri)) continue;
          const reading = await readKeyframe(file, kf, fps, want, { config: deps.config, ocr, signal });
          await deps.storage.writeJson(uri, FrameReading.parse(reading));
          reportProgress({ framesRead: k + 1, of: plan.length });
        }
      });
      return { frames: plan.length };
    },

    /**
     * The video output finished from its frames and transcript: chapters from content (shots grouped by what is
     * said and shown), each with its frames (de-duplicated across a shot's keyframes), summary and IAB, and the
     * video summary. The work area of the frames is removed once they are in the output.
     */
    async composeVideo(input: {
      videoUri: string;
      workUri: string;
      frames: number;
      standardOutputConfiguration: StandardOutputConfiguration;
    }): Promise<{ chapters: number; phraseSummary?: boolean }> {
      const video = readAs('VIDEO', input.videoUri, await deps.storage.readJson(input.videoUri));
      const f = videoFeatures(input.standardOutputConfiguration);
      // with a generative provider configured, the workflow has the model phrase the summary on its queue
      const phrase = f.videoSummary && configuredProvider(deps.config.generative) !== null;
      const readings: FrameReading[] = [];
      for (let k = 0; k < input.frames; k++) {
        const uri = frameReadingUri(input.workUri, k);
        if (await deps.storage.exists(uri)) readings.push(FrameReading.parse(await deps.storage.readJson(uri)));
      }
      if (!readings.length && !(await deps.storage.exists(input.workUri)) && video.quarry_capabilities.frames) {
        // a retry after the output was written and the work area removed
        return { chapters: video.chapters.length, ...(phrase ? { phraseSummary: true } : {}) };
      }
      // the transcript segments, from the chapters attachTranscript filled (deduplicated by their start)
      const segs = new Map<number, { start: number; end: number; text: string }>();
      for (const ch of video.chapters)
        for (const g of ch.audio_segments ?? [])
          segs.set(g.start_timestamp_millis, { start: g.start_timestamp_millis, end: g.end_timestamp_millis, text: g.text });
      const speech = [...segs.values()].sort((a, b) => a.start - b.start);
      const byShot = video.shots.map((s) => readings.filter((r) => r.frame.shot_index === s.shot_index));
      const spokenIn = (startMs: number, endMs: number) =>
        speech.filter((g) => (g.start + g.end) / 2 >= startMs && (g.start + g.end) / 2 < endMs);
      const groups = contentChapters(
        video.shots.map((s, i) => ({
          startMs: s.start_timestamp_millis,
          endMs: s.end_timestamp_millis,
          text: [
            ...spokenIn(s.start_timestamp_millis, s.end_timestamp_millis).map((g) => g.text),
            ...byShot[i].flatMap((r) => (r.frame.text_lines ?? []).map((l) => l.text)),
          ].join('\n'),
          histograms: byShot[i].map((r) => r.histogram),
        })),
      );
      const contents: ChapterContent[] = [];
      const oldSegments = video.chapters.flatMap((c) => c.audio_segments ?? []);
      video.chapters = groups.map((idx, ci): VideoChapter => {
        for (const i of idx) video.shots[i].chapter_indices = [ci];
        const first = video.shots[idx[0]];
        const last = video.shots[idx[idx.length - 1]];
        const start = first.start_timestamp_millis;
        const end = last.end_timestamp_millis;
        const frames: VideoFrame[] = idx.flatMap((i) => dedupeShotFrames(byShot[i].map((r) => r.frame)));
        const shotReadings = idx.flatMap((i) => byShot[i]);
        const audio = oldSegments.filter(
          (g, gi, all) =>
            g.end_timestamp_millis > start &&
            g.start_timestamp_millis < end &&
            all.findIndex((o) => o.start_timestamp_millis === g.start_timestamp_millis) === gi,
        );
        const content: ChapterContent = {
          startMs: start,
          endMs: end,
          speech: spokenIn(start, end).map((g) => g.text),
          screen: frames.flatMap((fr) => (fr.text_lines ?? []).map((l) => l.text)),
          objects: shotReadings.flatMap((r) => r.objects),
          colours: shotReadings.flatMap((r) => r.colours),
        };
        contents.push(content);
        return {
          chapter_index: ci,
          start_timecode_smpte: first.start_timecode_smpte,
          end_timecode_smpte: last.end_timecode_smpte,
          start_timestamp_millis: start,
          end_timestamp_millis: end,
          start_frame_index: first.start_frame_index,
          end_frame_index: last.end_frame_index,
          duration_millis: end - start,
          shot_indices: idx,
          ...(f.chapterSummary ? { summary: chapterSummary(content), summary_engine: CHAPTER_SUMMARY_METHOD } : {}),
          ...(f.iab ? { iab_categories: chapterIab(content) } : {}),
          ...(video.video.transcript ? { audio_segments: audio } : {}),
          ...(f.text || f.moderation ? { frames } : {}),
        };
      });
      if (f.videoSummary) {
        video.video.summary = videoSummary(contents, video.metadata.duration_millis);
        video.video.summary_engine = VIDEO_SUMMARY_METHOD;
      }
      video.statistics.chapter_count = video.chapters.length;
      const caps = video.quarry_capabilities;
      caps.chapters = CHAPTER_METHOD;
      const engine = readings.find((r) => r.ocr_engine)?.ocr_engine;
      caps.frames = `${readings.length} keyframes (the middle of each shot, one per ${deps.config.video.keyframeEveryMs / 1000} s of a long shot)${engine ? `; text by ${engine} with the colour-text pass` : ''}${f.moderation ? '; moderation by nsfwjs, CenterNet objects and the text read (moderation_categories per frame)' : ''}${f.iab ? `; IAB by ${VIDEO_IAB_METHOD}` : ''}`;
      const produced = new Set<string>([
        ...(f.text ? ['TEXT_DETECTION'] : []),
        ...(f.moderation ? ['CONTENT_MODERATION'] : []),
        ...(f.videoSummary ? ['VIDEO_SUMMARY'] : []),
        ...(f.chapterSummary ? ['CHAPTER_SUMMARY'] : []),
        ...(f.iab ? ['IAB'] : []),
      ]);
      caps.not_generated = caps.not_generated.filter((t) => !produced.has(t));
      caps.reason = caps.not_generated.includes('LOGOS')
        ? 'logos are not analysed: no logo reference library or logo provider is configured (none ships offline)'
        : undefined;
      if (!caps.reason) delete caps.reason;
      await deps.storage.writeJson(input.videoUri, VideoStandardOutput.parse(video));
      await deps.storage.delete(input.workUri);
      return { chapters: video.chapters.length, ...(phrase ? { phraseSummary: true } : {}) };
    },

    /**
     * Puts the audio track's transcript (from the audio pipeline) into the video output: the full
     * transcript with speaker labels, each chapter's audio segments, the audio summary as the video summary.
     */
    async attachTranscript(input: {
      videoUri: string;
      audioUri?: string;
      /** the audio track's scratch output (schemas/output-location.ts), removed once its transcript is attached */
      trackUri?: string;
      note?: string;
    }): Promise<void> {
      const video = readAs('VIDEO', input.videoUri, await deps.storage.readJson(input.videoUri));
      const caps = video.quarry_capabilities;
      if (input.audioUri && caps.transcript && !(await deps.storage.exists(input.audioUri))) {
        // a retry after the transcript was attached and the audio track's output removed
      } else if (input.audioUri) {
        const audio = readAs('AUDIO', input.audioUri, await deps.storage.readJson(input.audioUri));
        const segs = audio.audio_segments ?? [];
        video.video.transcript = {
          representation: { text: segs.map((g) => `[${g.speaker?.speaker_label ?? 'spk_0'}]: ${g.text}`).join('\n') },
        };
        if (audio.audio?.summary) video.video.summary = audio.audio.summary;
        for (const ch of video.chapters) {
          ch.audio_segments = segs
            .filter(
              (g) =>
                g.end_timestamp_millis > ch.start_timestamp_millis &&
                g.start_timestamp_millis < ch.end_timestamp_millis,
            )
            .map((g) => ({
              start_timestamp_millis: g.start_timestamp_millis,
              end_timestamp_millis: g.end_timestamp_millis,
              text: g.text,
              ...(g.speaker ? { speaker: g.speaker } : {}),
            }));
        }
        video.statistics.speaker_count = new Set(segs.map((g) => g.speaker?.speaker_label).filter(Boolean)).size;
        caps.transcript = 'the audio pipeline on the audio track (whisper.cpp; see the audio output docs)';
        caps.not_generated = caps.not_generated.filter(
          (t) => t !== 'TRANSCRIPT' && (!audio.audio?.summary || t !== 'VIDEO_SUMMARY'),
        );
      } else if (input.note) {
        caps.transcript = input.note;
      }
      await deps.storage.writeJson(input.videoUri, VideoStandardOutput.parse(video));
      // the audio track's own output is scratch (only this video output is a result): removed once attached
      if (input.trackUri) await deps.storage.delete(input.trackUri);
    },
  };
}

const frameReadingUri = (workUri: string, k: number) => joinUri(workUri, `frame-${String(k).padStart(6, '0')}.json`);

/** A standard output read back from storage, parsed once, of the modality expected there. */
function readAs<M extends 'AUDIO' | 'VIDEO'>(modality: M, uri: string, json: unknown) {
  const out = parseStandardOutput(json, uri);
  if (out.metadata.semantic_modality !== modality) throw new Error(`${uri}: expected a ${modality} standard output`);
  return out as M extends 'AUDIO' ? AudioStandardOutput : VideoStandardOutput;
}
export type VideoActivities = ReturnType<typeof createVideoActivities>;
