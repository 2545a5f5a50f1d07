import { defineConfig } from 'vitest/config';

// The mixed-fleet test (an arm64 worker under qemu beside x64 ones): `npm run test:fleet`.
// Needs `npm run prebuild:all`, qemu-user and the aarch64 cross toolchain (scripts/arm64.sh).
export default defineConfig({
  test: {
    include: ['test/**/*.fleet.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 600_000,
  },
});
