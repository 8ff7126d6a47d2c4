/**
 * The ARNs of a tenant's control-plane resources, as BDA writes them: `arn:aws:bedrock:<region>:<account>:blueprint/<id>`
 * and `…:data-automation-project/<id>`, with a fresh 12-hex-digit id (BDA's ids are 12–36 of [a-zA-Z0-9-]). Catalog
 * blueprints have public ARNs (`…:aws:blueprint/<name>`, blueprints/catalog.ts).
 */
import { randomBytes } from 'node:crypto';

export interface ArnScope {
  region: string;
  accountId: string;
}

export const newBlueprintArn = (s: ArnScope) =>
  `arn:aws:bedrock:${s.region}:${s.accountId}:blueprint/${randomBytes(6).toString('hex')}`;

export const newProjectArn = (s: ArnScope) =>
  `arn:aws:bedrock:${s.region}:${s.accountId}:data-automation-project/${randomBytes(6).toString('hex')}`;

/** The resource id at the end of an ARN (what the store files a record under), or null when there is none. */
export function resourceIdOf(arn: string): string | null {
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  return id && arn.includes('/') ? id : null;
}
