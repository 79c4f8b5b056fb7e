/**
 * Observability through the real system: one township approval over HTTP, then the API's
 * /metrics counts it (decision by action and outcome, the route's latency histogram by pattern),
 * the worker's Prometheus endpoint counts the audit row its activity wrote (and, for a funded
 * project, a paid payment and its amount), and the worker's log lines (the workflow's `log` and
 * the SDK's activity lines) are JSON naming the workflow, run and project. The worker's runtime is
 * installed as src/worker.ts installs it, its pino logger writing into memory instead of stdout.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { freePort } from '../../src/infra/processes';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';
import { apiAs } from '../support/api-as';
import { httpProject } from '../support/http-project';

let s: TTestStack;
const { call, decide } = apiAs(() => s);
const lines: string[] = [];
let workerMetricsAddress: string;
let projectId: string;
let taskId: string;

const DECISION_ROUTE = '/api/tasks/:taskId/decision';

/** The value of one series in a Prometheus text exposition (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const apiMetrics = async () => {
  const res = await s.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
};

const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  workerMetricsAddress = `127.0.0.1:${await freePort()}`;
  s = await startTestStack({ observed: { logger: createLogger({ level: 'debug', destination }), metricsAddress: workerMetricsAddress } });
  const started = await call('POST', '/api/projects', 'village', { ...sampleProposal(), requestId: newRequestId() });
  expect(started.statusCode, started.body).toBe(201);
  ({ projectId, taskId } = started.json() as { projectId: string; taskId: string });
});

afterAll(async () => {
  await s?.close();
});

describe('observability', () => {
  it('GET /metrics counts one township approval by action and outcome, and times its route by pattern', async () => {
    const before = await apiMetrics();
    expect(sample(before, 'bangfu_decisions_total', { action: 'approve', outcome: 'applied' }) ?? 0).toBe(0);
    const approved = await decide('township', taskId, { action: 'approve', checks: PASSED_CHECKS });
    expect(approved.statusCode, approved.body).toBe(200);

    const after = await apiMetrics();
    expect(sample(after, 'bangfu_decisions_total', { action: 'approve', outcome: 'applied' })).toBe(1);
    expect(sample(after, 'bangfu_http_request_duration_seconds_count', { route: DECISION_ROUTE, method: 'POST', status: '200' })).toBe(1);
    // The pattern, never the URL with the task id in it.
    expect(after).not.toContain(encodeURIComponent(taskId));

    // The same task again, now done: a refusal, counted as one.
    const again = await decide('township', taskId, { action: 'approve', checks: PASSED_CHECKS });
    expect(again.statusCode).toBeGreaterThanOrEqual(400);
    const refused = await apiMetrics();
    expect(sample(refused, 'bangfu_decisions_total', { action: 'approve', outcome: 'refused' })).toBe(1);
    expect(sample(refused, 'bangfu_decisions_total', { action: 'approve', outcome: 'applied' })).toBe(1);
  });

  it("the worker's Prometheus endpoint counts the approval's audit row and serves the SDK's worker metrics", async () => {
    let text = '';
    await expect
      .poll(
        async () => {
          text = await (await fetch(`http://${workerMetricsAddress}/metrics`)).text();
          return sample(text, 'bangfu_audit_events', { action: 'TASK_APPROVE', activityType: 'recordStepChange', taskQueue: s.taskQueue });
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(text).toMatch(/^temporal_\w+/m);
  });

  it("the worker's Prometheus endpoint counts a paid payment once, with its amount in fen", async () => {
    const project = httpProject(s);
    await project.paidStartPayment(await project.fundedProject());
    const workerSample = async (name: string) =>
      sample(await (await fetch(`http://${workerMetricsAddress}/metrics`)).text(), name, { activityType: 'payPayment', taskQueue: s.taskQueue });
    await expect.poll(() => workerSample('bangfu_payments_paid'), { timeout: 15_000 }).toBe(1);
    expect(await workerSample('bangfu_payments_paid_fen')).toBe(16_000_000);
    // Every activity's audit rows are counted, not only the approval steps': the payment's own row.
    const paidRows = await s.prisma.auditEvent.count({ where: { action: 'PAYMENT_PAID' } });
    expect(paidRows).toBe(1);
    const metrics = await (await fetch(`http://${workerMetricsAddress}/metrics`)).text();
    expect(sample(metrics, 'bangfu_audit_events', { action: 'PAYMENT_PAID', activityType: 'payPayment', taskQueue: s.taskQueue })).toBe(paidRows);
  });

  it('GET /metrics reports the audit chain length: every audit row of the API and the worker, once', async () => {
    const chained = () => s.prisma.auditEvent.count({ where: { seq: { not: null } } });
    // The approvals and the payment above wrote rows in both processes; wait for the cascade to settle.
    await expect
      .poll(
        async () => {
          const reported = sample(await apiMetrics(), 'bangfu_audit_chain_length', {});
          return reported !== undefined && reported === (await chained());
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(await chained()).toBeGreaterThan(5);
  });

  it("the worker's log lines are JSON naming the workflow, the run and the project", async () => {
    await expect.poll(() => logged().some((l) => l.msg === 'decision applied'), { timeout: 15_000 }).toBe(true);
    const decision = logged().find((l) => l.msg === 'decision applied')!;
    // The step is hosted in the project's workflow (ADR 0010): the line names that workflow and the step.
    expect(decision).toMatchObject({ level: 30, action: 'approve', projectId, workflowType: 'projectLifecycle', stepId: 'township-review' });
    expect(decision.workflowId).toBe(`project-${projectId}`);
    expect(decision.runId).toEqual(expect.any(String));

    const stage = logged().find((l) => l.msg === 'stage changed' && l.workflowId === `project-${projectId}`);
    expect(stage).toMatchObject({ projectId, workflowType: 'projectLifecycle', runId: expect.any(String) });

    // The SDK's own activity lines, through the same logger, carry the same keys.
    const activity = logged().find((l) => typeof l.activityType === 'string' && l.projectId === projectId);
    expect(activity).toMatchObject({ workflowId: expect.stringMatching(/^project-/), runId: expect.any(String) });
    expect(activity).not.toHaveProperty('taskToken');
  });
});
