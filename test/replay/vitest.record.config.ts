import { defineConfig } from 'vitest/config';

/** `npm run record:histories`: the recorder on the integration global setup (dev server + PostgreSQL). */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/replay/record.ts'],
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
