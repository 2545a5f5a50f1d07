import { defineConfig } from 'vitest/config';

// The slow fault suites (real processes killed, stopped and restarted): `npm run faults`.
export default defineConfig({
  test: {
    include: ['test/**/*.fault.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
