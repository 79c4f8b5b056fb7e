/**
 * Everything the benchmark runs against, started by the benchmark itself: an in-memory Temporal
 * dev server on free ports, PostgreSQL (BENCH_DATABASE_URL → a fresh database created on that
 * server and dropped afterwards; else embedded PGlite in a child process), the real migrations,
 * the demo county, the project's worker, the Fastify app listening on loopback, and the
 * baseline worker on its own task queue (with the projection floor's one activity).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config';
import { createPrisma, type TPrisma } from '../../src/db/prisma';
import { migrateDeploy } from '../../src/db/migrate';
import { startTemporalDevServer, PROJECT_ROOT, type TDevServer } from '../../src/infra/temporal-dev-server';
import { freePort, stopChild } from '../../src/infra/processes';
import { buildApp } from '../../src/http/app';
import { createWorker } from '../../src/worker';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { createActivities } from '../../activities';
import { createFloorActivities } from '../floor-activities';
import { seedDemoCounty, DEMO_USERS } from '../../src/seed/demo-county';
import { issueToken } from '../../src/auth/tokens';
import type { TBenchSettings } from './settings';

export const BENCH_PASSWORD = 'bench-password-2026';
export const BASELINE_WORKFLOWS_PATH = path.join(PROJECT_ROOT, 'bench/baseline-workflows.ts');

export interface TDatabase {
  url: string;
  kind: 'pglite' | 'postgresql';
  /** The URL without its password, for the report. */
  display: string;
  /** The embedded database's process (PGlite child), for the CPU breakdown; absent for a PostgreSQL server. */
  pid?: number;
  stop(): Promise<void>;
}

const hidePassword = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

/** PGlite in a child process (see pglite-child.ts). */
async function startPgliteChild(): Promise<TDatabase> {
  const port = await freePort();
  const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
  const child: ChildProcess = spawn(tsx, [path.join(PROJECT_ROOT, 'bench/pglite-child.ts'), String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('embedded PGlite did not start within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PGlite exited with code ${code}`));
    });
  });
  return {
    url,
    kind: 'pglite',
    pid: child.pid,
    display: `embedded PGlite (child process) ${hidePassword(url)}`,
    stop: () => stopChild(child),
  };
}

