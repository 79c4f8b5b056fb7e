/**
 * `WORKERS=2 SERVERS=2 npm start`: two workers on the one task queue and two API servers behind
 * the balancer on the one PORT. With one API server killed by kill -9, every request on PORT is
 * still answered (the balancer skips it until it is restarted); a proposal and its approval go
 * through the workflows on the two workers; Ctrl-C ends every process and frees every port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, portIsFree, processTree, proposeAndApprove, startNpmStack, type TNpmStack } from '../support/npm-start';

let n: TNpmStack;

beforeAll(async () => {
  n = await startNpmStack({ WORKERS: '2', SERVERS: '2' }, 2);
}, 400_000);

afterAll(() => {
  n?.cleanup();
});

describe('npm start with WORKERS=2 SERVERS=2', () => {
  it('runs two of each behind one port; a killed API server costs no request; Ctrl-C stops them all', async () => {
    for (const name of ['worker 1', 'worker 2', 'API server 1', 'API server 2'])
      expect(n.output()).toMatch(new RegExp(`\\[bangfu\\] ${name} started \\(pid \\d+\\)`));
    expect(n.output()).toMatch(/2 API servers \(ports \d+, \d+\) behind the balancer on port \d+; 2 workers/);

    const server1 = n.pidLogged(/\[bangfu\] API server 1 started \(pid (\d+)\)/);
    process.kill(server1, 'SIGKILL');
    await n.until('the stack logs the death', () => n.output().includes(`[bangfu] API server 1 (pid ${server1}) was killed by SIGKILL`), 15_000);
    // Before its restart (1 s later) and after: every request on the one port is answered.
    const answers = await Promise.all(Array.from({ length: 6 }, () => n.api('GET', '/api/tasks', 'township')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);

    await proposeAndApprove(n, '双进程申报项目');

    await n.until('the stack restarts API server 1', () => /\[bangfu\] API server 1 restarted \(pid \d+\)/.test(n.output()), 15_000);
    const tree = processTree(n.npm.pid!);
    for (const pid of tree) n.seen.add(pid);
    process.kill(-n.npm.pid!, 'SIGINT');
    const busyPorts = async () => (await Promise.all(Object.values(n.ports).map(async (p) => ((await portIsFree(p)) ? [] : [p])))).flat();
    await n.until('every process ends and every port is free', async () => tree.every((pid) => !isRunning(pid)) && (await busyPorts()).length === 0, 40_000);
    expect(n.output()).toContain('[bangfu] stopped');
  }, 300_000);
});
