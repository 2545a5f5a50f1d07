import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Suites share one Redis when REDIS_URL is set: then one file at a time (each on fresh prefixes).
    fileParallelism: !process.env.REDIS_URL,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
