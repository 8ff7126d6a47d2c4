import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AssetOutcome } from '../../schemas/job.ts';
import { type Modality, TaskQueue } from '../../schemas/modality.ts';
import type { OverrideConfiguration } from '../../schemas/output-configuration.ts';
import type { ProbedAsset } from '../../schemas/pipeline.ts';
import type { ActivityDeps } from '../deps.ts';
import { clientError } from '../../engines/client-error.ts';
import { assetRecordUri, jobMetadataUri } from '../../schemas/output-location.ts';
import { reportProgress } from '../heartbeat.ts';
import { assetMetadataEntry, jobModality } from './job-metadata.ts';
import { type ManifestEntry, readManifestPage, writeManifest } from './manifest.ts';
import { routeModality, sniffType, supportedTypesMessage } from '../../engines/media/sniff.ts';
import { metrics } from '../../engines/telemetry/metrics.ts';

const run = promisify(execFile);

/** Where a job's files live: `<outputUri>/<jobId>/…` (BDA's layout). */

async function hasVideoStream(path: string): Promise<boolean | undefined> {
  try {
    const { stdout } = await run(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v',
        '-show_entries',
        'stream=codec_type:stream_disposition=attached_pic',
        '-of',
        'json',
        path,
      ],
      { timeout: 60_000 },
    );
    const streams = (JSON.parse(stdout).streams ?? []) as { disposition?: { attached_pic?: number } }[];
    return streams.some((s) => !s.disposition?.attached_pic);
  } catch {
    return undefined; // ffprobe missing or file unreadable: the pipeline's own probe reports it precisely
  }
}

/** Job-level activities (orchestration task queue): listing, probing, quotas, metadata. */
export function createJobActivities(deps: ActivityDeps) {
  const { storage, client, config } = deps;
  return {
    /** Lists the input (a file or every file under a prefix) into a manifest; returns the count. */
    async listAssets(input: { inputUri: string; manifestUri: string }): Promise<{ count: number }> {
      storage.check(input.inputUri);
      const count = await writeManifest(storage, input.inputUri, input.manifestUri);
      if (count === 0)
        throw clientError(
          'InvalidInput',
          `no input file found at '${input.inputUri}' (an object, or a prefix with objects under it)`,
        );
      return { count };
    },

    async readManifestPage(input: { manifestUri: string; offset: number; limit: number }): Promise<ManifestEntry[]> {
      return readManifestPage(storage, input.manifestUri, input.offset, input.limit);
    },

    /** Sniffs the type by content and decides the modality (BDA's modalityRouting first). */
    async probeAsset(input: { uri: string; routing?: OverrideConfiguration['modalityRouting'] }): Promise<ProbedAsset> {
      const { bytes } = await storage.stat(input.uri);
      const head = await storage.readBytes(input.uri, 65536);
      const sniffed = sniffType(head);
      if (sniffed.fileType === 'EMPTY')
        throw clientError('InvalidInput', `the file is empty (0 bytes): '${input.uri}'`);
      const video = sniffed.avContainer ? await storage.withLocalFile(input.uri, hasVideoStream) : undefined;
      const modality = routeModality(sniffed, input.routing, video);
      if (!modality)
        throw clientError(
          'UnsupportedMediaType',
          `unsupported file type ${sniffed.fileType} (${sniffed.mediaType}) for '${input.uri}'; ${supportedTypesMessage}`,
        );
      return { uri: input.uri, bytes, fileType: sniffed.fileType, mediaType: sniffed.mediaType, modality };
    },

    /** Asks the modality's slot keeper for a concurrency slot; the grant arrives as a signal. */
    async requestSlot(input: { modality: Modality; holder: string }): Promise<void> {
      const limit = config.quotas.concurrentJobs[input.modality];
      await client.workflow.signalWithStart('modalitySlots', {
        workflowId: `quarry-slots-${input.modality}`,
        taskQueue: TaskQueue.orchestration,
        args: [{ modality: input.modality, limit, holders: [], waiting: [] }],
        signal: 'acquire',
        signalArgs: [{ holder: input.holder, limit }],
      });
    },

    /** Of the given slot holders, those whose workflow is no longer running (to free leaked slots). */
    async finishedHolders(holders: string[]): Promise<string[]> {
      const done: string[] = [];
      for (const id of holders) {
        try {
          const d = await client.workflow.getHandle(id).describe();
          if (d.status.name !== 'RUNNING') done.push(id);
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) done.push(id);
          else throw e;
        }
      }
      return done;
    },

    async writeAssetRecord(input: { jobOutputUri: string; outcome: AssetOutcome }): Promise<void> {
      await storage.writeJson(assetRecordUri(input.jobOutputUri, input.outcome.assetIndex), input.outcome);
      metrics.assetsFinished.inc({ modality: input.outcome.modality ?? 'none', status: input.outcome.status });
    },

    /** Builds `job_metadata.json` from every asset's record, streaming (10,000 assets stay small in memory). */
    async writeJobMetadata(input: {
      jobId: string;
      jobOutputUri: string;
      totalAssets: number;
      status: string;
    }): Promise<{ uri: string; modality: Modality | 'MIXED' | null }> {
      const modalities: (Modality | null)[] = [];
      const entries: string[] = [];
      for (let i = 0; i < input.totalAssets; i++) {
        const outcome = await storage.readJson<AssetOutcome>(assetRecordUri(input.jobOutputUri, i)).catch(
          (): AssetOutcome => ({
            assetIndex: i,
            assetUri: '',
            status: 'ClientError',
            modality: null,
            errorType: 'Cancelled',
            errorMessage: 'not processed: the job was cancelled before this asset started',
            segments: [],
            stats: {},
          }),
        );
        modalities.push(outcome.modality);
        entries.push(JSON.stringify(assetMetadataEntry(outcome)));
        if (i % 200 === 0) reportProgress(i);
      }
      const modality = jobModality(modalities);
      const head = {
        job_id: input.jobId,
        job_status:
          input.status === 'Success' ? 'PROCESSED' : input.status === 'ClientError' ? 'CLIENT_ERROR' : 'SERVICE_ERROR',
        semantic_modality: modality,
      };
      const body = `${JSON.stringify(head, null, 2).replace(/\n}$/, ',\n  "output_metadata": [\n')}${entries
        .map((e) => `    ${e}`)
        .join(',\n')}\n  ]\n}\n`;
      const uri = jobMetadataUri(input.jobOutputUri);
      await storage.write(uri, body, 'application/json');
      metrics.jobsFinished.inc({ status: input.status });
      return { uri, modality };
    },
  };
}
export type JobActivities = ReturnType<typeof createJobActivities>;
