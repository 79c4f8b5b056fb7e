/**
 * One side of the workflow-memory scenario (bench/scenarios/workflow-memory.ts), in a process of
 * its own so that its RSS is only this worker's: a worker on the given bundle (SDK defaults, so
 * `reuseV8Context` and one workflow thread), then `warmup` and then `count` executions of the bare
 * workflow `bareApproval`, each left open waiting for its Update, so it stays in the worker's
 * cache. RSS is read after the warm-up and after all of them are cached; the difference over
 * `count` is what one more cached workflow costs. Prints one line `RESULT <json>` and exits.
 *
 *   argv[2]: JSON { address, taskQueue, bundlePath, count, warmup, startConcurrency }
 */
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { pool } from './lib/stats';

export interface TChildInput {
  address: string;
  taskQueue: string;
  bundlePath: string;
  count: number;
  warmup: number;
  startConcurrency: number;
}

export interface TChildResult {
  /** RSS with the warm-up's workflows cached, then with all of them, MiB. */
  rssAfterWarmupMiB: number;
  rssAfterAllMiB: number;
  /** The main thread's V8 heap at the same two moments: the workflows live in the workflow thread, not here. */
  heapAfterWarmupMiB: number;
  heapAfterAllMiB: number;
  cached: number;
  startSeconds: number;
}

const MiB = 1024 * 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;

/** Until the worker caches `n` workflows and has had no activation in flight for half a second. */
async function cachedAndIdle(worker: Worker, n: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    const st = worker.getStatus();
    if (st.numInFlightWorkflowActivations > 0 || st.numCachedWorkflows < n) quietSince = performance.now();
    else if (performance.now() - quietSince > 500) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the worker cached ${worker.getStatus().numCachedWorkflows} of ${n} workflows within ${timeoutMs / 1000} s`);
}

/** RSS and main-thread heap after a full GC of the main thread (the workflow thread collects on its own). */
async function settledMemory(): Promise<{ rss: number; heap: number }> {
  gc?.();
  await new Promise((r) => setTimeout(r, 300));
  const m = process.memoryUsage();
  return { rss: r1(m.rss / MiB), heap: r1(m.heapUsed / MiB) };
}

async function main(input: TChildInput): Promise<TChildResult> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const nativeConnection = await NativeConnection.connect({ address: input.address });
  const total = input.warmup + input.count;
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue: input.taskQueue,
    workflowBundle: { codePath: input.bundlePath },
    // Room for all of them: an eviction would hide what a cached workflow costs.
    maxCachedWorkflows: total + 50,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: input.address });
  const client = new Client({ connection, namespace: 'default' });
  const start = (from: number, n: number) =>
    pool(
      Array.from({ length: n }, (_, i) => from + i),
      input.startConcurrency,
      (i) => client.workflow.start('bareApproval', { taskQueue: input.taskQueue, workflowId: `${input.taskQueue}-${i}`, args: [] }),
    );
  try {
    await start(0, input.warmup);
    await cachedAndIdle(worker, input.warmup, 60_000);
    const warm = await settledMemory();
    const t0 = performance.now();
    await start(input.warmup, input.count);
    await cachedAndIdle(worker, total, 120_000);
    const startSeconds = (performance.now() - t0) / 1000;
    const all = await settledMemory();
    return {
      rssAfterWarmupMiB: warm.rss,
      rssAfterAllMiB: all.rss,
      heapAfterWarmupMiB: warm.heap,
      heapAfterAllMiB: all.heap,
      cached: worker.getStatus().numCachedWorkflows,
      startSeconds: r1(startSeconds),
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
  }
}

const input = JSON.parse(process.argv[2]!) as TChildInput;
if (!fs.existsSync(input.bundlePath)) throw new Error(`no bundle at ${input.bundlePath}`);
main(input).then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
