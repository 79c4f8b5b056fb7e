import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { loadConfig, type TConfig } from '../../src/config';
import { buildApp } from '../../src/http/app';
import { issueToken } from '../../src/auth/tokens';
import { createWorker } from '../../src/worker';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { connectClient } from '../../src/temporal/connection';
import { TRACING_WORKFLOW_INTERCEPTORS } from '../../src/observability/temporal-tracing';
import type { TTracing } from '../../src/observability/tracing';
import { DEMO_USERS, seedDemoCounty } from '../../src/seed/demo-county';
import type { TPrisma } from '../../src/db/prisma';
import { createTestDatabase } from './db';
import { installWorkerRuntime } from '../../src/observability/worker-runtime';
import type { TPino } from '../../src/observability/logger';
import type { Role } from '../../src/generated/prisma/client';

export const DEMO_PASSWORD = 'test-password-123';

let runtimeInstalled = false;
/** The process's one Temporal Runtime: quiet, unless a test asks for the worker's own logger and metrics. */
function installRuntime(observed?: { logger: TPino; metricsAddress?: string }) {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  if (observed) installWorkerRuntime(observed);
  else Runtime.install({ logger: new DefaultLogger('WARN') });
}

export interface TTestStack {
  prisma: TPrisma;
  client: Client;
  worker: Worker;
  app: FastifyInstance;
  config: TConfig;
  taskQueue: string;
  /** The database (URL and schema) the stack's rows live in. */
  database: { url: string; schema: string };
  /** Bearer token per demo username. */
  tokens: Record<string, string>;
  userIds: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The real system for one test file: its own schema, a worker on its own task queue against the
 * shared dev server, the Fastify app (driven through `inject`), and the demo county seeded.
 * Fault tests may leave the worker out (they run their own process), use another Temporal server,
 * or connect the app and worker to the database through a proxy (`connect`; `prisma` stays direct).
 */
export async function startTestStack(
  opts: {
    app?: boolean;
    worker?: boolean;
    temporalAddress?: string;
    connect?: (db: { url: string; schema: string }) => TPrisma;
    database?: Parameters<typeof createTestDatabase>[0];
    /** Install the worker's runtime as src/worker.ts does (first stack of the file only). */
    observed?: { logger: TPino; metricsAddress?: string };
    /** Tracing installed by the test (src/observability/tracing.ts): the app, client and worker trace. */
    tracing?: TTracing;
  } = {},
): Promise<TTestStack> {
  installRuntime(opts.observed);
  const db = await createTestDatabase(opts.database);
  const prisma = opts.connect?.(db) ?? db.prisma;
  const address = opts.temporalAddress ?? inject('temporalAddress');
  const taskQueue = `test-${crypto.randomBytes(4).toString('hex')}`;
  // Its own data dir (the attachments' file store), so no test writes into the checkout's .data.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bangfu-test-data-'));
  const config = loadConfig({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
  });
  const nativeConnection = opts.worker === false ? null : await NativeConnection.connect({ address });
  const worker = nativeConnection
    ? await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        prisma,
        workflowBundle: await bundleWorkflows(opts.tracing ? { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] } : {}),
        tracing: opts.tracing,
      })
    : (null as unknown as Worker);
  const running = worker?.run();
  const client = await connectClient(config, { tracing: opts.tracing });
  const connection = client.connection;
  await seedDemoCounty(db.prisma, DEMO_PASSWORD);
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: u.username } });
    userIds[u.username] = user.id;
    tokens[u.username] = await issueToken(db.prisma, user.id, 'test');
  }
  const app =
    opts.app === false
      ? (null as unknown as FastifyInstance)
      : await buildApp({
          config,
          prisma,
          temporal: client,
          countySettings: { publicity: { villageDays: 0, townshipDays: 0, acceptanceDays: 0 } },
          tracing: opts.tracing,
        });
  return {
    prisma: db.prisma,
    client,
    worker,
    app,
    config,
    taskQueue,
    database: { url: db.url, schema: db.schema },
    tokens,
    userIds,
    async close() {
      if (app) await app.close();
      worker?.shutdown();
      await running;
      await nativeConnection?.close();
      await connection.close();
      if (prisma !== db.prisma) await prisma.$disconnect();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export { sampleProposal } from './proposal';

/**
 * A second app on the same system whose county posts the village publicity for 10 days (the test
 * stack posts every publicity for 0 days), so a project stays in its publicity and objections find
 * it open. The caller closes it.
 */
export function tenDayPublicityApp(s: TTestStack): Promise<FastifyInstance> {
  return buildApp({
    config: s.config,
    prisma: s.prisma,
    temporal: s.client,
    countySettings: { publicity: { villageDays: 10, townshipDays: 0, acceptanceDays: 0 } },
  });
}

export const newRequestId = () => `req-${crypto.randomUUID()}`;

/**
 * Drives a project that has passed the township review through the county: the joint review
 * (agriculture and finance countersign) and the leading group's approval, into the pool.
 */
export async function approveThroughCounty(s: TTestStack, projectId: string): Promise<void> {
  const openTask = async (role: string) => {
    for (let i = 0; i < 100; i += 1) {
      const task = await s.prisma.task.findFirst({ where: { projectId, status: 'PENDING', candidateRole: role as Role } });
      if (task) return task.id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no pending ${role} task for project ${projectId}`);
  };
  for (const [role, who] of [
    ['COUNTY_AGRICULTURE', 'agri'],
    ['COUNTY_FINANCE', 'finance'],
    ['COUNTY_LEADING_GROUP', 'leader'],
  ] as const) {
    const taskId = await openTask(role);
    const res = await s.app.inject({
      method: 'POST',
      url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
      headers: { authorization: `Bearer ${s.tokens[who]}` },
      payload: { action: 'approve', comment: '同意', requestId: newRequestId() },
    });
    if (res.statusCode !== 200) throw new Error(`${who} could not approve: ${res.body}`);
  }
}
