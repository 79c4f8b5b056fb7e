import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase } from './db';
import { startTimeSkippingWorker } from './time-skipping-worker';

export interface TTimeSkippingStack {
  env: TestWorkflowEnvironment;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  taskQueue: string;
  close(): Promise<void>;
}

/** The time-skipping server and a worker with the real activities on a database of this file's own. */
export async function startTimeSkippingStack(prefix: string): Promise<TTimeSkippingStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const db = await createTestDatabase();
  const ts = await startTimeSkippingWorker({ prisma: db.prisma, prefix });
  return {
    env: ts.env,
    db,
    taskQueue: ts.taskQueue,
    async close() {
      await ts.close();
      await db.drop();
    },
  };
}
