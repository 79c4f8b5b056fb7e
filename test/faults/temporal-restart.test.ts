/**
 * A restart of the Temporal server under a waiting project. A Temporal dev server of this file's
 * own persists to a SQLite file (`--db-filename`, as `npm start` runs it); a project waits in the
 * township review; the server is stopped (SIGTERM) and started again on the same file and ports.
 * The worker (src/worker.ts in its own process, as deployed) and the API (in-process) keep running
 * across the restart. The open workflow must resume: its task is acted on, the project moves on,
 * once, exactly as a project that saw no restart.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type TDevServer } from '../../src/infra/temporal-dev-server';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';
import { agreement, call, decisionUrl, propose, recordOf, rowsOfRequest, sleep } from './support/faults';
import { startWorkerProcess, type TWorkerProcess } from './support/worker-process';
import { PASSED_CHECKS } from '../support/proposal';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const DOWN_MS = 60_000;

let dir: string;
let server: TDevServer;
let serverOptions: Parameters<typeof startTemporalDevServer>[0];
let s: TTestStack;
let worker: TWorkerProcess | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-temporal-restart-'));
  serverOptions = {
    cliPath: process.env.TEMPORAL_CLI_PATH,
    port: await freePort(),
    uiPort: await freePort(),
    dbFile: path.join(dir, 'temporal.db'),
    headless: true,
  };
  server = await startTemporalDevServer(serverOptions);
  s = await startTestStack({ worker: false, temporalAddress: server.address, database: { public: true } });
  worker = await startWorkerProcess({ TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: s.taskQueue, DATABASE_URL: s.database.url });
});
afterAll(async () => {
  await worker?.stop();
  await s?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const approve = (taskId: string, requestId: string) =>
  call(s, 'township', 'POST', decisionUrl(taskId), { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId });

describe('restart of the Temporal server (file-backed)', () => {
  it('a workflow waiting on a task resumes after the restart: its task is acted on and it proceeds, once', async () => {
    const control = await propose(s, '对照项目');
    expect((await approve(control.taskId, newRequestId())).statusCode).toBe(200);
    await agreement(s, s.prisma, control.projectId, 'COUNTY_JOINT_REVIEW');
    const project = await propose(s, '重启前项目');
    await agreement(s, s.prisma, project.projectId, 'TOWNSHIP_REVIEW');

    const stopping = Date.now();
    await server.stop();
    const stoppedMs = Date.now() - stopping;
    // While it is down (all at once): health says so within its 3 s; the project page answers from
    // the database without the live state; an approval is refused with a typed 503 and changes nothing.
    const timed = async <T>(p: Promise<T>) => {
      const t = Date.now();
      const value = await p;
      return { value, ms: Date.now() - t };
    };
    const downRequestId = newRequestId();
    const [health, page, refused] = await Promise.all([
      timed(s.app.inject({ method: 'GET', url: '/api/health' })),
      timed(call(s, 'township', 'GET', `/api/projects/${project.projectId}`)),
      timed(approve(project.taskId, downRequestId)),
    ]);
    expect([health.value.statusCode, health.value.json().checks]).toEqual([503, { database: true, temporal: false }]);
    expect(health.ms, 'health answered within').toBeLessThan(5_000);
    expect(page.ms, 'the project page answered within (live state waited 3 s, was ~20 s)').toBeLessThan(10_000);
    expect([page.value.statusCode, page.value.json().stage, page.value.json().live]).toEqual([200, 'TOWNSHIP_REVIEW', null]);
    expect([refused.value.statusCode, refused.value.json().error.code, refused.value.headers['retry-after']]).toEqual([503, 'TEMPORAL_UNAVAILABLE', '5']);

    // Down for a minute in all, health probed every 2 s as a load balancer would: long enough for
    // gRPC's default reconnect backoff to grow past 25 s, which the API's client caps at 2 s.
    const probes: number[] = [];
    while (Date.now() - stopping < DOWN_MS) {
      probes.push((await s.app.inject({ method: 'GET', url: '/api/health' })).statusCode);
      await sleep(2_000);
    }
    expect(new Set(probes)).toEqual(new Set([503]));
    const starting = Date.now();
    server = await startTemporalDevServer(serverOptions);
    const startedMs = Date.now() - starting;
    expect(worker!.child.exitCode, worker!.output()).toBeNull();
    const reconnected = await timed(s.client.workflowService.getSystemInfo({}));
    expect(reconnected.ms, 'the API client reconnected within').toBeLessThan(5_000);

    const requestId = newRequestId();
    const answered = Date.now();
    const res = await approve(project.taskId, requestId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ requestId, stageBefore: 'TOWNSHIP_REVIEW', stageAfter: 'TOWNSHIP_PUBLICITY' });
    const answeredMs = Date.now() - answered;
    expect(answeredMs, 'the approval answered within').toBeLessThan(15_000);
    await agreement(s, s.prisma, project.projectId, 'COUNTY_JOINT_REVIEW');
    expect(await rowsOfRequest(s.prisma, requestId)).toEqual({ decisions: 1, auditEvents: 1 });
    expect(await rowsOfRequest(s.prisma, downRequestId)).toEqual({ decisions: 0, auditEvents: 0 });
    expect(await recordOf(s.prisma, project.projectId)).toEqual(await recordOf(s.prisma, control.projectId));
    console.log(
      `[faults] temporal restart: stopped in ${stoppedMs} ms; while down: health 503 in ${health.ms} ms (${probes.length} more probes, all 503), project page 200 without live state in ${page.ms} ms, ` +
        `approval 503 TEMPORAL_UNAVAILABLE in ${refused.ms} ms; down ${DOWN_MS / 1000} s; started again on the same file in ${startedMs} ms; the API's client reconnected in ${reconnected.ms} ms, the waiting project's approval then answered in ${answeredMs} ms`,
    );
  });
});
