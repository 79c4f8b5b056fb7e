/**
 * `npm start`: the whole system on embedded defaults, in one terminal.
 *   1. PostgreSQL: DATABASE_URL if set, else PGlite under .data/pglite served on loopback;
 *      migrations applied; the demo county seeded (never in production).
 *   2. Temporal: TEMPORAL_ADDRESS if set, else `temporal server start-dev` on .data/temporal.db.
 *   3. The worker and the HTTP server as child processes, exactly as deployed (src/worker.ts,
 *      src/server.ts), pointed at the services above; WORKERS=N and SERVERS=M run several of each
 *      (the servers behind one TCP balancer on PORT). One that dies (a crash, a kill -9) is
 *      started again after a backoff (src/infra/restart-policy.ts); after too many failures in a
 *      row the stack gives up: it stops everything and exits 1.
 * Ctrl-C stops everything it started, children first, whatever state they are in; data stays
 * under .data/. The Temporal dev server dying stops everything too (exit 1).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, ConfigError } from './config';
import { createPrisma } from './db/prisma';
import { migrateDeploy } from './db/migrate';
import { issueToken } from './auth/tokens';
import { startEmbeddedPostgres } from './infra/embedded-postgres';
import { describeExit, freePort } from './infra/processes';
import { startTcpBalancer } from './infra/tcp-balancer';
import { superviseProcess } from './infra/supervise-process';
import { PROJECT_ROOT, startTemporalDevServer, waitForPort } from './infra/temporal-dev-server';
import { DEMO_USERS, seedDemoCounty } from './seed/demo-county';
import { seedDemoProjects, type TDemoCall } from './seed/demo-projects';

const log = (msg: string) => console.log(`[bangfu] ${msg}`);

/** How long a worker or API server gets after SIGTERM before SIGKILL, when the stack stops. */
const CHILD_GRACE_MS = 10_000;
/**
 * Stopping never takes longer: by then every child has had its SIGKILL (the children's and the
 * Temporal dev server's grace periods, 10 s each, one after the other), and what is left (PGlite)
 * lives in this process.
 */
const STOP_BOUND_MS = 30_000;
/**
 * tsx's loader in the child itself, not the tsx CLI: the CLI runs the file in a grandchild, so the
 * pid the stack watches (and a kill -9 to it) would not be the worker's.
 */
