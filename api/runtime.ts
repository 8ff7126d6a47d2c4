import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { z } from 'zod';
import { jobMetadataUri, jobOutputUri as jobOutputUriOf } from '../schemas/output-location.ts';
import type { Tenants } from '../control-plane/tenants.ts';
import type { StorageRouter } from '../engines/storage/open-storage.ts';
import {
  describeZodError,
  GetDataAutomationStatusRequest,
  InvokeDataAutomationAsyncRequest,
  invocationArnPattern,
} from '../schemas/bda-runtime.ts';
import type { QuarryConfig } from '../schemas/config.ts';
import { BdaError, validationError } from '../schemas/errors.ts';
import type { JobInput, JobResult } from '../schemas/job.ts';
import type { JobStatus } from '../schemas/job-status.ts';
import { TaskQueue } from '../schemas/modality.ts';
import { QuarryProject, QuarryStatus, QuarryTenant } from '../schemas/search-attributes.ts';
import type { jobWorkflow } from '../workflows/job.ts';
import { carryCustomOutput } from './carry-custom-output.ts';
import { metrics } from '../engines/telemetry/metrics.ts';
import { invocationArn, jobIdFor, jobWorkflowId } from './job-id.ts';
import type { TenantRateLimiter } from './rate-limit.ts';
import { type ResolvedConfiguration, resolveConfiguration } from './resolve-configuration.ts';

export interface RuntimeContext {
  config: QuarryConfig;
  client: Client;
  storage: StorageRouter;
  /** keys and storage grants: a job reads and writes only what its tenant was granted */
  tenants: Tenants;
  limiter: TenantRateLimiter;
  tenant: string;
}

export function parseRequest<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const d = describeZodError(r.error);
    throw new BdaError('ValidationException', d.message, d.fields);
  }
  return r.data;
}

export function throttle(ctx: RuntimeContext) {
  if (!ctx.limiter.tryTake(ctx.tenant, Date.now()))
    throw new BdaError('ThrottlingException', `rate exceeded: at most ${ctx.config.quotas.invokeTps} invoke requests per second per tenant`);
}

/**
 * A URI the job may use: inside the roots or buckets granted to the tenant (real path, symlinks resolved), else the
 * ValidationException storage gives — the same for another tenant's root as for a folder nobody holds.
 */
export async function checkUri(ctx: RuntimeContext, uri: string, field: string) {
  try {
    await ctx.tenants.checkUri(ctx.tenant, uri);
    ctx.storage.check(uri);
  } catch (e) {
    if (e instanceof BdaError) throw validationError(`${field}: ${e.message}`, field);
    throw e;
  }
}

interface JobMemo {
  tenant: string;
  inputUri: string;
  outputUri: string;
  submittedAt: string;
}

