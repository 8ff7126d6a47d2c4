/**
 * Who a control-plane call acts for: the tenant (every store read and write is that tenant's), and the region and
 * account its new ARNs name. The API builds one per request from the authenticated tenant; the CLI acts as
 * 'default' (the local operator).
 */
import type { QuarryConfig } from '../schemas/config.ts';
import type { ArnScope } from './arns.ts';
import { ControlPlaneStore } from './store.ts';

export interface ControlPlane extends ArnScope {
  store: ControlPlaneStore;
  tenant: string;
}

export function controlPlaneFor(
  config: Pick<QuarryConfig, 'home' | 'region' | 'accountId'>,
  tenant: string,
): ControlPlane {
  return { store: new ControlPlaneStore(config.home), tenant, region: config.region, accountId: config.accountId };
}