/** A fresh database on the server of BENCH_DATABASE_URL, so a run never touches existing data. */
async function freshDatabaseOn(serverUrl: string): Promise<TDatabase> {
  const name = `bangfu_bench_${Date.now()}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (err) {
    throw new Error(
      `BENCH_DATABASE_URL: could not create a scratch database (${(err as Error).message}); the benchmark needs CREATEDB so it never writes into existing data`,
    );
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    kind: 'postgresql',
    display: `PostgreSQL ${hidePassword(url)} (scratch database, dropped after the run)`,
    async stop() {
      if (process.env.BENCH_KEEP_DB) return;
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => c.query(`DROP DATABASE IF EXISTS "${name}"`));
      await c.end();
    },
  };
}

/**
 * Every activity of the project's workflows as a no-op answering `{}` at once (the to-pool path
 * uses no activity result), so the same workflow code runs with no database behind it. The
 * step's report to its parent stays real.
 */
export function noopActivities(): Record<string, (...args: never[]) => Promise<object>> {
  const real = createActivities({ prisma: null as unknown as TPrisma });
  const names = Object.keys(real);
  return { ...Object.fromEntries(names.map((name) => [name, async () => ({})])), reportStepToParent: real.reportStepToParent };
}

export interface TStack {
  temporal: TDevServer;
  db: TDatabase;
  client: Client;
  /** Prisma of the API process (the worker has its own pool, as when deployed). */
  appPrisma: TPrisma;
  workerPrisma: TPrisma;
  app: FastifyInstance;
  baseUrl: string;
  taskQueue: string;
  baselineTaskQueue: string;
  /** The project's workflows with every activity a no-op (the baseline of the lifecycle throughput). */
  noopTaskQueue: string;
  /** The project worker (for its status and options). */
  worker: Worker;
  /** The publicity periods of the API's county (0 days: the benchmark measures decisions, not timers). */
  publicity: { villageDays: number; townshipDays: number; acceptanceDays: number };
  tokens: Record<string, string>;
  userIds: Record<string, string>;
  close(): Promise<void>;
}

export async function startStack(settings: TBenchSettings, log: (line: string) => void): Promise<TStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stops: Array<() => Promise<void>> = [];
  // Each service gets a bounded time to stop (a worker waits for activities still retrying after
  // failed decisions); the process exits after the report anyway and its children die with it.
  const closeAll = async () => {
    for (const stop of stops.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 15_000)));
      const outcome = await Promise.race([stop().catch((err) => log(`  (while stopping: ${(err as Error).message})`)), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') log('  (a service did not stop within 15 s; moving on)');
    }
  };
  try {
    // In memory by default; BENCH_TEMPORAL_DB=file persists to SQLite as `npm start`'s dev server does.
    const dbFile = settings.temporalDbFile ? path.join(os.tmpdir(), `bench-temporal-${crypto.randomBytes(4).toString('hex')}.db`) : undefined;
    const temporal = await startTemporalDevServer({ cliPath: settings.temporalCli, port: await freePort(), uiPort: await freePort(), headless: true, dbFile });
    stops.push(() => temporal.stop());
    if (dbFile) stops.push(async () => fs.rmSync(dbFile, { force: true }));
    log(`Temporal dev server (${dbFile ? `SQLite file ${dbFile}` : 'in memory'}) at ${temporal.address}`);

    const db = settings.databaseUrl ? await freshDatabaseOn(settings.databaseUrl) : await startPgliteChild();
    stops.push(() => db.stop());
    log(`Database: ${db.display}`);
    await migrateDeploy(db.url);
    log('Migrations applied');

    const taskQueue = `bench-${crypto.randomBytes(3).toString('hex')}`;
    const baselineTaskQueue = `${taskQueue}-baseline`;
    const noopTaskQueue = `${taskQueue}-noop`;
    const config = loadConfig({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    });

    const appPrisma = createPrisma({ url: db.url });
    const workerPrisma = createPrisma({ url: db.url });
    stops.push(() => appPrisma.$disconnect());
    stops.push(() => workerPrisma.$disconnect());

    await seedDemoCounty(appPrisma, BENCH_PASSWORD);
    const tokens: Record<string, string> = {};
    const userIds: Record<string, string> = {};
    for (const u of DEMO_USERS) {
      const user = await appPrisma.user.findUniqueOrThrow({ where: { username: u.username } });
      userIds[u.username] = user.id;
      tokens[u.username] = await issueToken(appPrisma, user.id, 'bench');
    }

    const [bundle, baselineBundle] = await Promise.all([
      bundleWorkflows(),
      bundleWorkflowCode({ workflowsPath: BASELINE_WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    ]);
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => nativeConnection.close());
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      prisma: workerPrisma,
      workflowBundle: bundle,
      tuning: { maxCachedWorkflows: settings.maxCachedWorkflows, ...(settings.workflowThreads ? { workflowThreadPoolSize: settings.workflowThreads } : {}) },
    });
    // The bare workflows, and the projection floor's one activity on the worker's Prisma pool (the
    // sides are timed one after another, so the project worker does not use it meanwhile).
    const baselineWorker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: baselineTaskQueue,
      workflowBundle: baselineBundle,
      activities: createFloorActivities({ prisma: workerPrisma }),
    });
    const noopWorker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: noopTaskQueue,
      workflowBundle: bundle,
      activities: noopActivities(),
    });
    for (const w of [worker, baselineWorker, noopWorker]) {
      const running = w.run();
      stops.push(async () => {
        w.shutdown();
        await running;
      });
    }
    log(
      `Workers polling "${taskQueue}" (project${settings.workers > 1 ? `, ${settings.workers} workers: this process and ${settings.workers - 1} more` : ''}), "${baselineTaskQueue}" (bare baseline and projection floor) and "${noopTaskQueue}" (project workflows, no-op activities)`,
    );

    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    // BENCH_WORKERS=N: N − 1 more project workers, each its own process as in a deployment.
    for (let i = 1; i < settings.workers; i++) {
      const child = startWorkerProcess({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: db.url });
      stops.push(() => stopChild(child, 20_000));
      await pollingWorkers(client, taskQueue, i + 1, child);
    }

    // Publicity periods skipped: the benchmark measures decisions, not 10-day timers.
    const publicity = { villageDays: 0, townshipDays: 0, acceptanceDays: 0 };
    const app = await buildApp({ config, prisma: appPrisma, temporal: client, countySettings: { publicity } });
    stops.push(() => app.close());
    const port = await freePort();
    await app.listen({ host: '127.0.0.1', port });
    const baseUrl = `http://127.0.0.1:${port}`;
    log(`API listening at ${baseUrl}`);

    return {
      temporal,
      db,
      client,
      appPrisma,
      workerPrisma,
      app,
      baseUrl,
      taskQueue,
      baselineTaskQueue,
      noopTaskQueue,
      worker,
      publicity,
      tokens,
      userIds,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** A project worker process (`src/worker.ts`) on the bench's services; quiet but for warnings. */
function startWorkerProcess(env: Record<string, string>): ChildProcess {
  const loader = pathToFileURL(path.join(PROJECT_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  return spawn(process.execPath, ['--import', loader, path.join(PROJECT_ROOT, 'src/worker.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Waits (120 s at most) until `count` distinct workers poll the queue's workflow tasks. */
async function pollingWorkers(client: Client, taskQueue: string, count: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`a worker process exited (${child.exitCode}) before it polled`);
    const { pollers } = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
    if (new Set((pollers ?? []).map((p) => p.identity)).size >= count) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${count} workers did not poll "${taskQueue}" within 120 s`);
}
