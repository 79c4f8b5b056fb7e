/**
 * The database unreachable for 30 s while an approval's activity runs. The app and the worker
 * reach PostgreSQL through a TCP proxy (test/faults/support/tcp-proxy.ts); the proxy cuts the
 * database off at the moment the step's activity sends its Decision INSERT (its transaction is
 * open: the Task upsert and the audit event already sent), and refuses every connection for 30 s.
 * Meanwhile the workflow must wait (activity retries with backoff, no failure), the API must
 * answer 503 DATABASE_UNAVAILABLE and /api/health 503 with database false; afterwards the
 * approval completes and the record is exactly that of a project that saw no outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createPrisma } from '../../src/db/prisma';
import { DEMO_PASSWORD, newRequestId, startTestStack, type TTestStack } from '../support/stack';
import { activityAttempts, agreement, call, decisionUrl, propose, recordOf, rowsOfRequest, sleep } from './support/faults';
import { startTcpProxy, type TTcpProxy } from './support/tcp-proxy';
import { PASSED_CHECKS } from '../support/proposal';

const OUTAGE_MS = 30_000;

let s: TTestStack;
let proxy: TTcpProxy;

beforeAll(async () => {
  const target = new URL(inject('databaseUrl'));
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  s = await startTestStack({ connect: (db) => createPrisma({ url: proxy.via(db.url), schema: db.schema, poolSize: 4 }) });
});
afterAll(async () => {
  proxy?.restore();
  await s?.close();
  await proxy?.close();
});

describe('database unreachable for 30 s during an activity', () => {
  it('the workflow waits it out, the API answers 503 meanwhile, and nothing is lost or doubled', async () => {
    // The same path without a fault, for comparison.
    const control = await propose(s, '对照项目');
    const controlAnswer = await call(s, 'township', 'POST', decisionUrl(control.taskId), {
      action: 'approve',
      comment: '同意',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    expect(controlAnswer.statusCode, controlAnswer.body).toBe(200);
    await agreement(s, s.prisma, control.projectId, 'COUNTY_JOINT_REVIEW');

    const project = await propose(s, '断库项目');
    const requestId = newRequestId();
    const inserting = proxy.trap({ when: /INSERT INTO "[^"]+"\."Decision"/, hold: 'request' });
    const approval = call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId });
    await inserting;
    proxy.cut();
    const cutAt = Date.now();
    const taskWorkflowId = (await s.prisma.task.findUniqueOrThrow({ where: { id: project.taskId } })).workflowId;

    // During the outage: the API, the health check and the workflows, about once a second.
    const answers: Array<{ route: string; status: number; code?: string; retryAfter?: unknown }> = [];
    const health: Array<{ status: number; body: unknown }> = [];
    let statuses = new Set<string>();
    while (Date.now() - cutAt < OUTAGE_MS) {
      for (const [route, res] of [
        ['GET /api/projects/:id', await call(s, 'township', 'GET', `/api/projects/${project.projectId}`)],
        ['GET /api/tasks', await call(s, 'township', 'GET', '/api/tasks')],
        [
          'POST decision (client retry)',
          await call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId }),
        ],
        ['POST /api/auth/login', await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'township', password: DEMO_PASSWORD } })],
      ] as const) {
        answers.push({ route, status: res.statusCode, code: res.json().error?.code, retryAfter: res.headers['retry-after'] });
      }
      const h = await s.app.inject({ method: 'GET', url: '/api/health' });
      health.push({ status: h.statusCode, body: h.json() });
      const step = await s.client.workflow.getHandle(taskWorkflowId).describe();
      const lifecycle = await s.client.workflow.getHandle(project.workflowId).describe();
      statuses = new Set([...statuses, step.status.name, lifecycle.status.name]);
      await sleep(1_000);
    }
    proxy.restore();
    const restoredAt = Date.now();

    const answered = await approval;
    const recoveredMs = Date.now() - restoredAt;
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ requestId, stageBefore: 'TOWNSHIP_REVIEW', stageAfter: 'TOWNSHIP_PUBLICITY' });

    // Meanwhile: every API answer a typed 503, health said the database was down, nothing failed.
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.status !== 503 || a.code !== 'DATABASE_UNAVAILABLE' || a.retryAfter !== '5')).toEqual([]);
    expect(health.every((h) => h.status === 503)).toBe(true);
    expect(health[0]!.body).toEqual({ ok: false, checks: { database: false, temporal: true } });
    expect([...statuses]).toEqual(['RUNNING']);
    // The activity retried with backoff (0.5 s doubling, at most 30 s): several attempts, not hundreds.
    // The approval's record is one regular activity in the project's workflow, which hosts the step
    // (workflows/step-host.ts): its started event carries the attempt that succeeded.
    const maxAttempt = Math.max(...(await activityAttempts(s, taskWorkflowId, 'recordStepChange')));
    expect(maxAttempt).toBeGreaterThanOrEqual(4);
    expect(maxAttempt).toBeLessThanOrEqual(10);

    // Afterwards: the project moves on, once, exactly as the one that saw no outage.
    await agreement(s, s.prisma, project.projectId, 'COUNTY_JOINT_REVIEW');
    expect(await rowsOfRequest(s.prisma, requestId)).toEqual({ decisions: 1, auditEvents: 1 });
    expect(await recordOf(s.prisma, project.projectId)).toEqual(await recordOf(s.prisma, control.projectId));
    expect((await s.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);

    console.log(
      `[faults] database outage: cut ${OUTAGE_MS / 1000} s at the Decision INSERT; ${answers.length} API answers meanwhile, all 503 DATABASE_UNAVAILABLE; ` +
        `${health.length} health checks 503; recordStepChange succeeded at attempt ${maxAttempt}; ` +
        `connections reset while cut ${proxy.stats.resetWhileCut}, destroyed by the cut ${proxy.stats.destroyedByCut}; approval answered ${recoveredMs} ms after the database came back`,
    );
  });
});
