import type { Client } from '@temporalio/client';
import type { JobProgress } from '../schemas/job.ts';
import { assetPhaseQuery } from '../workflows/asset.ts';
import { jobProgressQuery } from '../workflows/job.ts';
import { jobWorkflowId } from './job-id.ts';
import { jobStatus } from './runtime.ts';

/**
 * Quarry's job detail (`GET /jobs/{jobId}`): BDA's status plus live progress of a running job — counts,
 * and the phase of each asset in flight (probing, waiting-for-slot, processing, shaping).
 */
export async function jobDetail(client: Client, jobId: string, tenant: string) {
  const status = await jobStatus(client, jobId, tenant);
  let progress: JobProgress | undefined;
  if (status.status === 'Created' || status.status === 'InProgress') {
    try {
      const handle = client.workflow.getHandle(jobWorkflowId(jobId));
      progress = await handle.query(jobProgressQuery);
      const running = progress.runningAssets;
      await Promise.all(
        running.map(async (a) => {
          a.phase = await client.workflow
            .getHandle(`${jobWorkflowId(jobId)}/asset-${a.assetIndex}`)
            .query(assetPhaseQuery)
            .catch(() => a.phase);
        }),
      );
    } catch {
      progress = undefined; // no worker answering right now: the status alone still holds
    }
  }
  return { jobId, ...status, ...(progress ? { progress } : {}) };
}
