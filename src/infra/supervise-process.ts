import type { ChildProcess } from 'node:child_process';
import { describeExit, stopChild } from './processes';
import { DEFAULT_RESTART_POLICY, failuresInARowAfter, restartDelayMs, type TRestartPolicy } from './restart-policy';

export interface TSupervisedProcess {
  /** The running child; none between a death and its restart, or after stop(). */
  readonly current: ChildProcess | undefined;
  /** No more restarts; a pending one is cancelled and the running child stopped (SIGTERM, then SIGKILL). */
  stop(graceMs?: number): Promise<void>;
}

const seconds = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`);

/**
 * Runs a child and starts it again whenever it ends on its own (a crash, a kill -9, an exit of any
 * code): after a backoff that doubles with each failure in a row (restart-policy.ts), saying so
 * through `log`. After too many failures in a row it stops trying and calls `onGiveUp` with the
 * reason; the caller decides what giving up means (the dev stack stops everything).
 */
export function superviseProcess(opts: {
  name: string;
  spawn: () => ChildProcess;
  log: (message: string) => void;
  onGiveUp: (message: string) => void;
  policy?: TRestartPolicy;
}): TSupervisedProcess {
  const policy = opts.policy ?? DEFAULT_RESTART_POLICY;
  let current: ChildProcess | undefined;
  let stopped = false;
  let pendingRestart: NodeJS.Timeout | undefined;
  let failuresInARow = 0;

  const ended = (startedAt: number, pid: number | undefined, how: string) => {
    current = undefined;
    if (stopped) return;
    const uptime = Date.now() - startedAt;
    failuresInARow = failuresInARowAfter(policy, failuresInARow, uptime);
    const delay = restartDelayMs(policy, failuresInARow);
    const who = pid === undefined ? opts.name : `${opts.name} (pid ${pid})`;
    if (delay === null) {
      stopped = true;
      opts.onGiveUp(`${who} ${how} after ${seconds(uptime)}: ${failuresInARow} failures in a row, giving up`);
      return;
    }
    opts.log(
      `${who} ${how} after ${seconds(uptime)}; restarting in ${seconds(delay)} (failure ${failuresInARow} in a row, giving up at ${policy.maxFailuresInARow})`,
    );
    pendingRestart = setTimeout(() => {
      pendingRestart = undefined;
      if (!stopped) launch('restarted');
    }, delay);
  };

  const launch = (verb: 'started' | 'restarted') => {
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = opts.spawn();
    } catch (err) {
      ended(startedAt, undefined, `could not be started (${(err as Error).message})`);
      return;
    }
    current = child;
    let once = false;
    const end = (how: string) => {
      if (once) return;
      once = true;
      ended(startedAt, child.pid, how);
    };
    // A failed spawn emits 'error' and no 'exit'.
    child.once('error', (err) => child.pid === undefined && end(`could not be started (${err.message})`));
    child.once('exit', (code, signal) => end(describeExit(code, signal)));
    if (child.pid !== undefined) opts.log(`${opts.name} ${verb} (pid ${child.pid})`);
  };

  launch('started');
  return {
    get current() {
      return current;
    },
    async stop(graceMs = 10_000) {
      stopped = true;
      clearTimeout(pendingRestart);
      if (!current) return;
      const child = current;
      const began = Date.now();
      await stopChild(child, graceMs);
      opts.log(`${opts.name} (pid ${child.pid}) ${describeExit(child.exitCode, child.signalCode)} ${Date.now() - began} ms after SIGTERM`);
    },
  };
}
