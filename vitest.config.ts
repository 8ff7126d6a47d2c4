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
    env: { QUARRY_LOG_LEVEL: 'ERROR' },
  },
});