const TSX_LOADER = pathToFileURL(path.join(PROJECT_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

interface TStopper {
  name: string;
  stop(): Promise<void>;
}
/** What has started, stopped in reverse order (children, Temporal, the pool, PGlite). */
const stoppers: TStopper[] = [];
let stopping: Promise<void> | undefined;
/** The service being started: stopping waits for it, so a half-started service is stopped too. */
let starting: Promise<unknown> = Promise.resolve();

/**
 * Stops everything that started, then exits with `code`. Idempotent: a second Ctrl-C, or a child
 * dying while the stack stops, changes nothing. Bounded: every child gets SIGTERM, then SIGKILL,
 * and the stack exits after STOP_BOUND_MS whatever is still in progress.
 */
function stopAll(code: number, reason?: string): Promise<void> {
  stopping ??= (async () => {
    if (reason) console.error(`[bangfu] ${reason}; stopping everything`);
    log('stopping…');
    setTimeout(() => {
      console.error(`[bangfu] not stopped within ${STOP_BOUND_MS / 1000} s; exiting anyway`);
      process.exit(code || 1);
    }, STOP_BOUND_MS).unref();
    const began = Date.now();
    await starting.catch(() => undefined);
    const took: string[] = [];
    for (const s of stoppers.reverse()) {
      const t = Date.now();
      await s.stop().catch((err) => console.error(`[bangfu] stopping the ${s.name} failed: ${err instanceof Error ? err.message : err}`));
      took.push(`${s.name} ${Date.now() - t} ms`);
    }
    log(`stopped in ${Date.now() - began} ms (${took.join(', ')})`);
    process.exit(code);
  })();
  return stopping;
}

/** One start-up step. What it started is registered for stopping; once stopping, start-up goes no further. */
async function step<T>(work: Promise<T>, stopper?: (started: T) => TStopper): Promise<T> {
  const registered = work.then((started) => {
    if (stopper) stoppers.push(stopper(started));
    return started;
  });
  if (stopper) starting = registered;
  const started = await registered;
  if (stopping) await new Promise<never>(() => undefined); // stopAll exits the process
  return started;
}

async function main() {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // Node would exit at once and leave the children (own process groups) running.
  process.on('uncaughtException', (err) => void stopAll(1, `unexpected error: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => void stopAll(1, `unexpected error: ${err instanceof Error ? err.stack : String(err)}`));
  const config = loadConfig();

  let dbUrl = config.database.url;
  let embedded = false;
  if (!dbUrl) {
    const pgDir = path.join(config.dataDir, 'pglite');
    const pg = await step(startEmbeddedPostgres({ dataDir: pgDir, port: config.database.pglitePort }), (pg) => ({
      name: 'embedded PostgreSQL',
      stop: () => pg.stop(),
    }));
    dbUrl = pg.url;
    embedded = true;
    log(`embedded PostgreSQL (PGlite) at ${dbUrl}  (data: ${pgDir})`);
  }
  log('applying migrations…');
  await step(migrateDeploy(dbUrl));

  const prisma = createPrisma({ url: dbUrl, poolSize: 4 });
  stoppers.push({ name: 'database pool', stop: () => prisma.$disconnect() });
  const tokens: Array<{ username: string; role: string; token: string }> = [];
  if (config.demo.seed) {
    await step(seedDemoCounty(prisma, config.demo.password));
    for (const u of DEMO_USERS) {
      const user = await step(prisma.user.findUniqueOrThrow({ where: { username: u.username } }));
      tokens.push({ username: u.username, role: u.role, token: await step(issueToken(prisma, user.id, 'npm start')) });
    }
  }

  let temporalAddress = config.temporal.address;
  let temporalUi = config.temporal.uiUrl;
  if (!temporalAddress) {
    log('starting Temporal dev server…');
    const dev = await step(
      startTemporalDevServer({
        cliPath: config.temporal.cliPath,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        namespace: config.temporal.namespace,
        detached: true,
        log: (line) => process.stderr.write(`[temporal] ${line}\n`),
      }),
      (dev) => ({ name: 'Temporal dev server', stop: () => dev.stop() }),
    );
    log(`Temporal dev server at ${dev.address} (pid ${dev.process.pid})`);
    // Without it nothing runs; restarting it is left to the operator (npm start again).
    dev.process.once('exit', (code, signal) => void stopAll(1, `the Temporal dev server ${describeExit(code, signal)}`));
    temporalAddress = dev.address;
    temporalUi = dev.uiUrl;
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
  // WORKERS worker processes on the one task queue; SERVERS API servers, each on a port of its own
  // behind one balancer on PORT when there are several (one server listens on PORT itself).
  const { workers, servers } = config.processes;
  const loopback = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const serverPorts = servers === 1 ? [config.http.port] : await Promise.all(Array.from({ length: servers }, () => freePort()));
  const numbered = (name: string, i: number, of: number) => (of === 1 ? name : `${name} ${i + 1}`);
  const planned = [
    // Each worker's metrics endpoint (WORKER_METRICS_PORT) on a port of its own: the given one, then the next ones.
    ...Array.from({ length: workers }, (_, i) => ({
      file: 'worker',
      name: numbered('worker', i, workers),
      env: config.workerMetricsPort !== undefined && workers > 1 ? { WORKER_METRICS_PORT: String(config.workerMetricsPort + i) } : {},
    })),
    ...serverPorts.map((port, i) => ({
      file: 'server',
      name: numbered('API server', i, servers),
      env: servers === 1 ? {} : { PORT: String(port), HOST: '127.0.0.1' },
    })),
  ];
  const children = planned.map(({ file, name, env }) =>
    superviseProcess({
      name,
      spawn: () =>
        spawn(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, `src/${file}.ts`)], {
          env: { ...childEnv, ...env },
          stdio: 'inherit',
          // Own process group: Ctrl-C reaches the orchestrator, which stops children in order.
          detached: true,
        }),
      log,
      onGiveUp: (message) => void stopAll(1, message),
    }),
  );
  stoppers.push({
    name: workers + servers > 2 ? 'workers and API servers' : 'worker and API server',
    stop: async () => void (await Promise.all(children.map((c) => c.stop(CHILD_GRACE_MS)))),
  });
  for (const port of serverPorts) await step(waitForPort(port, servers === 1 ? loopback : '127.0.0.1', 120_000));
  if (servers > 1) {
    await step(
      startTcpBalancer({ host: config.http.host, port: config.http.port, backends: serverPorts.map((port) => ({ host: '127.0.0.1', port })) }),
      (b) => ({
        name: 'balancer',
        stop: () => b.close(),
      }),
    );
    log(`${servers} API servers (ports ${serverPorts.join(', ')}) behind the balancer on port ${config.http.port}; ${workers} worker${workers > 1 ? 's' : ''}`);
  } else if (workers > 1) log(`${workers} workers on task queue "${config.temporal.taskQueue}"`);

  const url = `http://localhost:${config.http.port}`;
  console.log(`
────────────────────────────────────────────────────────────────────────
 帮扶 Bangfu is running
   Web app:          ${url}/
   New web app:      ${url}/app/     (React + Ant Design; the inbox and task pages so far)
   API docs:         ${url}/api/docs     (OpenAPI: ${url}/api/openapi.json)
   Temporal Web UI:  ${temporalUi}
   Database:         ${embedded ? `${dbUrl}  (psql "${dbUrl}")` : 'DATABASE_URL'}
${
  tokens.length
    ? ` Demo accounts (password for all: ${config.demo.password}):\n` +
      tokens.map((t) => `   ${t.username.padEnd(11)} ${t.role.padEnd(22)} Bearer ${t.token}`).join('\n')
    : ' No demo accounts (DEMO_SEED off)'
}
 Publicity periods: ${publicityDays === undefined ? 'county defaults (10 days)' : `${publicityDays} days (PUBLICITY_DAYS)`}
 Try:  curl -H "Authorization: Bearer <township token>" ${url}/api/tasks
 Processes: ${workers} worker${workers > 1 ? 's' : ''}, ${servers} API server${servers > 1 ? `s behind one port` : ''} (WORKERS, SERVERS)
 A worker or API server that dies is restarted (1 s, doubling to 30 s; gives up after 8 in a row)
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
  // Whatever had started is stopped: PGlite, the Temporal dev server, a child.
  if (stoppers.length > 0) void stopAll(1);
  else process.exit(1);
});
