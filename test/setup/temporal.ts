import type { TestProject } from 'vitest/node';
import { startDevServer } from '../helpers/temporal-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

/** One real Temporal dev server for the whole run; each test file isolates itself in its own namespace. */
export default async function setup(project: TestProject) {
  const env = await startDevServer();
  project.provide('temporalAddress', env.address);
  return async () => {
    await env.teardown();
  };
}
