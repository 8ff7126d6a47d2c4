import { executeChild, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { VideoActivities } from '../activities/video/video-activities.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { PipelineInput, PipelineResult } from '../schemas/pipeline.ts';
import { budgets, HEARTBEAT_TIMEOUT } from './activity-budgets.ts';
import { classifyFailure } from './failure-info.ts';
import { workAreaUri } from '../schemas/output-location.ts';
import { nonRetryableErrorTypes } from '../schemas/job-status.ts';

/**
 * VIDEO: metadata, shots and chapters, and — when the file has an audio track and TRANSCRIPT is on —
 * the audio pipeline on that track, merged in (transcript with speakers, per-chapter audio segments).
 */
export async function videoPipeline(input: PipelineInput): Promise<PipelineResult> {
  // shot detection beats after every window of the timeline and resumes at the next one after a crash
  const video = proxyActivities<VideoActivities>({
    taskQueue: TaskQueue.video,
    startToCloseTimeout: budgets.video(input.asset.bytes),
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts: 3, nonRetryableErrorTypes },
  });
  const r = await video.analyzeVideo(input);
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
      await video.attachTranscript({ videoUri: r.uri, note: `no transcript: the audio track could not be processed (${f.errorType}: ${f.errorMessage})` });
    }
  } else if (transcriptOn) {
    await video.attachTranscript({ videoUri: r.uri, note: 'no transcript: the file has no audio track' });
  }
  return {
    semanticModality: 'VIDEO',
    segments: [{ segmentIndex: 0, standardOutputUri: r.uri }],
    stats: { shots: r.shots, duration_millis: r.durationMs },
  };
}
