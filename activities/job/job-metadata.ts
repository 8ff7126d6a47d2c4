import type { AssetOutcome } from '../../schemas/job.ts';
import type { Modality } from '../../schemas/modality.ts';

/** BDA's `asset_input_path` / event object location from a storage URI. */
export function objectLocation(uri: string): { s3_bucket: string; s3_key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (m) return { s3_bucket: m[1], s3_key: m[2] };
  return { s3_bucket: '', s3_key: uri.replace(/^file:\/\//, '') };
}

/** One entry of `output_metadata` (BDA's shape, plus Quarry's per-asset status keys). */
export function assetMetadataEntry(outcome: AssetOutcome) {
  return {
    asset_id: outcome.assetIndex,
    asset_input_path: { ...objectLocation(outcome.assetUri), uri: outcome.assetUri },
    asset_processing_status: outcome.status,
    ...(outcome.errorType ? { error_type: outcome.errorType, error_message: outcome.errorMessage } : {}),
    semantic_modality: outcome.modality,
    segment_metadata: outcome.segments.map((s) => ({
      standard_output_path: s.standardOutputUri,
      ...(s.customOutputUri ? { custom_output_path: s.customOutputUri } : {}),
      ...(s.customOutputStatus ? { custom_output_status: s.customOutputStatus } : {}),
    })),
  };
}

export function jobModality(modalities: (Modality | null)[]): Modality | 'MIXED' | null {
  const set = new Set(modalities.filter(Boolean));
  if (set.size === 0) return null;
  if (set.size === 1) return [...set][0] as Modality;
  return 'MIXED';
}
