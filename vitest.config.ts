import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/temporal.ts'],
    // two cores: files run one at a time, so timings-sensitive integration tests never fight each other
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // the embedded model (the default when installed) adds 30-90 s to a document: tests that run it say so
    env: { QUARRY_LOG_LEVEL: 'ERROR', QUARRY_GENERATIVE: 'off' },
  },
});
