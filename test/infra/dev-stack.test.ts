/**
 * `npm start` as an operator runs it (npm, tsx, src/dev-stack.ts and what it starts: PGlite in
 * process, the Temporal dev server, the worker, the API server), on free ports and a fresh data
 * folder, demo projects off. Started once for the file, in its own process group, so a SIGINT to
 * the group is what a terminal's Ctrl-C sends. The tests run in order on that one stack:
 * 1. the worker killed with kill -9 is restarted, and a project still goes through its workflow;
 * 2. the API server killed with kill -9, then Ctrl-C before its restart: every process ends and
 *    every port is free, within a bound (before, the stack hung with Temporal and PGlite running).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/processes';
import { PROJECT_ROOT } from '../../src/infra/temporal-dev-server';
import { PASSED_CHECKS, sampleProposal } from '../support/proposal';

const STOP_BOUND_MS = 40_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let npm: ChildProcess;
let output = '';
let dataDir: string;
let ports: Record<'PORT' | 'PGLITE_PORT' | 'TEMPORAL_DEV_PORT' | 'TEMPORAL_UI_PORT', number>;
const tokens: Record<string, string> = {};
/** Every process of the stack seen so far, for the clean-up of a failed run. */
const seen = new Set<number>();

/** Waits for a condition on the stack, failing with the end of its output. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms. Stack output (end):\n${output.slice(-4_000)}`);
    await sleep(100);
  }
}

const pidLogged = (pattern: RegExp) => Number(output.match(pattern)?.[1]);
const count = (text: string) => output.split(text).length - 1;

/** The parent pid and state of a process, from /proc (a zombie has exited: only its reaping is left). */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}
const isRunning = (pid: number) => {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
};

/** A process and all its descendants that run now, whatever process group they put themselves in. */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    const stat = Number.isInteger(pid) ? procStat(pid) : undefined;
    if (stat && stat.state !== 'Z') parentOf.set(pid, stat.ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree.filter(isRunning);
}

async function portIsFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function api(method: 'GET' | 'POST', route: string, who: string, body?: object) {
  const res = await fetch(`http://127.0.0.1:${ports.PORT}${route}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

beforeAll(async () => {
  ports = { PORT: await freePort(), PGLITE_PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort() };
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-dev-stack-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    DEMO_PROJECTS: 'false',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'PUBLICITY_DAYS', 'DEMO_SEED', 'HOST']) delete env[key];
  npm = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  npm.stdout!.on('data', collect);
  npm.stderr!.on('data', collect);
  await until('the stack starts', () => output.includes('Bangfu is running') || npm.exitCode !== null, 240_000);
  expect(output).toContain('Bangfu is running');
  for (const [, username, token] of output.matchAll(/^ +(\w+) +[A-Z_]+ +Bearer (\S+)$/gm)) tokens[username] = token;
  await until('the worker polls', () => count('[worker] polling task queue') === 1, 120_000);
  for (const pid of processTree(npm.pid!)) seen.add(pid);
}, 400_000);

afterAll(async () => {
  // A failed run leaves nothing behind: every process ever seen in the stack's tree is killed.
  for (const pid of [...seen, ...(npm?.pid ? processTree(npm.pid) : [])]) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start heals and stops', () => {
  it('restarts the worker after kill -9 and says so; the API answers meanwhile and a proposal then goes through the township review', async () => {
    const worker = pidLogged(/\[bangfu\] worker started \(pid (\d+)\)/);
    expect(isRunning(worker)).toBe(true);
    process.kill(worker, 'SIGKILL');
    await until('the stack logs the death', () => output.includes(`[bangfu] worker (pid ${worker}) was killed by SIGKILL after`), 15_000);
    expect(output).toMatch(
      new RegExp(`worker \\(pid ${worker}\\) was killed by SIGKILL after [^;]+; restarting in 1 s \\(failure 1 in a row, giving up at 8\\)`),
    );

    // The API does not need the worker to answer.
    expect((await api('GET', '/api/tasks', 'township')).status).toBe(200);

    await until('the stack restarts the worker', () => /\[bangfu\] worker restarted \(pid \d+\)/.test(output), 15_000);
    const restarted = pidLogged(/\[bangfu\] worker restarted \(pid (\d+)\)/);
    expect(restarted).not.toBe(worker);
    expect(isRunning(restarted)).toBe(true);
    seen.add(restarted);
    await until('the new worker polls', () => count('[worker] polling task queue') === 2, 180_000);

    const proposed = await api('POST', '/api/projects', 'village', { ...sampleProposal({ name: '重启后申报项目' }), requestId: `req-${crypto.randomUUID()}` });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body.stage).toBe('TOWNSHIP_REVIEW');
    const decided = await api('POST', `/api/tasks/${encodeURIComponent(proposed.body.taskId)}/decision`, 'township', {
      action: 'approve',
      comment: '同意',
      checks: PASSED_CHECKS,
      requestId: `req-${crypto.randomUUID()}`,
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await expect
      .poll(async () => (await api('GET', `/api/projects/${proposed.body.projectId}`, 'village')).body.stage, { timeout: 30_000 })
      .toBe('COUNTY_JOINT_REVIEW');
  }, 300_000);

  it('Ctrl-C right after the API server died by kill -9 stops every process and frees every port', async () => {
    const server = pidLogged(/\[bangfu\] API server started \(pid (\d+)\)/);
    process.kill(server, 'SIGKILL');
    await until('the stack logs the death', () => output.includes(`[bangfu] API server (pid ${server}) was killed by SIGKILL`), 15_000);
    // Before the restart (1 s later): the child that died has exitCode null and signalCode SIGKILL.
    const tree = processTree(npm.pid!);
    for (const pid of tree) seen.add(pid);
    const temporal = pidLogged(/\[bangfu\] Temporal dev server at \S+ \(pid (\d+)\)/);
    const worker = pidLogged(/\[bangfu\] worker restarted \(pid (\d+)\)/);
    expect(tree).toEqual(expect.arrayContaining([npm.pid, temporal, worker]));

    const sentAt = Date.now();
    process.kill(-npm.pid!, 'SIGINT');
    const busyPorts = async () => (await Promise.all(Object.values(ports).map(async (p) => ((await portIsFree(p)) ? [] : [p])))).flat();
    await until(
      'every process ends and every port is free',
      async () => tree.every((pid) => !isRunning(pid)) && (await busyPorts()).length === 0,
      STOP_BOUND_MS,
    ).catch(async (err) => {
      throw new Error(`${err.message}\nstill running: ${tree.filter(isRunning).join(', ')}; ports in use: ${(await busyPorts()).join(', ')}`);
    });
    console.log(`[dev-stack] Ctrl-C to every process gone and every port free: ${Date.now() - sentAt} ms; ${output.match(/\[bangfu\] stopped.*/)?.[0]}`);
    expect(output).toContain('[bangfu] stopped');
    expect(output).not.toContain('API server restarted');
    // npm itself, in the group, ends by the SIGINT (as in a terminal); the stack exits 0 after 'stopped'.
    await until('npm ends', () => npm.exitCode !== null || npm.signalCode !== null, 5_000);
  }, 120_000);
});
