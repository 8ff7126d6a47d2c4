import type { Client } from '@temporalio/client';
import type { QuarryConfig } from '../schemas/config.ts';
import type { StorageRouter } from '../engines/storage/open-storage.ts';

/** What every activity factory receives: activities are plain functions closed over these. */
export interface ActivityDeps {
  config: QuarryConfig;
  storage: StorageRouter;
  /** a Temporal client, for the few activities that start or signal workflows */
  client: Client;
}
