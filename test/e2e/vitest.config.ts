import { defineConfig } from 'vitest/config';

/** Browser tests: the whole app (npm start's launcher, demo county, 1 policy day = 2 s) and headless Chromium. */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
