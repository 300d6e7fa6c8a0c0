import { defineConfig } from 'vitest/config';

/** `npm run record:histories`: records the replay histories (test/workflows/record-histories.ts) on real servers. */
export default defineConfig({
  test: {
    include: ['test/workflows/record-histories.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
