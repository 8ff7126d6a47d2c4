/**
 * Re-records the workflow histories the replay test (test/integration/replay.test.ts) replays:
 *   npx tsx scripts/record-histories.ts [--generation=<name>]
 * Runs a small batch job on a throw-away Temporal dev server (in memory) with the real job / asset / slot
 * workflows and no-op media pipelines, encrypted with the fixed test key of test/histories/replay-converter.ts,
 * and writes test/histories/<name>.json. Re-record ONLY for a deliberate, versioned change (see
 * docs/versioning.md): the committed histories are what running workflows in the field look like. After a
 * patched() change, record a new generation (`--generation=local-activities` writes `<name>@local-activities.json`)
 * and keep the old files: both the old and the new branch of the patch must keep replaying.
 *   npx tsx scripts/record-histories.ts --pipelines
 * records the modality pipelines instead (documentPipeline, imagePipeline, audioPipeline, videoPipeline and the
 * video's audio track) with their real activities on samples/.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { magic, writeFiles } from '../test/helpers/files.ts';
import { noopPipelineActivities, noopWorkflowsPath } from '../test/helpers/orchestration-activities.ts';
import { createStack } from '../test/helpers/stack.ts';
import { startDevServer } from '../test/helpers/temporal-server.ts';
import { type RecordedHistory, replayDataConverter } from '../test/histories/replay-converter.ts';
import { jobWorkflowId } from '../api/job-id.ts';
import { controlPlaneFor } from '../control-plane/context.ts';
import { createProject } from '../control-plane/projects.ts';
import { TaskQueue } from '../schemas/modality.ts';
import type { ApplyBlueprintsInput } from '../schemas/pipeline.ts';
import { installRuntime } from '../worker/temporal-runtime.ts';
import { activitiesByQueue } from '../worker/activities.ts';
import { defaultWorkflowsPath } from '../worker/start.ts';

installRuntime('ERROR'); // before the test server, which would otherwise install a chatty default runtime
const OUT = path.resolve(import.meta.dirname, '../test/histories');
const PROFILE = 'arn:aws:bedrock:us-east-1:000000000000:data-automation-profile/us.data-automation-v1';
const RECEIPT = 'arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-receipt';
/** the shaping step answers without work: its place in the asset's history is what the replay needs */
const shapingStub = {
  async applyBlueprints(i: ApplyBlueprintsInput) {
    return i.segments.map((s) => ({ ...s, customOutputStatus: 'NO_MATCH' as const }));
  },
};

const pipelines = process.argv.includes('--pipelines');
const env = await startDevServer();
const stack = await createStack({
  address: env.address,
  workflowsPath: pipelines ? defaultWorkflowsPath : noopWorkflowsPath,
  activities: pipelines
    ? activitiesByQueue
    : (deps) => {
        const queues = noopPipelineActivities()(deps);
        // custom output runs on the generative queue (patch custom-output-on-generative-queue)
        return {
          ...queues,
          [TaskQueue.document]: { ...queues[TaskQueue.document], ...shapingStub },
          [TaskQueue.generative]: { ...queues[TaskQueue.generative], ...shapingStub },
        };
      },
  api: true,
  dataConverter: replayDataConverter(),
  env: { QUARRY_BATCH_WINDOW: '2' },
});
try {
  if (pipelines) await recordPipelines();
  else await recordOrchestration();
} finally {
  await stack.close();
  await env.teardown();
}

