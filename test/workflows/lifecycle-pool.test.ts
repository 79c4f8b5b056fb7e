import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TActor } from '../../src/domain/actor';
import { allocateFundsUpdate, lodgeObjectionUpdate, projectStateQuery, type TProjectLifecycleInput } from '../../workflows/messages/project';
import { approvalActUpdate } from '../../workflows/messages/approval-step';
import type { projectLifecycle } from '../../workflows/project-lifecycle';
import { sampleProposal } from '../support/stack';
import { proposer, township, agri, finance, leader, villager, TAOYUAN } from '../support/county-actors';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { PASSED_CHECKS } from '../support/proposal';
import { STATE_COUNCIL_CALENDAR, workingDaysClosesAt } from '../../src/domain/policies/working-days';

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60_000;
let s: TTimeSkippingStack;
let env: TTimeSkippingStack['env'];
let db: TTimeSkippingStack['db'];
let taskQueue: string;

// One time-skipping server for this file: the publicity periods are real 10-day timers.
beforeAll(async () => {
  s = await startTimeSkippingStack('pool');
  ({ env, db, taskQueue } = s);
});
afterAll(async () => {
  await s?.close();
});

async function startProject() {
  const projectId = `pool-${crypto.randomBytes(5).toString('hex')}`;
  const input: TProjectLifecycleInput = {
    projectId,
    requestId: `req-${projectId}`,
    proposal: sampleProposal({ fiscalYear: 2027 }) as TProjectLifecycleInput['proposal'],
    proposer,
    ...TAOYUAN,
    // No override: the county defaults, 10 working days each on the State Council's calendar.
  };
  const handle = await env.client.workflow.start<typeof projectLifecycle>('projectLifecycle', { workflowId: `project-${projectId}`, taskQueue, args: [input] });
  return { projectId, handle };
}

const stageOf = async (projectId: string) => (await db.prisma.project.findUnique({ where: { id: projectId } }))?.stage;
const pendingTasks = (projectId: string) => db.prisma.task.findMany({ where: { projectId, status: 'PENDING' }, orderBy: { id: 'asc' } });

/** Acts on a pending task the way POST /api/tasks/:id/decision does. */
async function act(taskId: string, who: TActor, action: { type: 'APPROVE'; checks?: typeof PASSED_CHECKS } | { type: 'RESUBMIT' }) {
  const task = await db.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
  return env.client.workflow.getHandle(task.workflowId).executeUpdate(approvalActUpdate, {
    args: [{ requestId: `req-${crypto.randomUUID()}`, taskId, actor: who, action }],
  });
}

