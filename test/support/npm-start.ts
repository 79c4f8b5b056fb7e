/**
 * `npm start` as an operator runs it (npm, tsx, src/dev-stack.ts and everything it starts), on
 * free ports and a fresh data folder, demo projects off, in its own process group (so a SIGINT to
 * the group is what a terminal's Ctrl-C sends), with what the tests need to watch it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'vitest';
import { freePort } from '../../src/infra/processes';
import { PROJECT_ROOT } from '../../src/infra/temporal-dev-server';
import { PASSED_CHECKS, sampleProposal } from './proposal';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
export const isRunning = (pid: number) => {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
};

/** A process and all its descendants that run now, whatever process group they put themselves in. */
export function processTree(root: number): number[] {
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

export async function portIsFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export type TNpmPorts = Record<'PORT' | 'PGLITE_PORT' | 'TEMPORAL_DEV_PORT' | 'TEMPORAL_UI_PORT', number>;

export interface TNpmStack {
  npm: ChildProcess;
  ports: TNpmPorts;
  tokens: Record<string, string>;
  /** Every process of the stack seen so far, for the clean-up of a failed run. */
  seen: Set<number>;
  output(): string;
  /** How often a text has been printed so far. */
  count(text: string): number;
  /** The pid in the first match of a pattern's group 1 in the output. */
  pidLogged(pattern: RegExp): number;
  /** Waits for a condition on the stack, failing with the end of its output. */
  until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
  api(method: 'GET' | 'POST', route: string, who: string, body?: object): Promise<{ status: number; body: Record<string, string> }>;
  /** Kills whatever is left of the stack and removes its data folder. */
  cleanup(): void;
}

/** Starts `npm start` with `env` added, and waits until it runs and `workers` workers poll. */
export async function startNpmStack(env: Record<string, string> = {}, workers = 1): Promise<TNpmStack> {
  const ports: TNpmPorts = { PORT: await freePort(), PGLITE_PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort() };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-dev-stack-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    DEMO_PROJECTS: 'false',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'PUBLICITY_DAYS', 'DEMO_SEED', 'HOST', 'WORKERS', 'SERVERS']) delete childEnv[key];
  Object.assign(childEnv, env);
  const npm = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  npm.stdout!.on('data', collect);
  npm.stderr!.on('data', collect);
  const seen = new Set<number>();
  const tokens: Record<string, string> = {};
  const count = (text: string) => output.split(text).length - 1;
  const until = async (what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms. Stack output (end):\n${output.slice(-4_000)}`);
      await sleep(100);
    }
  };
  const stack: TNpmStack = {
    npm,
    ports,
    tokens,
    seen,
    output: () => output,
    count,
    pidLogged: (pattern) => Number(output.match(pattern)?.[1]),
    until,
    api: async (method, route, who, body) => {
      const res = await fetch(`http://127.0.0.1:${ports.PORT}${route}`, {
        method,
        headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    },
    cleanup: () => {
      // A failed run leaves nothing behind: every process ever seen in the stack's tree is killed.
      for (const pid of [...seen, ...(npm.pid ? processTree(npm.pid) : [])]) {
        if (isRunning(pid)) process.kill(pid, 'SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await until('the stack starts', () => output.includes('Bangfu is running') || npm.exitCode !== null, 240_000);
  expect(output).toContain('Bangfu is running');
  for (const [, username, token] of output.matchAll(/^ +(\w+) +[A-Z_]+ +Bearer (\S+)$/gm)) tokens[username] = token;
  await until(`${workers} worker(s) poll`, () => count('[worker] polling task queue') === workers, 120_000);
  for (const pid of processTree(npm.pid!)) seen.add(pid);
  return stack;
}

/** The village proposes a project on the running stack and the township approves it; it reaches the county joint review. */
export async function proposeAndApprove(n: TNpmStack, name: string): Promise<void> {
  const proposed = await n.api('POST', '/api/projects', 'village', { ...sampleProposal({ name }), requestId: `req-${crypto.randomUUID()}` });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  expect(proposed.body.stage).toBe('TOWNSHIP_REVIEW');
  const decided = await n.api('POST', `/api/tasks/${encodeURIComponent(proposed.body.taskId!)}/decision`, 'township', {
    action: 'approve',
    comment: '同意',
    checks: PASSED_CHECKS,
    requestId: `req-${crypto.randomUUID()}`,
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  await expect
    .poll(async () => (await n.api('GET', `/api/projects/${proposed.body.projectId}`, 'village')).body.stage, { timeout: 30_000 })
    .toBe('COUNTY_JOINT_REVIEW');
}
