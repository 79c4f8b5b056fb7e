import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface TWorkerProcess {
  child: ChildProcess;
  /** What the process printed (stdout and stderr), for a failing test's message. */
  output(): string;
  /** kill -9: no shutdown, no goodbye to the Temporal server; resolves once it has exited. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * `src/worker.ts` as deployed, in a process of its own: node with tsx's loader (not the tsx CLI,
 * which runs the file in a grandchild that a SIGKILL to the CLI would leave running), configured
 * only by the environment. Resolves once it polls its task queue.
 */
export async function startWorkerProcess(env: { TEMPORAL_ADDRESS: string; TEMPORAL_TASK_QUEUE: string; DATABASE_URL: string }): Promise<TWorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const polling = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes('[worker] polling task queue')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`the worker exited (${code ?? signal}) before polling:\n${output}`)));
    setTimeout(() => reject(new Error(`the worker did not poll within 90 s:\n${output}`)), 90_000).unref();
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const force = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  };
  const handle = { child, output: () => output, kill9: () => stopWith('SIGKILL'), stop: () => stopWith('SIGTERM') };
  try {
    await polling;
  } catch (err) {
    await handle.kill9();
    throw err;
  }
  return handle;
}
