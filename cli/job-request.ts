import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const PROFILE_ARN = (region: string) => `arn:aws:bedrock:${region}:000000000000:data-automation-profile/us.data-automation-v1`;

/** A local path becomes an absolute file:// URI; URIs pass through. */
export function toUri(p: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : pathToFileURL(path.resolve(p)).href;
}

/** `invoice` → the catalog blueprint's public ARN; ARNs pass through. */
export function blueprintArn(nameOrArn: string, region: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:aws:bedrock:${region}:aws:blueprint/bedrock-data-automation-public-${nameOrArn.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
}

export interface RunOptions {
  blueprint?: string[];
  project?: string;
  out?: string;
  as?: string;
  token?: string;
  notify?: boolean;
}

/** The InvokeDataAutomationAsync body for `quarry run/submit`. */
export function invokeBody(input: string, opts: RunOptions, region: string) {
  const as = opts.as?.toUpperCase();
  if (as && !['DOCUMENT', 'IMAGE', 'AUDIO', 'VIDEO'].includes(as)) throw new Error(`--as must be document, image, audio or video (got '${opts.as}')`);
  const routing =
    as === 'DOCUMENT' || as === 'IMAGE'
      ? { png: as, jpeg: as }
      : as === 'AUDIO' || as === 'VIDEO'
        ? { mp4: as, mov: as }
        : undefined;
  return {
    inputConfiguration: { s3Uri: toUri(input) },
    outputConfiguration: { s3Uri: toUri(opts.out ?? 'quarry-out') },
    dataAutomationProfileArn: PROFILE_ARN(region),
    ...(opts.token ? { clientToken: opts.token } : {}),
    ...(opts.blueprint?.length ? { blueprints: opts.blueprint.map((b) => ({ blueprintArn: blueprintArn(b, region) })) } : {}),
    ...(opts.project ? { dataAutomationConfiguration: { dataAutomationProjectArn: opts.project } } : {}),
    ...(routing ? { overrideConfiguration: { modalityRouting: routing } } : {}),
    ...(opts.notify ? { notificationConfiguration: { eventBridgeConfiguration: { eventBridgeEnabled: true } } } : {}),
  };
}
