import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native core bridge is not safe in worker threads; forks are.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        // Pure domain tests: no services, run in parallel, milliseconds each.
        extends: true,
        test: { name: 'domain', include: ['test/domain/**/*.test.ts'] },
      },
      {
        // Everything that talks to the real Temporal server and the real database.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // test/faults/** is `npm run test:faults` (vitest.faults.config.ts): slow by nature.
          exclude: ['test/domain/**', 'test/faults/**'],
          globalSetup: ['test/global-setup.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