/** Starts (or finds) the job workflow for a validated request; shared by async and sync invoke. */
export async function startJob(
  ctx: RuntimeContext,
  req: { inputUri: string; outputUri: string; clientToken?: string; notify: boolean; sync: boolean; kmsKeyId?: string },
  resolved: ResolvedConfiguration,
): Promise<{ jobId: string; invocationArn: string; workflowId: string }> {
  const jobId = jobIdFor(ctx.tenant, req.clientToken);
  const arn = invocationArn(ctx.config.region, ctx.config.accountId, jobId);
  const workflowId = jobWorkflowId(jobId);
  if (req.clientToken) {
    try {
      await ctx.client.workflow.getHandle(workflowId).describe();
      return { jobId, invocationArn: arn, workflowId }; // same token: same job, never a second one
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    }
  }
  const waiting = await ctx.client.workflow.count(
    `WorkflowType = 'jobWorkflow' AND QuarryStatus = 'Created' AND QuarryTenant = '${ctx.tenant.replace(/'/g, '')}'`,
  );
  if (waiting.count >= ctx.config.quotas.maxWaitingJobs)
    throw new BdaError(
      'ServiceQuotaExceededException',
      `too many jobs waiting to start for this tenant (${waiting.count}, limit ${ctx.config.quotas.maxWaitingJobs}); retry later`,
    );
  const submittedAt = new Date().toISOString();
  const jobOutputUri = jobOutputUriOf(req.outputUri, jobId);
  // encryption at rest: every object the job writes below its output folder (SSE-KMS on s3://, an envelope on file://)
  if (req.kmsKeyId) await ctx.storage.encryptUnder(jobOutputUri, req.kmsKeyId);
  const input: JobInput = {
    jobId,
    invocationArn: arn,
    tenant: ctx.tenant,
    inputUri: req.inputUri,
    outputUri: req.outputUri,
    standardOutputConfiguration: resolved.standardOutputConfiguration,
    overrideConfiguration: resolved.overrideConfiguration,
    blueprints: resolved.blueprints,
    customOutput: await carryCustomOutput(ctx.storage, jobOutputUri, resolved.customOutput),
    projectArn: resolved.projectArn,
    projectStage: resolved.projectStage,
    notify: req.notify,
    submittedAt,
    sync: req.sync,
    batchWindow: ctx.config.quotas.batchWindow,
    webhookUrls: ctx.config.webhooks.urls,
  };
  const memo: JobMemo = { tenant: ctx.tenant, inputUri: req.inputUri, outputUri: req.outputUri, submittedAt };
  try {
    await ctx.client.workflow.start<typeof jobWorkflow>('jobWorkflow', {
      workflowId,
      taskQueue: TaskQueue.orchestration,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: memo as unknown as Record<string, unknown>,
      typedSearchAttributes: [
        { key: QuarryStatus, value: 'Created' },
        { key: QuarryTenant, value: ctx.tenant },
        ...(resolved.projectArn ? [{ key: QuarryProject, value: resolved.projectArn }] : []),
      ],
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
  return { jobId, invocationArn: arn, workflowId };
}

export async function invokeDataAutomationAsync(ctx: RuntimeContext, body: unknown) {
  throttle(ctx);
  const req = parseRequest(InvokeDataAutomationAsyncRequest, body);
  await checkUri(ctx, req.inputConfiguration.s3Uri, 'inputConfiguration.s3Uri');
  await checkUri(ctx, req.outputConfiguration.s3Uri, 'outputConfiguration.s3Uri');
  const kmsKeyId = req.encryptionConfiguration?.kmsKeyId;
  if (kmsKeyId) ctx.storage.encryptionFor(req.outputConfiguration.s3Uri, kmsKeyId);
  const resolved = await resolveConfiguration(ctx, req, { sync: false });
  const { invocationArn } = await startJob(
    ctx,
    {
      inputUri: req.inputConfiguration.s3Uri,
      outputUri: req.outputConfiguration.s3Uri,
      clientToken: req.clientToken,
      notify: req.notificationConfiguration?.eventBridgeConfiguration.eventBridgeEnabled ?? false,
      sync: false,
      kmsKeyId,
    },
    resolved,
  );
  metrics.jobsSubmitted.inc({ operation: 'InvokeDataAutomationAsync' });
  return { invocationArn };
}

/** The BDA status of a job from its workflow: search attributes while running, the result once closed. */
export async function jobStatus(client: Client, jobId: string, tenant: string) {
  const handle = client.workflow.getHandle<typeof jobWorkflow>(jobWorkflowId(jobId));
  let desc: Awaited<ReturnType<typeof handle.describe>>;
  try {
    desc = await handle.describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new BdaError('ResourceNotFoundException', `no job with invocation id '${jobId}'`);
    throw e;
  }
  const memo = (desc.memo ?? {}) as unknown as JobMemo;
  if (memo.tenant !== tenant) throw new BdaError('ResourceNotFoundException', `no job with invocation id '${jobId}'`);
  let status: JobStatus = (desc.typedSearchAttributes.get(QuarryStatus) as JobStatus | undefined) ?? 'Created';
  let errorType: string | undefined;
  let errorMessage: string | undefined;
  let metadataUri = jobMetadataUri(jobOutputUriOf(memo.outputUri, jobId));
  const state = desc.status.name;
  if (state === 'COMPLETED') {
    const r: JobResult = await handle.result();
    status = r.status;
    errorType = r.errorType;
    errorMessage = r.errorMessage;
    metadataUri = r.jobMetadataUri;
  } else if (state === 'FAILED') {
    try {
      await handle.result();
    } catch (e) {
      const cause = e instanceof WorkflowFailedError ? e.cause : undefined;
      const type = (cause as { type?: string } | undefined)?.type;
      if (type === 'Cancelled') {
        status = 'ClientError';
        errorType = 'Cancelled';
        errorMessage = 'the job was cancelled';
      } else {
        status = 'ServiceError';
        errorType = type ?? 'InternalError';
        errorMessage = cause?.message ?? 'the job failed';
      }
    }
  } else if (state === 'CANCELLED') {
    status = 'ClientError';
    errorType = 'Cancelled';
    errorMessage = 'the job was cancelled';
  } else if (state === 'TERMINATED' || state === 'TIMED_OUT') {
    status = 'ServiceError';
    errorType = state === 'TERMINATED' ? 'Terminated' : 'TimedOut';
    errorMessage = `the job was ${state.toLowerCase().replace('_', ' ')}`;
  } else if (status !== 'Created' && status !== 'InProgress') {
    status = 'InProgress'; // final status set, metadata still being written
  }
  const done = desc.closeTime && state !== 'RUNNING' && state !== 'CONTINUED_AS_NEW';
  return {
    status,
    ...(errorType ? { errorType } : {}),
    ...(errorMessage ? { errorMessage } : {}),
    outputConfiguration: { s3Uri: metadataUri },
    jobSubmissionTime: memo.submittedAt ?? desc.startTime.toISOString(),
    ...(done
      ? {
          jobCompletionTime: desc.closeTime!.toISOString(),
          jobDurationInSeconds: Math.max(0, Math.round((desc.closeTime!.getTime() - Date.parse(memo.submittedAt ?? desc.startTime.toISOString())) / 1000)),
        }
      : {}),
  };
}

export async function getDataAutomationStatus(ctx: RuntimeContext, body: unknown) {
  const req = parseRequest(GetDataAutomationStatusRequest, body);
  const jobId = invocationArnPattern.exec(req.invocationArn)![2];
  return jobStatus(ctx.client, jobId, ctx.tenant);
}
