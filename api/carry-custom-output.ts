/**
 * How a job carries its resolved custom output (blueprints with their schemas, fallback, splitter). Every asset
 * child and every shaping activity of the job gets a copy, so a batch page of 500 assets carries it 500 times in
 * the job's history: up to INLINE_CUSTOM_OUTPUT_MAX_BYTES it rides inline (one to a few blueprints — the catalog's
 * are 0.4–1.9 KB each); past that it is a claim check, written once next to the job's manifest
 * (`<output>/<job id>/.quarry/custom-output-<sha256>.json`, named by its content so a retried submit never
 * overwrites what a running job reads) and verified by its sha256 when read.
 */
import { createHash } from 'node:crypto';
import type { Storage } from '../engines/storage/storage.ts';
import { resolvedBlueprintsUri } from '../schemas/output-location.ts';
import type { CustomOutputPlan, ResolvedCustomOutput } from '../schemas/pipeline.ts';

export const INLINE_CUSTOM_OUTPUT_MAX_BYTES = 16 * 1024;

export async function carryCustomOutput(
  storage: Pick<Storage, 'write'>,
  jobOutputUri: string,
  resolved: ResolvedCustomOutput | undefined,
): Promise<CustomOutputPlan | undefined> {
  if (!resolved) return undefined;
  const text = JSON.stringify(resolved);
  const bytes = Buffer.byteLength(text);
  if (bytes <= INLINE_CUSTOM_OUTPUT_MAX_BYTES) return resolved;
  const sha256 = createHash('sha256').update(text).digest('hex');
  const uri = resolvedBlueprintsUri(jobOutputUri, sha256);
  await storage.write(uri, text, 'application/json');
  return { uri, sha256, bytes };
}
