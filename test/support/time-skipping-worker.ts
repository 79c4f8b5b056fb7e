import crypto from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { createActivities } from '../../activities';
import type { TPrisma } from '../../src/db/prisma';
import { resolveTimeSkippingServer } from '../../src/infra/temporal-dev-server';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { SA } from '../../workflows/messages/search-attributes';

/**
 * Without test-runner imports, so the benchmark (bench/scenarios/project-years.ts) starts the same
 * server and worker as the time-skipping tests.
 */
export interface TTimeSkippingWorker {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** Stops the worker and the server (the database is the caller's). */
  close(): Promise<void>;
}

const PROTO_TYPE = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 } as const;

/**
 * The time-skipping test server (timers of days and years pass in milliseconds) and a worker with
 * the real activities on the given database. The server knows no custom search attributes until
 * told, and implements only the add call of the operator service. The caller installs the Runtime.
 */
export async function startTimeSkippingWorker({ prisma, prefix }: { prisma: TPrisma; prefix: string }): Promise<TTimeSkippingWorker> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: resolveTimeSkippingServer() } } });
  try {
    await env.client.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(
        Object.values(SA).map((k) => [k.name, PROTO_TYPE[k.type as keyof typeof PROTO_TYPE] as temporal.api.enums.v1.IndexedValueType]),
      ),
    });
    const taskQueue = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(),
      activities: createActivities({ prisma }),
    });
    const running = worker.run();
    return {
      env,
      taskQueue,
      async close() {
        worker.shutdown();
        await running;
        await env.teardown();
      },
    };
  } catch (err) {
    await env.teardown();
    throw err;
  }
}
