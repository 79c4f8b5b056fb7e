import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalStateQuery } from '../../workflows/messages/approval-step';
import type { approvalStep } from '../../workflows/approval-step';
import type { TApprovalStepConfigInput } from '../../src/domain/approval';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { AGRI_SLOT, createProject, stepInput, TOWNSHIP_SLOT } from './approval-support';

const HOUR = 60 * 60 * 1000;
let s: TTimeSkippingStack;
let env: TTimeSkippingStack['env'];
let db: TTimeSkippingStack['db'];
let taskQueue: string;

// One time-skipping server for this file only: timers are the only thing tested here.
beforeAll(async () => {
  s = await startTimeSkippingStack('deadline');
  ({ env, db, taskQueue } = s);
});
afterAll(async () => {
  await s?.close();
});

/** A step on a fresh project (one township signer unless `config` says otherwise), once it has written `tasks` task rows. */
async function deadlineStep(config: Partial<TApprovalStepConfigInput>, tasks: number) {
  const projectId = await createProject(db.prisma, 'applicant');
  const workflowId = `deadline-${crypto.randomUUID()}`;
  const handle = await env.client.workflow.start<typeof approvalStep>('approvalStep', {
    workflowId,
    taskQueue,
    args: [stepInput(projectId, { stepId: 'review', mode: 'SEQUENTIAL', candidates: [TOWNSHIP_SLOT], applicantId: 'applicant', ...config })],
  });
  await expect.poll(() => db.prisma.task.count({ where: { workflowId } }), { timeout: 15_000 }).toBe(tasks);
  return { workflowId, handle };
}

describe('approval step deadlines (time-skipping server)', () => {
  it('reminds before the due date, then escalates to the same role one level up, both recorded', async () => {
    const { workflowId, handle } = await deadlineStep({ dueAfterMs: 72 * HOUR, remindBeforeMs: 24 * HOUR }, 1);
    const first = `${workflowId}:review#1`;
    const created = await db.prisma.task.findUniqueOrThrow({ where: { id: first } });
    expect(created.dueAt!.getTime() - created.createdAt.getTime()).toBeGreaterThan(71 * HOUR);

    await env.sleep(49 * HOUR);
    expect((await handle.query(approvalStateQuery)).value).toEqual({ pending: 'reminded' });
    await expect.poll(async () => (await db.prisma.task.findUniqueOrThrow({ where: { id: first } })).remindedAt, { timeout: 10_000 }).not.toBeNull();
    expect(await db.prisma.auditEvent.count({ where: { entityId: first, action: 'TASK_DEADLINE_REMINDER' } })).toBe(1);

    await env.sleep(24 * HOUR);
    expect((await handle.query(approvalStateQuery)).value).toEqual({ pending: 'escalated' });
    const second = `${workflowId}:review#2`;
    await expect.poll(() => db.prisma.task.count({ where: { id: second } }), { timeout: 10_000 }).toBe(1);
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: first } })).toMatchObject({ status: 'DONE', outcome: 'ESCALATED' });
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: second } })).toMatchObject({
      status: 'PENDING',
      candidateRole: 'TOWNSHIP_REVIEWER',
      candidateOrgUnitId: 'c-qingshan',
      candidateOrgPath: '/c-qingshan/',
    });
    expect(await db.prisma.auditEvent.count({ where: { entityId: first, action: 'TASK_DEADLINE_EXPIRED' } })).toBe(1);
    // Escalation restarts the clock for the new signer: no second escalation yet.
    expect((await handle.query(approvalStateQuery)).snapshotContext.history.map((h) => h.event.type)).toEqual(['DEADLINE_REMINDER', 'DEADLINE_EXPIRED']);
    await handle.terminate('test done');
  });

  it('a user slot has nowhere to escalate: the expiry is recorded once and the task stays', async () => {
    const { handle } = await deadlineStep(
      { mode: 'COUNTERSIGN', candidates: [{ kind: 'user', userId: 'u1' }, AGRI_SLOT], dueAfterMs: 10 * HOUR, remindBeforeMs: 0 },
      2,
    );
    await env.sleep(30 * HOUR);
    const state = await handle.query(approvalStateQuery);
    expect(state.snapshotContext.history.map((h) => h.event.type)).toEqual(['DEADLINE_EXPIRED']);
    // The county-level slot has no level above it either: both tasks stay with their signers.
    expect(state.snapshotContext.tasks.map((t) => t.outcome)).toEqual([null, null]);
    await handle.terminate('test done');
  });

  it('a configured escalation target takes the task once; its own expiry is recorded and the task stays', async () => {
    const target = { kind: 'user' as const, userId: 'county-duty-officer' };
    const { workflowId, handle } = await deadlineStep({ dueAfterMs: 10 * HOUR, remindBeforeMs: 0, escalationTarget: target }, 1);
    // Due at 10 h (escalated to the target, clock restarted), due again at 20 h and 30 h.
    await env.sleep(35 * HOUR);
    const state = await handle.query(approvalStateQuery);
    expect(state.snapshotContext.history.map((h) => [h.event.type, h.createdTaskKeys])).toEqual([
      ['DEADLINE_EXPIRED', ['review#2']],
      ['DEADLINE_EXPIRED', []],
    ]);
    expect(state.snapshotContext.tasks.map((t) => [t.taskKey, t.slot, t.outcome])).toEqual([
      ['review#1', TOWNSHIP_SLOT, 'ESCALATED'],
      ['review#2', target, null],
    ]);
    await expect.poll(() => db.prisma.task.count({ where: { workflowId } }), { timeout: 10_000 }).toBe(2);
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: `${workflowId}:review#2` } })).toMatchObject({
      status: 'PENDING',
      candidateUserId: target.userId,
    });
    await handle.terminate('test done');
  });
});
