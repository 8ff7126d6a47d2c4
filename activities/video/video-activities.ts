import type { PipelineInput } from '../../schemas/pipeline.ts';
import { ffprobe } from '../../engines/media/ffmpeg.ts';
import type { ActivityDeps } from '../deps.ts';
import { clientError } from '../../engines/client-error.ts';
import { runTool, ToolError } from '../../engines/media/run-tool.ts';
import { chaptersFromShots, shotsFromCuts, smpte } from '../../engines/media/shots.ts';
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { standardOutputUri } from '../../schemas/output-location.ts';
import { parseStandardOutput } from '../../schemas/standard-output.ts';
import { VideoStandardOutput } from '../../schemas/video-output.ts';
import { activityContext } from '../activity-context.ts';
import { reportProgress, resumedProgress } from '../heartbeat.ts';
import { detectSceneCuts, type SceneProgress } from '../../engines/media/scene-cuts.ts';

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
        const cuts = await detectSceneCuts(file, {
          durationMs,
          fps,
          resumeFrom: resumedProgress<SceneProgress>(),
          onProgress: reportProgress,
          signal,
          ffmpeg: tools.ffmpeg,
          windowMs: deps.config.video.sceneWindowMs,
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
            shots: 'ffmpeg scene-change detection (threshold 0.3)',
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

/** A standard output read back from storage, parsed once, of the modality expected there. */
function readAs<M extends 'AUDIO' | 'VIDEO'>(modality: M, uri: string, json: unknown) {
  const out = parseStandardOutput(json, uri);
  if (out.metadata.semantic_modality !== modality) throw new Error(`${uri}: expected a ${modality} standard output`);
  return out as M extends 'AUDIO' ? AudioStandardOutput : VideoStandardOutput;
}
export type VideoActivities = ReturnType<typeof createVideoActivities>;
