import { createHash, randomUUID } from 'node:crypto';

/**
 * The job id: derived from (tenant, clientToken) so a repeated token maps to the same job and ARN,
 * never a second job; random when the caller gives no token.
 */
export function jobIdFor(tenant: string, clientToken: string | undefined): string {
  if (!clientToken) return randomUUID();
  const h = createHash('sha256').update(`${tenant}\0${clientToken}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const invocationArn = (region: string, accountId: string, jobId: string) =>
  `arn:aws:bedrock:${region}:${accountId}:data-automation-invocation/${jobId}`;

export const jobWorkflowId = (jobId: string) => `quarry-job-${jobId}`;
