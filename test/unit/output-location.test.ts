import { describe, expect, it } from 'vitest';
import {
  assetOutputUri,
  customOutputUri,
  jobMetadataUri,
  jobOutputUri,
  joinUri,
  manifestUri,
  standardOutputAssetsUri,
  standardOutputUri,
  workAreaUri,
} from '../../schemas/output-location.ts';

describe('output location (BDA layout, one place)', () => {
  it('joins with single slashes', () => {
    expect(joinUri('s3://b/out/', '/job', 3, 'x')).toBe('s3://b/out/job/3/x');
    expect(joinUri('file:///tmp/o')).toBe('file:///tmp/o');
  });
  it('builds every key of a job the way BDA lays it out', () => {
    const job = jobOutputUri('s3://results/', 'abc');
    expect(job).toBe('s3://results/abc');
    expect(jobMetadataUri(job)).toBe('s3://results/abc/job_metadata.json');
    const asset = assetOutputUri(job, 0);
    expect(standardOutputUri(asset)).toBe('s3://results/abc/0/standard_output/0/result.json');
    expect(standardOutputUri(asset, 2)).toBe('s3://results/abc/0/standard_output/2/result.json');
    expect(standardOutputAssetsUri(asset)).toBe('s3://results/abc/0/standard_output/0/assets');
    expect(customOutputUri(asset, 1)).toBe('s3://results/abc/0/custom_output/1/result.json');
  });
  it('keeps the scratch names that recorded histories contain', () => {
    const asset = 'file:///o/j/4';
    expect(manifestUri('file:///o/j')).toBe('file:///o/j/.quarry/manifest.jsonl');
    expect(workAreaUri(asset, 'document')).toBe('file:///o/j/4/.work/document');
    expect(workAreaUri(asset, 'audio')).toBe('file:///o/j/4/_audio_work');
    expect(workAreaUri(asset, 'video-audio-track')).toBe('file:///o/j/4/.work/audio-track');
  });
});
