import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { JobStatus } from '../schemas/job-status.ts';
import { Modality } from '../schemas/modality.ts';
import { QuarryModality, QuarryStatus } from '../schemas/search-attributes.ts';
import { invocationArn } from './job-id.ts';
import { parseRequest } from './runtime.ts';

export const ListJobsRequest = z.object({
  status: JobStatus.optional(),
  modality: Modality.optional(),
  projectArn: z.string().max(256).optional(),
  maxResults: z.coerce.number().int().min(1).max(1000).default(50),
  nextToken: z.string().max(4096).optional(),
});

/**
 * Quarry's own ListJobs (BDA has none): a visibility query over the tenant's jobs, newest first, paged.
 * Visibility is eventually consistent: a job started a moment ago may not be listed yet.
 */
export async function listJobs(client: Client, ctx: { tenant: string; region: string; accountId: string }, body: unknown) {
  const req = parseRequest(ListJobsRequest, body);
  const q = [`WorkflowType = 'jobWorkflow'`, `QuarryTenant = '${ctx.tenant.replace(/'/g, '')}'`];
  if (req.status) q.push(`QuarryStatus = '${req.status}'`);
  if (req.modality) q.push(`QuarryModality = '${req.modality}'`);
  if (req.projectArn) q.push(`QuarryProject = '${req.projectArn.replace(/'/g, '')}'`);
  const res = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: q.join(' AND '),
    pageSize: req.maxResults,
    nextPageToken: req.nextToken ? Buffer.from(req.nextToken, 'base64') : undefined,
  });
  const jobs = (res.executions ?? []).map((e) => {
    const jobId = (e.execution?.workflowId ?? '').replace(/^quarry-job-/, '');
    const sa = e.searchAttributes?.indexedFields ?? {};
    const decode = (k: string) => {
      const p = sa[k];
      return p?.data ? (JSON.parse(Buffer.from(p.data).toString('utf8')) as string) : undefined;
    };
    return {
      invocationArn: invocationArn(ctx.region, ctx.accountId, jobId),
      status: decode(QuarryStatus.name) ?? 'Created',
      modality: decode(QuarryModality.name),
      startTime: e.startTime?.seconds ? new Date(Number(e.startTime.seconds) * 1000).toISOString() : undefined,
      closeTime: e.closeTime?.seconds ? new Date(Number(e.closeTime.seconds) * 1000).toISOString() : undefined,
    };
  });
  const token = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64') : undefined;
  return { jobs, ...(token ? { nextToken: token } : {}) };
}
