/**
 * How soon a dead worker's activity is retried, and how long a live one may take. Pure (workflow code).
 * Every activity beats on a timer while it runs (activities/heartbeat.ts), so the heartbeat timeout — tens of
 * seconds — is what notices a worker that died (kill -9, OOM, a lost machine), whatever the activity waits for.
 * The start-to-close timeout only catches a live call that is stuck, so it is sized to the work the call
 * carries (pages, seconds of audio, bytes of video) with room for a busy machine, not to the largest file.
 */

/**
 * A worker that stops beating for this long is considered dead and its activity is retried elsewhere. It bounds how
 * long a crashed worker's activities wait (docs/recovery.md). The beat comes every BEAT_EVERY_MS (3 s) from a timer
 * on the worker's event loop, so a loop blocked for more than about 12 s would be taken for a dead worker.
 */
export const HEARTBEAT_TIMEOUT = '15 seconds';

const MINUTE = 60_000;
const MB = 1024 * 1024;

/** Milliseconds: a fixed part plus a part per unit of work. */
const budget = (baseMs: number, perUnitMs: number, units: number) =>
  Math.round(baseMs + perUnitMs * Math.max(0, units));

export const budgets = {
  /** probe + limits + DOCX conversion: reading the file */
  prepareDocument: (bytes: number) => budget(5 * MINUTE, MINUTE, bytes / (20 * MB)),
  /** rasterise + OCR (several passes on a hard scan) + layout, per page */
  pageGroup: (pages: number) => budget(2 * MINUTE, MINUTE, pages),
  /** streaming every page into result.json (+ summaries) */
  documentOutput: (pages: number) => budget(5 * MINUTE, 1000, pages),
  /** one image: OCR passes and moderation */
  image: (bytes: number) => budget(5 * MINUTE, MINUTE, bytes / (5 * MB)),
  /** decode the whole file once per channel, voice activity, speaker features */
  planAudio: (durationMs: number, channels: number) => budget(2 * MINUTE, 0.5, durationMs * channels),
  /** whisper on one chunk: a few times real time on a busy machine */
  transcribeChunk: (chunkMs: number) => budget(2 * MINUTE, 4, chunkMs),
  /** clustering, stitching, topics, moderation: proportional to the recording */
  audioFinish: (durationMs: number) => budget(5 * MINUTE, 0.1, durationMs),
  /** ffprobe + scene detection over the whole video */
  video: (bytes: number) => budget(5 * MINUTE, MINUTE, bytes / (40 * MB)),
  /** OCR and moderation of the keyframes: about one per shot and per 10 s of a long shot */
  videoFrames: (shots: number, durationMs: number) => budget(5 * MINUTE, MINUTE, shots + durationMs / 10_000),
};
