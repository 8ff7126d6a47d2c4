/**
 * Where a job's results go — BDA's output layout and Quarry's scratch areas beside it. Every output key and URI
 * join is made here, so a writer, a reader and a workflow can never disagree on a path. Pure.
 *
 *   <output>/<job id>/job_metadata.json
 *   <output>/<job id>/<asset>/standard_output/<segment>/result.json   (+ assets/)
 *   <output>/<job id>/<asset>/custom_output/<segment>/result.json
 */

/** `base` + parts, one slash between each (trailing slashes of the base and leading slashes of parts dropped). */
export function joinUri(base: string, ...parts: (string | number)[]): string {
  let out = base.replace(/\/+$/, '');
  for (const p of parts) out += `/${String(p).replace(/^\/+/, '')}`;
  return out;
}

export const jobOutputUri = (outputUri: string, jobId: string) => joinUri(outputUri, jobId);
export const jobMetadataUri = (jobOutput: string) => joinUri(jobOutput, 'job_metadata.json');
/** The job's list of input assets (a claim check), written once when the job starts. */
export const manifestUri = (jobOutput: string) => joinUri(jobOutput, '.quarry', 'manifest.jsonl');

/** The blueprints a job was resolved to at submit, when too large to ride in the job input (named by content). */
export const resolvedBlueprintsUri = (jobOutput: string, sha256: string) =>
  joinUri(jobOutput, '.quarry', `custom-output-${sha256.slice(0, 16)}.json`);

export const assetOutputUri = (jobOutput: string, assetIndex: number) => joinUri(jobOutput, assetIndex);
/** An asset's outcome, read back when job_metadata.json is built. */
export const assetRecordUri = (jobOutput: string, assetIndex: number) =>
  joinUri(jobOutput, assetIndex, '.quarry_asset.json');

export const standardOutputDir = (assetOutput: string, segment = 0) => joinUri(assetOutput, 'standard_output', segment);
export const standardOutputUri = (assetOutput: string, segment = 0) =>
  joinUri(standardOutputDir(assetOutput, segment), 'result.json');
/** Additional files of a segment's standard output (page images, figure crops). */
export const standardOutputAssetsUri = (assetOutput: string, segment = 0) =>
  joinUri(standardOutputDir(assetOutput, segment), 'assets');
/** Every word of a document with its box, for custom output, whatever granularity its standard output has. */
export const blueprintLayoutUri = (assetOutput: string) => joinUri(assetOutput, '.quarry', 'layout.json');
/** the sentences the generative queue phrases a document's summary from (written by the document writer, then removed) */
export const summarySourceUri = (assetOutput: string) => joinUri(assetOutput, '.quarry', 'summary-source.json');
export const customOutputUri = (assetOutput: string, segment: number) =>
  joinUri(assetOutput, 'custom_output', segment, 'result.json');

/**
 * A pipeline's scratch objects under the asset's output (page JSONs, audio chunks, a video's audio track), removed
 * when the asset finishes, fails or is cancelled. The names are in recorded histories: never change them.
 */
export const workAreaUri = (
  assetOutput: string,
  area: 'document' | 'audio' | 'video-audio-track' | 'video-frames',
) =>
  area === 'document'
    ? joinUri(assetOutput, '.work', 'document')
    : area === 'audio'
      ? joinUri(assetOutput, '_audio_work')
      : area === 'video-frames'
        ? joinUri(assetOutput, '.work', 'video-frames')
        : joinUri(assetOutput, '.work', 'audio-track');
