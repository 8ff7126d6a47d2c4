import { executeChild, isCancellation, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { VideoActivities } from '../activities/video/video-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { budgets, HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { classifyFailure } from './failure-info.ts';
import { workAreaUri } from '../schemas/output-location.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';
import { audioTrackConfiguration, videoFeatures } from '../schemas/video-features.ts';
import { stoppingAllOnFailure } from './fan-out.ts';
import { phraseVideoSummary } from './summaries.ts';

/**
 * VIDEO: metadata and shots; then, side by side, the keyframes read (frame text, moderation) and — when the file
 * has an audio track and TRANSCRIPT is on — the audio pipeline on that track with the video's settings; then the
 * transcript merged in and the output composed: content chapters with their frames, summaries and IAB, and the
 * video summary.
 */
export async function videoPipeline(input: PipelineInput): Promise<PipelineResult> {
  // shot detection beats with its progress every 5 s of video and resumes at the last beat after a crash
  const video = proxyActivities<VideoActivities>({
    taskQueue: TaskQueue.video,
    startToCloseTimeout: budgets.video(input.asset.bytes),
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts: 3, nonRetryableErrorTypes },
  });
  const r = await video.analyzeVideo(input);
  // runs started before this patch had fixed 30-s chapters, no frames, and the audio track on the audio settings
  if (!patched('video-frames-and-chapters')) {
    await transcriptBefore(input, r, video);
  } else {
    const frameWork = workAreaUri(input.assetOutputUri, 'video-frames');
    const trackUri = workAreaUri(input.assetOutputUri, 'video-audio-track');
    const frameActs = proxyActivities<VideoActivities>({
      taskQueue: TaskQueue.video,
      startToCloseTimeout: budgets.videoFrames(r.shots, r.durationMs),
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      retry: { maximumAttempts: 3, nonRetryableErrorTypes },
    });
    const cfg = input.standardOutputConfiguration;
    const f = videoFeatures(cfg);
    await stoppingAllOnFailure(
      async (track) => {
        const frames = frameActs.readVideoFrames({
          assetUri: input.assetUri,
          videoUri: r.uri,
          workUri: frameWork,
          standardOutputConfiguration: cfg,
        });
        track(frames);
        if (r.hasAudio && f.transcript) {
          try {
            const audio = await executeChild<(i: PipelineInput) => Promise<PipelineResult>>('audioPipeline', {
              args: [
                {
                  ...input,
                  modality: 'AUDIO',
                  assetOutputUri: trackUri,
                  blueprints: [],
                  standardOutputConfiguration: audioTrackConfiguration(cfg),
                },
              ],
              workflowId: `${workflowInfo().workflowId}/audio-track`,
              taskQueue: TaskQueue.orchestration,
            });
            await video.attachTranscript({ videoUri: r.uri, audioUri: audio.segments[0]?.standardOutputUri, trackUri });
          } catch (err) {
            if (isCancellation(err)) throw err;
            const fail = classifyFailure(err);
            await video.attachTranscript({
              videoUri: r.uri,
              trackUri,
              note: `no transcript: the audio track could not be processed (${fail.errorType}: ${fail.errorMessage})`,
            });
          }
        } else if (f.transcript) {
          await video.attachTranscript({ videoUri: r.uri, note: 'no transcript: the file has no audio track' });
        }
        // frames that could not be read leave chapters from the transcript and shots alone
        const read = await frames.catch((err) => {
          if (isCancellation(err)) throw err;
          return { frames: 0 };
        });
        const composed = await video.composeVideo({
          videoUri: r.uri,
          workUri: frameWork,
          frames: read.frames,
          standardOutputConfiguration: cfg,
        });
        // the model's phrasing on the generative queue; a failure there leaves the extractive outline
        if (composed.phraseSummary) await phraseVideoSummary({ standardOutputUri: r.uri });
      },
      () => Promise.all([video.removeWorkArea({ workUri: frameWork }), video.removeWorkArea({ workUri: trackUri })]),
    );
  }
  return {
    semanticModality: 'VIDEO',
    segments: [{ segmentIndex: 0, standardOutputUri: r.uri }],
    stats: { shots: r.shots, duration_millis: r.durationMs },
  };
}

/** The transcript as runs started before `video-frames-and-chapters` attach it (their commands, unchanged). */
async function transcriptBefore(
  input: PipelineInput,
  r: { uri: string; hasAudio: boolean },
  video: ReturnType<typeof proxyActivities<VideoActivities>>,
): Promise<void> {
  const types = input.standardOutputConfiguration.video?.extraction?.category?.types;
  const transcriptOn = !types || types.includes('TRANSCRIPT');
  if (r.hasAudio && transcriptOn) {
    try {
      const audio = await executeChild<(i: PipelineInput) => Promise<PipelineResult>>('audioPipeline', {
        args: [{ ...input, modality: 'AUDIO', assetOutputUri: workAreaUri(input.assetOutputUri, 'video-audio-track'), blueprints: [] }],
        workflowId: `${workflowInfo().workflowId}/audio-track`,
        taskQueue: TaskQueue.orchestration,
      });
      await video.attachTranscript({
        videoUri: r.uri,
        audioUri: audio.segments[0]?.standardOutputUri,
        trackUri: workAreaUri(input.assetOutputUri, 'video-audio-track'),
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      const f = classifyFailure(err);
      await video.attachTranscript({
        videoUri: r.uri,
        trackUri: workAreaUri(input.assetOutputUri, 'video-audio-track'),
        note: `no transcript: the audio track could not be processed (${f.errorType}: ${f.errorMessage})`,
      });
    }
  } else if (transcriptOn) {
    await video.attachTranscript({ videoUri: r.uri, note: 'no transcript: the file has no audio track' });
  }
}
