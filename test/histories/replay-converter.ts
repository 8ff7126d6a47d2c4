import { createDataConverter } from '../../codecs/data-converter.ts';
import { loadConfig } from '../../schemas/config.ts';

/**
 * The recorded histories in this folder were written with this fixed, public TEST key (gzip + AES-256-GCM,
 * exactly like production), so the replay test can decode their payloads. Never use it for real data.
 */
export const REPLAY_TEST_KEYS = 'replay-test:c90JiHYxXmrdQxjI+sr+7iCRVLChTZI+pNB8sc4lkTI=';

export const replayDataConverter = () => createDataConverter(loadConfig({ QUARRY_ENCRYPTION_KEYS: REPLAY_TEST_KEYS }));

/** The recorded workflows: file name (without .json) → what it is. */
export const recordedHistories = {
  jobWorkflow: 'a batch job of 4 files (pdf, png, wav, corrupt pdf): listing, sliding window of asset children, job_metadata.json',
  assetWorkflow: 'one pdf asset: probe, slot request/grant, no-op document pipeline child, slot release, asset record',
  'assetWorkflow-failed': 'the corrupt pdf asset: its pipeline fails with InvalidInput, recorded as a ClientError outcome',
  'assetWorkflow-blueprints':
    'a pdf against a project (catalog blueprint, splitter): the shaping step (applyBlueprints) after the pipeline; recorded before jobs carried customOutput',
  modalitySlots: 'the DOCUMENT slot keeper: acquire/release signals and grants for the batch (still running: replayed up to where it was)',
  'jobWorkflow@pipeline-in-asset-workflow': 'the same batch after patch pipeline-in-asset-workflow',
  'assetWorkflow@pipeline-in-asset-workflow': 'one pdf asset whose no-op document pipeline runs in its own history (no child)',
  'assetWorkflow-failed@pipeline-in-asset-workflow': 'the corrupt pdf asset, its pipeline failing in its own history',
  'assetWorkflow-blueprints@pipeline-in-asset-workflow': 'a pdf against a project: the pipeline in its own history, then shaping on quarry-generative',
} as const;

/**
 * The modality pipelines, run with their real activities on samples/ (`scripts/record-histories.ts --pipelines`),
 * recorded with the code from before heartbeats and sized timeouts (main 39480a1): every later change to the
 * pipelines' commands must still replay them.
 */
export const recordedPipelineHistories = {
  documentPipeline: 'sample.pdf (3 pages, text layer): prepare, one page group, output, work-area cleanup',
  imagePipeline: 'sample.png: analyzeImage',
  audioPipeline: 'sample.wav (19 s): probe, plan, speakers ∥ chunks, output',
  videoPipeline: 'sample.mp4 (6 s): analyzeVideo, the audio-track child, attachTranscript',
  'audioPipeline-video-track': "the video's audio track through the audio pipeline",
} as const;
export type RecordedHistory = keyof typeof recordedHistories | keyof typeof recordedPipelineHistories;
