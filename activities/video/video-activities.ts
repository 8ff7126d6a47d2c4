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
import { planKeyframes } from '../../engines/media/keyframes.ts';
import { defaultOcrEngine } from '../../engines/ocr/choose-engine.ts';
import { configuredProvider } from '../../engines/language/configured.ts';
import { joinUri } from '../../schemas/output-location.ts';
import { videoFeatures } from '../../schemas/video-features.ts';
import { FrameReading } from '../../schemas/video-output.ts';
import type { StandardOutputConfiguration } from '../../schemas/output-configuration.ts';
import { composeVideoOutput } from './compose-video.ts';
import { readKeyframe } from './read-video-frames.ts';
import type { BoundaryState } from '../../engines/media/shot-boundaries.ts';

const rate = (r?: string) => {
  const [n, d] = (r ?? '0/1').split('/').map(Number);
  return d ? n / d : 0;
};

/**
 * Video activities (task queue quarry-video): ffprobe metadata and shots (engines/media/detect-shots.ts, one
 * decode, heartbeating its progress and resuming at the last beat); the keyframes read (read-video-frames.ts,
 * each written to the work area as it is read); the audio track's transcript attached; the output composed
 * (compose-video.ts: content chapters, frames, summaries, IAB). Logos are not analysed and the output says so.
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
      const ocr = f.text || f.moderation ? await defaultOcrEngine(deps.config, 'video frame') : undefined;
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
      composeVideoOutput(video, readings, f, deps.config.video.keyframeEveryMs);
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
