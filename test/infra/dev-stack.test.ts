/**
 * `npm start` as an operator runs it (npm, tsx, src/dev-stack.ts and what it starts: PGlite in
 * process, the Temporal dev server, the worker, the API server), on free ports and a fresh data
 * folder, demo projects off. Started once for the file, in its own process group, so a SIGINT to
 * the group is what a terminal's Ctrl-C sends. The tests run in order on that one stack:
 * 1. the worker killed with kill -9 is restarted, and a project still goes through its workflow;
 * 2. the API server killed with kill -9, then Ctrl-C before its restart: every process ends and
 *    every port is free, within a bound (before, the stack hung with Temporal and PGlite running).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, portIsFree, processTree, proposeAndApprove, startNpmStack, type TNpmStack } from '../support/npm-start';

const STOP_BOUND_MS = 40_000;

let n: TNpmStack;

beforeAll(async () => {
  n = await startNpmStack();
}, 400_000);

afterAll(() => {
  n?.cleanup();
});

describe('npm start heals and stops', () => {
  it('restarts the worker after kill -9 and says so; the API answers meanwhile and a proposal then goes through the township review', async () => {
    const worker = n.pidLogged(/\[bangfu\] worker started \(pid (\d+)\)/);
    expect(isRunning(worker)).toBe(true);
    process.kill(worker, 'SIGKILL');
    await n.until('the stack logs the death', () => n.output().includes(`[bangfu] worker (pid ${worker}) was killed by SIGKILL after`), 15_000);
    expect(n.output()).toMatch(
      new RegExp(`worker \\(pid ${worker}\\) was killed by SIGKILL after [^;]+; restarting in 1 s \\(failure 1 in a row, giving up at 8\\)`),
    );

    // The API does not need the worker to answer.
    expect((await n.api('GET', '/api/tasks', 'township')).status).toBe(200);

    await n.until('the stack restarts the worker', () => /\[bangfu\] worker restarted \(pid \d+\)/.test(n.output()), 15_000);
    const restarted = n.pidLogged(/\[bangfu\] worker restarted \(pid (\d+)\)/);
    expect(restarted).not.toBe(worker);
    expect(isRunning(restarted)).toBe(true);
    n.seen.add(restarted);
    await n.until('the new worker polls', () => n.count('[worker] polling task queue') === 2, 180_000);

    await proposeAndApprove(n, '重启后申报项目');
  }, 300_000);

  it('Ctrl-C right after the API server died by kill -9 stops every process and frees every port', async () => {
    const server = n.pidLogged(/\[bangfu\] API server started \(pid (\d+)\)/);
    process.kill(server, 'SIGKILL');
    await n.until('the stack logs the death', () => n.output().includes(`[bangfu] API server (pid ${server}) was killed by SIGKILL`), 15_000);
    // Before the restart (1 s later): the child that died has exitCode null and signalCode SIGKILL.
    const tree = processTree(n.npm.pid!);
    for (const pid of tree) n.seen.add(pid);
    const temporal = n.pidLogged(/\[bangfu\] Temporal dev server at \S+ \(pid (\d+)\)/);
    const worker = n.pidLogged(/\[bangfu\] worker restarted \(pid (\d+)\)/);
    expect(tree).toEqual(expect.arrayContaining([n.npm.pid, temporal, worker]));

    const sentAt = Date.now();
    process.kill(-n.npm.pid!, 'SIGINT');
    const busyPorts = async () => (await Promise.all(Object.values(n.ports).map(async (p) => ((await portIsFree(p)) ? [] : [p])))).flat();
    await n
      .until('every process ends and every port is free', async () => tree.every((pid) => !isRunning(pid)) && (await busyPorts()).length === 0, STOP_BOUND_MS)
      .catch(async (err) => {
        throw new Error(`${err.message}\nstill running: ${tree.filter(isRunning).join(', ')}; ports in use: ${(await busyPorts()).join(', ')}`);
      });
    console.log(`[dev-stack] Ctrl-C to every process gone and every port free: ${Date.now() - sentAt} ms; ${n.output().match(/\[bangfu\] stopped.*/)?.[0]}`);
    expect(n.output()).toContain('[bangfu] stopped');
    expect(n.output()).not.toContain('API server restarted');
    // npm itself, in the group, ends by the SIGINT (as in a terminal); the stack exits 0 after 'stopped'.
    await n.until('npm ends', () => n.npm.exitCode !== null || n.npm.signalCode !== null, 5_000);
  }, 120_000);
});
