import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the system under faults (a worker killed mid-activity, the database cut
 * off, the Temporal server restarted, duplicate and reordered client retries). Slow by nature (each
 * waits out a real timeout or outage), so kept out of `npm test`; same services as its integration
 * project (test/global-setup.ts), one file at a time.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
