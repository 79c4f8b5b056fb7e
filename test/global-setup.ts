/**
 * Starts the real services once for the integration project: a Temporal dev server from the
 * project-local CLI (in memory, search attributes registered) and PostgreSQL: TEST_DATABASE_URL
 * if given, else embedded PGlite on a free loopback port. Migrations are applied once with the
 * real `prisma migrate deploy`; each test file then gets its own schema (test/support/db.ts). The
 * React app is built first when its sources changed (scripts/build-web.mjs).
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';
import { startTemporalDevServer } from '../src/infra/temporal-dev-server';
import { migrateDeploy } from '../src/db/migrate';
import { freePort } from '../src/infra/processes';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    databaseKind: string;
  }
}

export default async function setup(project: TestProject) {
  // The browser tests drive the React app's build: rebuilt here when a source is newer, as `npm start` does.
  const built = spawnSync(process.execPath, ['scripts/build-web.mjs', '--if-stale'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the web app (scripts/build-web.mjs) failed');
  const stops: Array<() => Promise<void>> = [];
  const temporal = await startTemporalDevServer({
    cliPath: process.env.TEMPORAL_CLI_PATH,
    port: await freePort(),
    uiPort: await freePort(),
    headless: true,
  });
  stops.push(() => temporal.stop());

  let url = process.env.TEST_DATABASE_URL;
  let kind = 'postgresql';
  if (!url) {
    const pg = await startEmbeddedPostgres({ port: await freePort() });
    stops.push(() => pg.stop());
    url = pg.url;
    kind = 'pglite';
  }
  await migrateDeploy(url);
  console.log(`[test] Temporal dev server ${temporal.address}; database ${kind} ${url.replace(/:[^:@/]*@/, ':***@')}`);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', url);
  project.provide('databaseKind', kind);

  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
