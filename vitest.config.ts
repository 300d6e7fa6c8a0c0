import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, no servers, runs in `npm run check`) and
 * `integration` (real PostgreSQL and real Temporal, started once by the global
 * setup; every test file gets its own database and task queue).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          // property tests run thousands of documents: allow for a busy 2-core CI machine
          testTimeout: 30_000,
          include: [
            'test/forms/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/server/definitions*.test.ts',
            'test/workflows/calendar.test.ts',
            'test/packs/pack-shape.test.ts',
            // each activity's own test, beside it (one that needs PostgreSQL is a *.db.test.ts)
            'activities/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, 'activities/**/*.db.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/**/*.test.ts', 'activities/**/*.db.test.ts'],
          exclude: [
            'test/forms/**',
            'test/unit/**',
            'test/server/definitions*.test.ts',
            'test/workflows/calendar.test.ts',
            'test/packs/pack-shape.test.ts',
            'test/e2e/**',
            'test/reliability/**',
          ],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
