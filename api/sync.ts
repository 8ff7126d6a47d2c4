import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { InvokeDataAutomationRequest } from '../schemas/bda-runtime.ts';
import { BdaError, validationError } from '../schemas/errors.ts';
import type { JobResult } from '../schemas/job.ts';
import type { jobWorkflow } from '../workflows/job.ts';
import { metrics } from '../engines/telemetry/metrics.ts';
import { resolveConfiguration } from './resolve-configuration.ts';
import { checkUri, parseRequest, type RuntimeContext, startJob, throttle } from './runtime.ts';

/** BDA's sync limit for inline input (reference §1.13): 50 MB. */
export const SYNC_MAX_BYTES = 50 * 1024 * 1024;

interface SegmentMeta {
  standard_output_path: string;
  custom_output_path?: string;
  custom_output_status?: 'MATCH' | 'NO_MATCH' | 'FALLBACK';
}

/**
 * InvokeDataAutomation (sync): the same job workflow, awaited, with the results inline (or only at the
 * output location when one is given). Documents are limited to 10 pages and no splitter, as in BDA.
 */
export async function invokeDataAutomation(ctx: RuntimeContext, body: unknown) {
  throttle(ctx);
  const req = parseRequest(InvokeDataAutomationRequest, body);
  const scratch = pathToFileURL(path.join(ctx.config.home, 'sync', randomUUID())).href;
  let inputUri: string;
  if (req.inputConfiguration.bytes !== undefined) {
    const bytes = Buffer.from(req.inputConfiguration.bytes, 'base64');
    if (bytes.length === 0) throw validationError('inputConfiguration.bytes: is empty or not base64', 'inputConfiguration.bytes');
    if (bytes.length > SYNC_MAX_BYTES)
      throw validationError(`inputConfiguration.bytes: ${bytes.length} bytes is over the sync limit of 50 MB`, 'inputConfiguration.bytes');
    inputUri = `${scratch}/input`;
    await ctx.storage.write(inputUri, bytes);
  } else {
    inputUri = req.inputConfiguration.s3Uri!;
    await checkUri(ctx, inputUri, 'inputConfiguration.s3Uri');
    const { bytes } = await ctx.storage.stat(inputUri);
    if (bytes > SYNC_MAX_BYTES) throw validationError(`inputConfiguration.s3Uri: the object is over the sync limit of 50 MB`, 'inputConfiguration.s3Uri');
  }
  if (req.outputConfiguration) await checkUri(ctx, req.outputConfiguration.s3Uri, 'outputConfiguration.s3Uri');
  const outputUri = req.outputConfiguration?.s3Uri ?? `${scratch}/out`;
  const kmsKeyId = req.encryptionConfiguration?.kmsKeyId;
  if (kmsKeyId) ctx.storage.encryptionFor(outputUri, kmsKeyId);
  try {
    const resolved = await resolveConfiguration(ctx, req, { sync: true });
    const { workflowId } = await startJob(ctx, { inputUri, outputUri, notify: false, sync: true, kmsKeyId }, resolved);
    metrics.jobsSubmitted.inc({ operation: 'InvokeDataAutomation' });
    const result: JobResult = await ctx.client.workflow.getHandle<typeof jobWorkflow>(workflowId).result();
    if (result.status === 'ClientError') throw validationError(`${result.errorType}: ${result.errorMessage}`);
    if (result.status !== 'Success') throw new BdaError('InternalServerException', result.errorMessage ?? 'processing failed');
    const meta = await ctx.storage.readJson<{ output_metadata: { segment_metadata: SegmentMeta[] }[] }>(result.jobMetadataUri);
    if (req.outputConfiguration) {
      return { semanticModality: result.semanticModality, outputSegments: [], outputConfiguration: { s3Uri: result.jobMetadataUri } };
    }
    const outputSegments = [];
    for (const seg of meta.output_metadata.flatMap((a) => a.segment_metadata)) {
      outputSegments.push({
        ...(seg.custom_output_status ? { customOutputStatus: seg.custom_output_status === 'FALLBACK' ? 'MATCH' : seg.custom_output_status } : {}),
        standardOutput: (await ctx.storage.readBytes(seg.standard_output_path)).toString('utf8'),
        ...(seg.custom_output_path ? { customOutput: (await ctx.storage.readBytes(seg.custom_output_path)).toString('utf8') } : {}),
      });
    }
    return { semanticModality: result.semanticModality, outputSegments };
  } finally {
    if (!req.outputConfiguration) await ctx.storage.delete(scratch).catch(() => undefined);
  }
}
