/**
 * Starting a knowledge base's sync: one `knowledgeBaseSync` workflow per knowledge base at a time (its id is
 * the base's name: a second `sync` while one runs joins it), whose assets run as a job of their own with the
 * default standard output, written under the base's `outputs/`.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { QuarryConfig } from '../schemas/config.ts';
import { defaultStandardOutputConfiguration } from '../schemas/output-configuration.ts';
import type { KnowledgeBase, KnowledgeBaseSyncInput } from '../schemas/knowledge-base.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { knowledgeBaseSync } from '../workflows/knowledge-base.ts';
import { invocationArn } from './job-id.ts';

export const knowledgeBaseWorkflowId = (name: string) => `quarry-kb-${name}`;

export async function startKnowledgeBaseSync(
  client: Client,
  config: QuarryConfig,
  kb: KnowledgeBase,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof knowledgeBaseSync>> {
  const jobId = randomUUID();
  const input: KnowledgeBaseSyncInput = {
    kb,
    job: {
      jobId,
      invocationArn: invocationArn(config.region, config.accountId, jobId),
      tenant: 'default',
      outputUri: `${kb.location.replace(/\/$/, '')}/outputs`,
      standardOutputConfiguration: defaultStandardOutputConfiguration,
      blueprints: [],
      notify: false,
      submittedAt: new Date().toISOString(),
      sync: false,
      batchWindow: 4,
      webhookUrls: [],
    },
    window: 4,
  };
  return client.workflow.start<typeof knowledgeBaseSync>('knowledgeBaseSync', {
    workflowId: knowledgeBaseWorkflowId(kb.name),
    taskQueue: TaskQueue.orchestration,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
