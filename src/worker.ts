import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { loadConfig, databaseUrl, DEFAULT_MAX_CACHED_WORKFLOWS, type TConfig } from './config';
import { createPrisma, type TPrisma } from './db/prisma';
import { connectClient, connectWorker } from './temporal/connection';
import { ensureSearchAttributes } from './temporal/search-attributes';
import { createActivities } from '../activities';
import { createLogger, type TPino } from './observability/logger';
import { installWorkerRuntime } from './observability/worker-runtime';
import { tracingWorkerOptions } from './observability/temporal-tracing';
import { startTracing, type TTracing } from './observability/tracing';
import { WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from './temporal/workflow-bundle';

export { WORKFLOWS_PATH } from './temporal/workflow-bundle';

export type TWorkerTuning = Partial<
  Pick<WorkerOptions, 'maxCachedWorkflows' | 'workflowThreadPoolSize' | 'maxConcurrentWorkflowTaskPolls' | 'nonStickyToStickyPollRatio'>
>;

/** A worker hosting every workflow and activity on the configured task queue. */
export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  prisma: TPrisma;
  /** The client a step's report activity sends its Update with (absent: the worker's own). */
  temporal?: Client;
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Worker tuning; `maxCachedWorkflows` defaults to DEFAULT_MAX_CACHED_WORKFLOWS (src/config.ts). */
  tuning?: TWorkerTuning;
  /** Tracing is on: spans for workflows, activities and their SQL (a given bundle must include TRACING_WORKFLOW_INTERCEPTORS). */
  tracing?: TTracing;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS }),
    activities: createActivities({ prisma: opts.prisma, ...(opts.temporal ? { temporal: opts.temporal } : {}) }),
    ...(opts.identity ? { identity: opts.identity } : {}),
    maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
    ...opts.tuning,
    ...(opts.tracing ? tracingWorkerOptions(opts.tracing, { bundlesItself: !opts.workflowBundle }) : {}),
  });
}

export async function main(config: TConfig = loadConfig(), logger: TPino = createLogger({ level: config.logLevel, name: 'worker' })) {
  const metricsAddress = config.workerMetricsPort === undefined ? undefined : `${config.http.host}:${config.workerMetricsPort}`;
  installWorkerRuntime({ logger, metricsAddress });
  const tracing = await startTracing(config.tracing, 'worker');
  const prisma = createPrisma({ url: databaseUrl(config) });
  const client = await connectClient(config, { tracing });
  try {
    const added = await ensureSearchAttributes(client, config.temporal.namespace);
    if (added.length) logger.info({ added }, `[worker] registered search attributes: ${added.join(', ')}`);
  } catch (err) {
    logger.warn({ err }, `[worker] could not register search attributes (add them on the cluster yourself): ${(err as Error).message}`);
  }
  const connection = await connectWorker(config);
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    prisma,
    temporal: client,
    tuning: { maxCachedWorkflows: config.temporal.maxCachedWorkflows },
    tracing,
  });
  // Tests and the dev stack wait for this line's text: keep "[worker] polling task queue".
  logger.info(
    { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, metrics: metricsAddress ?? null },
    `[worker] polling task queue "${config.temporal.taskQueue}" in namespace "${config.temporal.namespace}" (workflow cache ${config.temporal.maxCachedWorkflows})`,
  );
  await worker.run();
  await connection.close();
  await client.connection.close();
  await prisma.$disconnect();
  await tracing?.shutdown();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    // The configuration may be what failed: this line does not depend on it.
    createLogger({ level: 'info', name: 'worker' }).fatal({ err }, `[worker] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
