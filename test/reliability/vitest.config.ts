import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: real processes, real faults; RELIABILITY_SCALE=full runs the full counts. */
export default defineConfig({
  test: {
    name: 'reliability',
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // PostgreSQL for the drills that use a per-file database (the fault drills start their own servers)
    globalSetup: ['test/support/global-setup.ts'],
  },
});
