import crypto from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { createActivities } from '../../activities';
import { resolveTimeSkippingServer } from '../../src/infra/temporal-dev-server';
import { WORKFLOWS_PATH } from '../../src/worker';
import { SA } from '../../workflows/shared';
import { createTestDatabase } from './db';

export interface TTimeSkippingStack {
  env: TestWorkflowEnvironment;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  taskQueue: string;
  close(): Promise<void>;
}

const PROTO_TYPE = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 } as const;

/**
 * The time-skipping test server (timers of days and years pass in milliseconds), a database of
 * its own and a worker with the real activities. The server knows no custom search attributes
 * until told, and implements only the add call of the operator service.
 */
export async function startTimeSkippingStack(prefix: string): Promise<TTimeSkippingStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: resolveTimeSkippingServer() } } });
  await env.client.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(Object.values(SA).map((k) => [k.name, PROTO_TYPE[k.type as keyof typeof PROTO_TYPE] as temporal.api.enums.v1.IndexedValueType])),
  });
  const db = await createTestDatabase();
  const taskQueue = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    activities: createActivities({ prisma: db.prisma }),
  });
  const running = worker.run();
  return {
    env,
    db,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await db.drop();
      await env.teardown();
    },
  };
}
