import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../../activities/deps.ts';
import { clientError } from '../../engines/client-error.ts';
import type { PipelineInput } from '../../schemas/pipeline.ts';

/**
 * A pipeline step that does no media work: it reads the file's first bytes (so a file marked corrupt
 * fails like a real pipeline would) and writes a minimal standard output. `delayMs` simulates work.
 */
export function createNoopActivities(deps: Pick<ActivityDeps, 'storage'>, opts: { delayMs?: number } = {}) {
  return {
    async processNoop(input: PipelineInput): Promise<string> {
      const head = await deps.storage.readBytes(input.assetUri, 64);
      if (head.includes(Buffer.from('CORRUPT'))) throw clientError('InvalidInput', `corrupt ${input.asset.fileType}: cannot be parsed`);
      // the simulated work stops when the activity is cancelled (a cancelled job, a worker whose drain ran out)
      if (opts.delayMs) await sleep(opts.delayMs, undefined, { signal: cancellationSignal() });
      const uri = `${input.assetOutputUri}/standard_output/0/result.json`;
      await deps.storage.writeJson(uri, {
        metadata: { asset_id: String(input.assetIndex), semantic_modality: input.modality, file_type: input.asset.fileType },
      });
      return uri;
    },
  };
}
/** the running activity's cancellation signal; none when called outside an activity */
function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export type NoopActivities = ReturnType<typeof createNoopActivities>;