describe('project lifecycle to the pool (time-skipping server)', () => {
  it('proposal → village publicity → township review → township publicity → county countersign → leading group → pool → rollover → funded', async () => {
    const { projectId, handle } = await startProject();
    await expect.poll(() => db.prisma.publicity.count({ where: { projectId } }), { timeout: 15_000 }).toBe(1);
    expect(await stageOf(projectId)).toBe('VILLAGE_PUBLICITY');
    const villagePub = await db.prisma.publicity.findFirstOrThrow({ where: { projectId, kind: 'VILLAGE' } });
    // Ten working days: the row's end is the timer's, midnight in Shanghai after the tenth working day.
    const villageEnd = workingDaysClosesAt({ openedAt: villagePub.startsAt.getTime(), workingDays: 10, calendar: STATE_COUNCIL_CALENDAR });
    expect(villagePub.endsAt.getTime()).toBe(villageEnd);
    expect(villageEnd - villagePub.startsAt.getTime()).toBeGreaterThanOrEqual(12 * DAY);
    expect(await pendingTasks(projectId)).toHaveLength(0);

    // A minute before that end, still in publicity; the end itself closes it.
    await env.sleep(villageEnd - (await env.currentTimeMs()) - MINUTE);
    expect((await handle.query(projectStateQuery)).stage).toBe('VILLAGE_PUBLICITY');
    await env.sleep(2 * MINUTE);
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('TOWNSHIP_REVIEW');
    expect((await db.prisma.publicity.findUniqueOrThrow({ where: { id: villagePub.id } })).outcome).toBe('PASSED');

    const [review] = await pendingTasks(projectId);
    expect(review).toMatchObject({ kind: 'TOWNSHIP_REVIEW', candidateRole: 'TOWNSHIP_REVIEWER', candidateOrgUnitId: 't-hexi' });
    const approved = await act(review!.id, township, { type: 'APPROVE', checks: PASSED_CHECKS });
    expect(approved).toMatchObject({ stageBefore: 'TOWNSHIP_REVIEW', stageAfter: 'TOWNSHIP_PUBLICITY' });
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('TOWNSHIP_PUBLICITY');
    await expect.poll(() => db.prisma.publicity.count({ where: { projectId, kind: 'TOWNSHIP' } }), { timeout: 10_000 }).toBe(1);

    const townshipPub = await db.prisma.publicity.findFirstOrThrow({ where: { projectId, kind: 'TOWNSHIP' } });
    await env.sleep(townshipPub.endsAt.getTime() - (await env.currentTimeMs()) + MINUTE);
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('COUNTY_JOINT_REVIEW');
    // 会签: agriculture and finance both hold a task at the county.
    await expect.poll(async () => (await pendingTasks(projectId)).length, { timeout: 10_000 }).toBe(2);
    const countersign = await pendingTasks(projectId);
    expect(countersign.map((t) => t.candidateRole).sort()).toEqual(['COUNTY_AGRICULTURE', 'COUNTY_FINANCE']);
    expect(countersign.every((t) => t.mode === 'COUNTERSIGN' && t.candidateOrgUnitId === 'c-qingshan')).toBe(true);
    const agriTask = countersign.find((t) => t.candidateRole === 'COUNTY_AGRICULTURE')!;
    const finTask = countersign.find((t) => t.candidateRole === 'COUNTY_FINANCE')!;
    expect(await act(agriTask.id, agri, { type: 'APPROVE' })).toMatchObject({ stageAfter: 'COUNTY_JOINT_REVIEW' });
    expect(await stageOf(projectId)).toBe('COUNTY_JOINT_REVIEW');
    expect(await act(finTask.id, finance, { type: 'APPROVE' })).toMatchObject({ stageAfter: 'COUNTY_APPROVAL' });
    expect(await stageOf(projectId)).toBe('COUNTY_APPROVAL');

    await expect.poll(async () => (await pendingTasks(projectId)).map((t) => t.candidateRole), { timeout: 10_000 }).toEqual(['COUNTY_LEADING_GROUP']);
    const [leaderTask] = await pendingTasks(projectId);
    expect(await act(leaderTask!.id, leader, { type: 'APPROVE' })).toMatchObject({ stageAfter: 'IN_POOL' });
    expect(await stageOf(projectId)).toBe('IN_POOL');
    const inPool = await handle.describe();
    expect(inPool.searchAttributes.FiscalYear).toEqual([2027]);
    expect(inPool.searchAttributes.ApprovedFen).toEqual([50_000_000]);
    expect(inPool.searchAttributes.PendingRoles).toEqual(['COUNTY_FINANCE']);

    // Refusals change nothing: the wrong role, more than the budget.
    await expect(
      handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: 'alloc-bad-role', actor: agri, fiscalYear: 2027, amountFen: 1 }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(
      handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: 'alloc-too-much', actor: finance, fiscalYear: 2027, amountFen: 50_000_001 }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    expect(await db.prisma.fundAllocation.count({ where: { projectId } })).toBe(0);

    // Not funded by the end of 2027: the project rolls over into the 2028 pool (项目库 rollover).
    const untilYearEnd = Date.parse('2028-01-01T00:00:00+08:00') - (await env.currentTimeMs());
    await env.sleep(untilYearEnd + DAY);
    await expect.poll(async () => (await handle.describe()).searchAttributes.FiscalYear, { timeout: 15_000 }).toEqual([2028]);
    expect(await stageOf(projectId)).toBe('IN_POOL');

    const funded = await handle.executeUpdate(allocateFundsUpdate, {
      args: [{ requestId: `alloc-${projectId}`, actor: finance, fiscalYear: 2028, amountFen: 40_000_000 }],
    });
    expect(funded).toMatchObject({ stageBefore: 'IN_POOL', stageAfter: 'IMPLEMENTATION', fiscalYear: 2028, amountFen: 40_000_000 });
    expect(await stageOf(projectId)).toBe('IMPLEMENTATION');
    const allocation = await db.prisma.fundAllocation.findFirstOrThrow({ where: { projectId } });
    expect(allocation).toMatchObject({ fiscalYear: 2028, amountFen: 40_000_000n, actorId: 'u-finance' });
    expect((await handle.query(projectStateQuery)).financial).toMatchObject({ approvedFen: 40_000_000, disbursedFen: 0 });
    await handle.terminate('test done');

    const audit = await db.prisma.auditEvent.findMany({ where: { entityType: 'Project', entityId: projectId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([
      'PROJECT_PROPOSED',
      'PUBLICITY_STARTED',
      'PUBLICITY_PASSED',
      'PUBLICITY_STARTED',
      'PUBLICITY_PASSED',
      'PROJECT_IN_POOL',
      'POOL_ROLLED_OVER',
      'FUNDS_ALLOCATED',
    ]);
    expect(await db.prisma.decision.count({ where: { projectId } })).toBe(4);
  });

  it('an objection during the village publicity returns the project to the village; the resubmission posts it again', async () => {
    const { projectId, handle } = await startProject();
    await expect.poll(() => db.prisma.publicity.count({ where: { projectId } }), { timeout: 15_000 }).toBe(1);
    await env.sleep(3 * DAY);
    const objected = await handle.executeUpdate(lodgeObjectionUpdate, {
      args: [{ requestId: `obj-${projectId}`, actor: villager, text: '占用了集体林地，未经村民同意' }],
    });
    expect(objected).toMatchObject({ stageBefore: 'VILLAGE_PUBLICITY', stageAfter: 'RETURNED' });
    expect(await stageOf(projectId)).toBe('RETURNED');
    const objection = await db.prisma.objection.findUniqueOrThrow({ where: { requestId: `obj-${projectId}` } });
    expect(objection).toMatchObject({ projectId, actorId: 'u-villager', text: '占用了集体林地，未经村民同意' });
    expect((await db.prisma.publicity.findUniqueOrThrow({ where: { id: objection.publicityId } })).outcome).toBe('OBJECTED');
    const [revise] = await pendingTasks(projectId);
    expect(revise).toMatchObject({ id: objected.resubmitTaskId, kind: 'REVISE_AND_RESUBMIT', candidateOrgUnitId: 'v-taoyuan', candidateUserId: 'u-village' });

    // A second objection outside any period is refused; the timer of the closed period does not fire.
    await expect(handle.executeUpdate(lodgeObjectionUpdate, { args: [{ requestId: `obj2-${projectId}`, actor: villager, text: '再次异议' }] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    const firstPeriod = await db.prisma.publicity.findUniqueOrThrow({ where: { id: objection.publicityId } });
    await env.sleep(firstPeriod.endsAt.getTime() - (await env.currentTimeMs()) + MINUTE);
    expect(await stageOf(projectId)).toBe('RETURNED');

    // Only the proposer resubmits; the revised proposal is posted for a new period.
    await expect(act(revise!.id, villager, { type: 'RESUBMIT' })).rejects.toThrow(WorkflowUpdateFailedError);
    expect(await act(revise!.id, proposer, { type: 'RESUBMIT' })).toMatchObject({ stageBefore: 'RETURNED', stageAfter: 'VILLAGE_PUBLICITY' });
    await expect.poll(() => db.prisma.publicity.count({ where: { projectId, kind: 'VILLAGE' } }), { timeout: 10_000 }).toBe(2);
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: revise!.id } })).toMatchObject({ status: 'DONE', outcome: 'RESUBMITTED' });
    const secondPeriod = await db.prisma.publicity.findFirstOrThrow({ where: { projectId, kind: 'VILLAGE', round: 2 } });
    await env.sleep(secondPeriod.endsAt.getTime() - (await env.currentTimeMs()) + MINUTE);
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('TOWNSHIP_REVIEW');
    await handle.terminate('test done');
  });
});
