import { defineConfig } from 'vitest/config';

// Browser tests (Debian's chromium through playwright-core): `npm run test:e2e`. Kept out of
// `npm test`, which CI runs twice (native and js); these run once.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
