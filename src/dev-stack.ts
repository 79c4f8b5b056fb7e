/**
 * `npm start`: the whole system on embedded defaults, in one terminal.
 *   1. PostgreSQL: DATABASE_URL if set, else PGlite under .data/pglite served on loopback;
 *      migrations applied; the demo county seeded (never in production).
 *   2. Temporal: TEMPORAL_ADDRESS if set, else `temporal server start-dev` on .data/temporal.db.
 *   3. The worker and the HTTP server as child processes, exactly as deployed (`npm run worker`,
 *      `npm run server`), pointed at the services above.
 * Ctrl-C stops everything it started, children first; data stays under .data/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig, ConfigError } from './config';
import { createPrisma } from './db/prisma';
import { migrateDeploy } from './db/migrate';
import { issueToken } from './auth/tokens';
import { startEmbeddedPostgres, type TEmbeddedPostgres } from './infra/embedded-postgres';
import { PROJECT_ROOT, startTemporalDevServer, waitForPort, type TDevServer } from './infra/temporal-dev-server';
import { DEMO_USERS, seedDemoCounty } from './seed/demo-county';
import { seedDemoProjects, type TDemoCall } from './seed/demo-projects';

const log = (msg: string) => console.log(`[bangfu] ${msg}`);

async function main() {
  const config = loadConfig();
  const stoppers: Array<() => Promise<void>> = [];
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    for (const stop of stoppers.reverse()) await stop().catch((e) => console.error(e));
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let dbUrl = config.database.url;
  let pg: TEmbeddedPostgres | undefined;
  if (!dbUrl) {
    pg = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pglite'), port: config.database.pglitePort });
    stoppers.push(() => pg!.stop());
    dbUrl = pg.url;
    log(`embedded PostgreSQL (PGlite) at ${dbUrl}  (data: ${path.join(config.dataDir, 'pglite')})`);
  }
  log('applying migrations…');
  await migrateDeploy(dbUrl);

  const prisma = createPrisma({ url: dbUrl, poolSize: 4 });
  stoppers.push(() => prisma.$disconnect());
  const tokens: Array<{ username: string; role: string; token: string }> = [];
  if (config.demo.seed) {
    await seedDemoCounty(prisma, config.demo.password);
    for (const u of DEMO_USERS) {
      const user = await prisma.user.findUniqueOrThrow({ where: { username: u.username } });
      tokens.push({ username: u.username, role: u.role, token: await issueToken(prisma, user.id, 'npm start') });
    }
  }

  let temporalAddress = config.temporal.address;
  let dev: TDevServer | undefined;
  if (!temporalAddress) {
    log('starting Temporal dev server…');
    dev = await startTemporalDevServer({
      cliPath: config.temporal.cliPath,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      dbFile: path.join(config.dataDir, 'temporal.db'),
      namespace: config.temporal.namespace,
      log: (line) => process.stderr.write(`[temporal] ${line}\n`),
    });
    stoppers.push(() => dev!.stop());
    temporalAddress = dev.address;
  }

  // The demo walks a project through its stages in minutes, so its publicity periods (10 days by
  // default) are skipped unless PUBLICITY_DAYS says otherwise.
  const publicityDays = config.publicityDays ?? (config.demo.seed ? 0 : undefined);
  const childEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    DEMO_SEED: 'false',
    ...(publicityDays === undefined ? {} : { PUBLICITY_DAYS: String(publicityDays) }),
  };
  for (const name of ['worker', 'server'] as const) {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(PROJECT_ROOT, `src/${name}.ts`)], {
      env: childEnv,
      stdio: 'inherit',
      // Own process group: Ctrl-C reaches the orchestrator, which stops children in order.
      detached: true,
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`[bangfu] ${name} exited with code ${code}; stopping everything`);
        void stopAll(1);
      }
    });
    children.push(child);
  }
  await waitForPort(config.http.port, config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host, 120_000);

  const url = `http://localhost:${config.http.port}`;
  console.log(`
────────────────────────────────────────────────────────────────────────
 帮扶 Bangfu is running
   Web app:          ${url}/
   API docs:         ${url}/api/docs     (OpenAPI: ${url}/api/openapi.json)
   Temporal Web UI:  ${dev ? dev.uiUrl : config.temporal.uiUrl}
   Database:         ${pg ? `${dbUrl}  (psql "${dbUrl}")` : 'DATABASE_URL'}
${
  tokens.length
    ? ` Demo accounts (password for all: ${config.demo.password}):\n` +
      tokens.map((t) => `   ${t.username.padEnd(11)} ${t.role.padEnd(22)} Bearer ${t.token}`).join('\n')
    : ' No demo accounts (DEMO_SEED off)'
}
 Publicity periods: ${publicityDays === undefined ? 'county defaults (10 days)' : `${publicityDays} days (PUBLICITY_DAYS)`}
 Try:  curl -H "Authorization: Bearer <township token>" ${url}/api/tasks
 Ctrl-C stops everything; data stays in ${config.dataDir}
────────────────────────────────────────────────────────────────────────`);
  if (config.demo.seed && config.demo.projects) await seedDemoProjectsOver(url, tokens);
}

/** The demo projects, through the running API with the demo accounts' tokens (DEMO_PROJECTS=false skips). */
async function seedDemoProjectsOver(url: string, tokens: Array<{ username: string; token: string }>) {
  const tokenOf = new Map(tokens.map((t) => [t.username, t.token]));
  const call: TDemoCall = async (method, route, username, body) => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${tokenOf.get(username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  log('walking the demo projects to their stages (DEMO_PROJECTS=false skips)…');
  try {
    await seedDemoProjects({ call, log });
    log('demo projects ready: every demo account has work in its inbox');
  } catch (err) {
    // Demo sugar only: the system keeps running without it.
    log(`demo projects not seeded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `[bangfu] failed to start: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