async function submit(body: Record<string, unknown> = { inputConfiguration: { s3Uri: `${stack.rootUri}/in` } }): Promise<string> {
  const res = await fetch(`${stack.api!.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync',
    },
    body: JSON.stringify({ outputConfiguration: { s3Uri: `${stack.rootUri}/out` }, dataAutomationProfileArn: PROFILE, ...body }),
  });
  if (!res.ok) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  const { invocationArn } = (await res.json()) as { invocationArn: string };
  return jobWorkflowId(invocationArn.split('/').pop()!);
}

async function save(ids: Record<string, string>) {
  for (const [name, id] of Object.entries(ids)) {
    const history = await stack.client.workflow.getHandle(id).fetchHistory();
    await fs.writeFile(path.join(OUT, `${name}.json`), `${historyToJSON(history)}\n`);
    console.log(`recorded ${name} (${history.events?.length} events) → test/histories/${name}.json`);
  }
  // replay needs each history's workflow id (child workflow ids are derived from it)
  const idsFile = path.join(OUT, 'workflow-ids.json');
  const known = JSON.parse(await fs.readFile(idsFile, 'utf8').catch(() => '{}'));
  await fs.writeFile(idsFile, `${JSON.stringify({ ...known, ...ids }, null, 2)}\n`);
}

async function recordPipelines() {
  await fs.mkdir(path.join(stack.root, 'in'));
  for (const f of ['sample.mp4', 'sample.pdf', 'sample.png', 'sample.wav'])
    await fs.copyFile(path.resolve(import.meta.dirname, '../samples', f), path.join(stack.root, 'in', f));
  const workflowId = await submit();
  const result = await stack.client.workflow.getHandle(workflowId).result();
  if (result.status !== 'Success' || result.failedAssets !== 0)
    throw new Error(`unexpected job result ${JSON.stringify(result)}`);
  // assets in listing order: sample.mp4, sample.pdf, sample.png, sample.wav
  await save({
    videoPipeline: `${workflowId}/asset-0/video`,
    'audioPipeline-video-track': `${workflowId}/asset-0/video/audio-track`,
    documentPipeline: `${workflowId}/asset-1/document`,
    imagePipeline: `${workflowId}/asset-2/image`,
    audioPipeline: `${workflowId}/asset-3/audio`,
  });
}

async function recordOrchestration() {
  await writeFiles(path.join(stack.root, 'in'), {
    'a.pdf': magic.pdf(),
    'b.png': magic.png(),
    'c.wav': magic.wav(),
    'd.pdf': magic.corruptPdf(),
  });
  const workflowId = await submit();
  const result = await stack.client.workflow.getHandle(workflowId).result();
  if (result.status !== 'Success' || result.failedAssets !== 1)
    throw new Error(`unexpected job result ${JSON.stringify(result)}`);

  const generation = process.argv.find((a) => a.startsWith('--generation='))?.slice('--generation='.length);
  const named = (name: string) => (generation ? `${name}@${generation}` : name) as RecordedHistory;
  const ids: Partial<Record<RecordedHistory, string>> = {
    [named('jobWorkflow')]: workflowId,
    [named('assetWorkflow')]: `${workflowId}/asset-0`,
    [named('assetWorkflow-failed')]: `${workflowId}/asset-3`,
    [named('modalitySlots')]: 'quarry-slots-DOCUMENT',
  };

  // a pdf against a project (a catalog blueprint, the splitter on): its asset's history has the shaping step
  const { projectArn } = await createProject(controlPlaneFor(stack.config, 'default'), {
    projectName: 'replay',
    standardOutputConfiguration: {},
    customOutputConfiguration: { blueprints: [{ blueprintArn: RECEIPT }] },
    overrideConfiguration: { document: { splitter: { state: 'ENABLED' } } },
  });
  await writeFiles(path.join(stack.root, 'in-project'), { 'a.pdf': magic.pdf() });
  const projectJob = await submit({
    inputConfiguration: { s3Uri: `${stack.rootUri}/in-project/a.pdf` },
    dataAutomationConfiguration: { dataAutomationProjectArn: projectArn },
  });
  const projectResult = await stack.client.workflow.getHandle(projectJob).result();
  if (projectResult.status !== 'Success') throw new Error(`unexpected job result ${JSON.stringify(projectResult)}`);
  ids[named('assetWorkflow-blueprints')] = `${projectJob}/asset-0`;
  await save(ids);
}
