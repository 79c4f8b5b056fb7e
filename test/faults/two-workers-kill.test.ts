/**
 * Two workers on one task queue, as a deployment with WORKERS=2 runs them, and kill -9 of one in
 * the middle of a burst of approvals: every decision completes on the other worker, nothing is
 * lost or doubled. Each request leaves exactly one Decision and one audit event, each caller gets
 * its answer, each step's history accepted exactly that request's Update (by the Decision's actor,
 * on its task), the workflow and the database agree on every project, each project's record equals
 * that of a project that saw no fault, and the histories show the surviving worker finishing the
 * work the killed one had started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';
import { acceptedUpdates } from '../support/decision-race';
import { agreement, call, decisionUrl, propose, recordOf, rowsOfRequest } from './support/faults';
import { startWorkerProcess, type TWorkerProcess } from './support/worker-process';

const BURST = 12;

let s: TTestStack;
let workers: TWorkerProcess[] = [];

beforeAll(async () => {
  s = await startTestStack({ worker: false, database: { public: true } });
  const env = { TEMPORAL_ADDRESS: s.config.temporal.address!, TEMPORAL_TASK_QUEUE: s.taskQueue, DATABASE_URL: s.database.url };
  workers = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
});
afterAll(async () => {
  for (const w of workers) await w.kill9();
  await s?.close();
});

const approve = (taskId: string, requestId: string) =>
  call(s, 'township', 'POST', decisionUrl(taskId), { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId });

/** The identities (`pid@host`, the SDK's default) of the workers that completed a workflow's tasks. */
async function completedBy(workflowId: string): Promise<Set<string>> {
  const { events } = await s.client.workflow.getHandle(workflowId).fetchHistory();
  return new Set((events ?? []).map((e) => e.workflowTaskCompletedEventAttributes?.identity ?? '').filter(Boolean));
}

describe('two workers, one killed mid-burst', () => {
  it(`${BURST} concurrent approvals: all complete on the surviving worker, exactly once each`, { timeout: 300_000 }, async () => {
    const control = await propose(s, '对照项目');
    expect((await approve(control.taskId, newRequestId())).statusCode).toBe(200);
    await agreement(s, s.prisma, control.projectId, 'COUNTY_JOINT_REVIEW');

    const projects: Array<Awaited<ReturnType<typeof propose>> & { requestId: string }> = [];
    for (let i = 0; i < BURST; i++) projects.push({ ...(await propose(s, `双工作进程项目 ${i + 1}`)), requestId: newRequestId() });
    const [killed, survivor] = workers as [TWorkerProcess, TWorkerProcess];
    const killedIdentity = `${killed.child.pid}@`;
    const survivorIdentity = `${survivor.child.pid}@`;

    const answers = Promise.all(projects.map((p) => approve(p.taskId, p.requestId)));
    // Mid-burst: some decisions recorded, the rest in flight on both workers.
    await expect
      .poll(() => s.prisma.decision.count({ where: { requestId: { in: projects.map((p) => p.requestId) } } }), { timeout: 60_000, interval: 20 })
      .toBeGreaterThan(0);
    await killed.kill9();
    const killedAt = Date.now();
    const recordedAtKill = await s.prisma.decision.count({ where: { requestId: { in: projects.map((p) => p.requestId) } } });

    const results = await answers;
    const recoveredMs = Date.now() - killedAt;
    expect(
      results.map((r) => r.statusCode),
      results.map((r) => r.body).join('\n'),
    ).toEqual(projects.map(() => 200));
    for (const [i, p] of projects.entries()) {
      const answer = results[i]!.json() as { taskId: string };
      expect(answer.taskId).toBe(p.taskId);
      await agreement(s, s.prisma, p.projectId, 'COUNTY_JOINT_REVIEW', 60_000);
      expect(await rowsOfRequest(s.prisma, p.requestId)).toEqual({ decisions: 1, auditEvents: 1 });
      // The records = the step's history: one accepted approval Update, this request, completed,
      // by the person and on the task the Decision row names.
      const step = await s.prisma.task.findUniqueOrThrow({ where: { id: p.taskId } });
      const accepted = await acceptedUpdates(s, step.workflowId);
      expect(accepted.map((a) => [a.requestId, a.succeeded])).toEqual([[p.requestId, true]]);
      const decision = await s.prisma.decision.findFirstOrThrow({ where: { requestId: p.requestId } });
      expect(accepted[0]).toMatchObject({ userId: decision.actorId, taskId: decision.taskId });
      expect(await recordOf(s.prisma, p.projectId)).toEqual(await recordOf(s.prisma, control.projectId));
    }
    // A retry of any request after the fault is answered from its record, the same answer.
    const retry = await approve(projects[0]!.taskId, projects[0]!.requestId);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual({ ...results[0]!.json(), replayed: true });

    // The killed worker had taken part, and the survivor went on with workflows it had run.
    const identities = await Promise.all(projects.map((p) => completedBy(p.workflowId)));
    const touchedByKilled = identities.filter((ids) => [...ids].some((id) => id.startsWith(killedIdentity)));
    expect(touchedByKilled.length, 'the killed worker had taken some of the projects').toBeGreaterThan(0);
    const takenOver = touchedByKilled.filter((ids) => [...ids].some((id) => id.startsWith(survivorIdentity)));
    expect(takenOver.length, 'the survivor went on with workflows the killed worker had run').toBeGreaterThan(0);
    console.log(
      `[faults] two workers, one kill -9 mid-burst of ${BURST}: ${recordedAtKill} decisions recorded at the kill, all ${BURST} answered ${recoveredMs} ms after it; ${touchedByKilled.length} projects had workflow tasks on the killed worker, ${takenOver.length} of them went on on the survivor`,
    );
  });
});
