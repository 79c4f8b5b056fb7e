import { startTestStack, type TTestStack } from '../../support/stack';
import { startTcpProxy, type TTcpProxy } from './tcp-proxy';
import { startWorkerProcess, type TWorkerProcess } from './worker-process';

/**
 * The stack for kill -9 tests: the API in-process, the worker as deployed in a process of its own
 * (the `public` schema, which `src/worker.ts` uses), reaching the database through a TCP proxy
 * whose traps stop an activity at a known SQL statement.
 */
export async function startKillStack() {
  const s: TTestStack = await startTestStack({ worker: false, database: { public: true } });
  const target = new URL(s.database.url);
  const proxy: TTcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const start = () =>
    startWorkerProcess({ TEMPORAL_ADDRESS: s.config.temporal.address!, TEMPORAL_TASK_QUEUE: s.taskQueue, DATABASE_URL: proxy.via(s.database.url) });
  let worker: TWorkerProcess | undefined = await start();
  return {
    s,
    proxy,
    /** kill -9 of the running worker. */
    kill: async () => {
      await worker?.kill9();
      worker = undefined;
    },
    restart: async () => {
      worker = await start();
    },
    close: async () => {
      await worker?.kill9();
      await s.close();
      await proxy.close();
    },
  };
}
