/**
 * 退回到之前的环节 on the real dev server, through the HTTP API: a county review returns the matter
 * to the township review, the township re-decides, and the lifecycle resumes at the county stage
 * that returned it, with its step's earlier signatures standing, without repeating the township
 * publicity. Also: nested returns through the village, the matter ending while a county step
 * waits, and every invalid return refused without a trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { apiAs } from '../support/api-as';
import { approvalStateQuery } from '../../workflows/messages/approval-step';
import { projectStateQuery, projectWorkflowId } from '../../workflows/messages/project';
import { PASSED_CHECKS } from '../support/proposal';
import type { Role } from '../../src/generated/prisma/client';

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const { call, ok, decide } = apiAs(() => s);

const stageOf = async (projectId: string) => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage;

/** The one pending task of a role on the project, once it is there. */
async function pendingTask(projectId: string, role: string) {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        id = (await s.prisma.task.findFirst({ where: { projectId, status: 'PENDING', candidateRole: role as Role } }))?.id;
        return id !== undefined;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return id!;
}

/** Proposed as the village, approved by the township, into the county joint review. */
async function atCountyJointReview() {
  const started = await ok(await call('POST', '/api/projects', 'village', { ...sampleProposal(), requestId: newRequestId() }));
  const projectId = started.projectId as string;
  await ok(await decide('township', started.taskId, { action: 'approve', comment: '材料齐全', checks: PASSED_CHECKS }));
  await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('COUNTY_JOINT_REVIEW');
  return projectId;
}

/** Everything a refused action must leave unchanged. */
async function fingerprint(projectId: string) {
  const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
  return {
    stage: await stageOf(projectId),
    tasks: await s.prisma.task.findMany({ where: { projectId }, orderBy: { id: 'asc' }, select: { id: true, status: true } }),
    decisions: await s.prisma.decision.count({ where: { projectId } }),
    audits: await s.prisma.auditEvent.count({ where: { OR: [{ entityId: projectId }, { entityId: { startsWith: projectWorkflowId(projectId) } }] } }),
    workflowStage: (await handle.query(projectStateQuery)).stage,
  };
}

// Each test is a dozen approvals through the dev server: ~5 s alone, but once on a loaded machine
// (load 9–10 on 2 cores) one took over 60 s, as the thin-path test has seen on PGlite.
describe('return to an earlier lifecycle step (退回到之前的环节)', { timeout: 180_000 }, () => {
  it('the county joint review returns the matter to the township; its re-approval resumes the countersign where it was', async () => {
    const projectId = await atCountyJointReview();
    const agriTask = await pendingTask(projectId, 'COUNTY_AGRICULTURE');
    const financeTask = await pendingTask(projectId, 'COUNTY_FINANCE');
    await ok(await decide('agri', agriTask, { action: 'approve', comment: '同意' }));
    const publicitiesBefore = await s.prisma.publicity.count({ where: { projectId } });
    // The task page offers the earlier steps as the return form's targets.
    const page = await ok(await call('GET', `/api/web/tasks/${encodeURIComponent(financeTask)}`, 'finance'));
    expect(page.actions).toContain('return');
    expect(page.returnTargets.map((t: { stepId: string }) => t.stepId)).toEqual(['township-review']);

    const returned = await ok(
      await decide('finance', financeTask, { action: 'return', comment: '资金来源需乡镇核实', returnTo: { to: 'STEP', stepId: 'township-review' } }),
    );
    expect(returned).toMatchObject({ action: 'return', phaseAfter: 'returned', stageBefore: 'COUNTY_JOINT_REVIEW', stageAfter: 'TOWNSHIP_REVIEW' });
    expect(await stageOf(projectId)).toBe('TOWNSHIP_REVIEW');
    const decision = await s.prisma.decision.findUniqueOrThrow({ where: { requestId: returned.requestId } });
    expect(decision).toMatchObject({ action: 'return', comment: '资金来源需乡镇核实', stageAfter: 'TOWNSHIP_REVIEW' });
    // The county step waits: its open task is suspended, out of every inbox.
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: financeTask } })).status).toBe('SUSPENDED');
    expect((await ok(await call('GET', '/api/tasks', 'finance'))).items.some((t: { id: string }) => t.id === financeTask)).toBe(false);

    // The township reviewer gets a new review task (the step's second round) in the inbox.
    const again = await pendingTask(projectId, 'TOWNSHIP_REVIEWER');
    expect(again).toContain(':step:township-review:2:');
    expect((await ok(await call('GET', '/api/tasks', 'township'))).items.some((t: { id: string }) => t.id === again)).toBe(true);
    const reapproved = await ok(await decide('township', again, { action: 'approve', comment: '已核实资金来源', checks: PASSED_CHECKS }));
    expect(reapproved).toMatchObject({ stageBefore: 'TOWNSHIP_REVIEW', stageAfter: 'COUNTY_JOINT_REVIEW' });

    // Resumed at the county joint review, not the township publicity; the same finance task is
    // pending again and agriculture's approval stands (no new task for it).
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('COUNTY_JOINT_REVIEW');
    await expect.poll(async () => (await s.prisma.task.findUniqueOrThrow({ where: { id: financeTask } })).status, { timeout: 15_000 }).toBe('PENDING');
    expect(await s.prisma.publicity.count({ where: { projectId } })).toBe(publicitiesBefore);
    expect(await s.prisma.task.count({ where: { projectId, candidateRole: 'COUNTY_AGRICULTURE' } })).toBe(1);
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: agriTask } })).outcome).toBe('APPROVED');
    // The resumed step reports to the lifecycle after writing its rows: the query follows shortly.
    const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
    await expect.poll(async () => (await handle.query(projectStateQuery)).openTasks.map((t) => t.id), { timeout: 15_000 }).toEqual([financeTask]);
    const state = await handle.query(projectStateQuery);
    expect(state.history.map((h) => `${h.action}:${h.stage}`)).toEqual(
      expect.arrayContaining(['return_to_step:TOWNSHIP_REVIEW', 'approve:COUNTY_JOINT_REVIEW']),
    );

    await ok(await decide('finance', financeTask, { action: 'approve', comment: '同意' }));
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('COUNTY_APPROVAL');
    await ok(await decide('leader', await pendingTask(projectId, 'COUNTY_LEADING_GROUP'), { action: 'approve', comment: '批复' }));
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('IN_POOL');
  });

  it('the county approval returns to the township, which returns to the village; the resubmission comes back up to the county approval', async () => {
    const projectId = await atCountyJointReview();
    for (const who of ['agri', 'finance'] as const)
      await ok(await decide(who, await pendingTask(projectId, who === 'agri' ? 'COUNTY_AGRICULTURE' : 'COUNTY_FINANCE'), { action: 'approve' }));
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('COUNTY_APPROVAL');
    const leaderTask = await pendingTask(projectId, 'COUNTY_LEADING_GROUP');
    const page = await ok(await call('GET', `/api/web/tasks/${encodeURIComponent(leaderTask)}`, 'leader'));
    expect(page.returnTargets.map((t: { stepId: string }) => t.stepId)).toEqual(['township-review', 'county-joint-review']);
    const back = await ok(
      await decide('leader', leaderTask, { action: 'return', comment: '乡镇复核联农带农', returnTo: { to: 'STEP', stepId: 'township-review' } }),
    );
    expect(back.stageAfter).toBe('TOWNSHIP_REVIEW');

    // The township sends it further back, to the village (the applicant).
    const townshipTask = await pendingTask(projectId, 'TOWNSHIP_REVIEWER');
    const toVillage = await ok(await decide('township', townshipTask, { action: 'return', comment: '补充农户名单' }));
    expect(toVillage.stageAfter).toBe('RETURNED');
    const revise = await pendingTask(projectId, 'VILLAGE_COMMITTEE');
    await ok(await decide('village', revise, { action: 'resubmit', comment: '已补充' }));
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('TOWNSHIP_REVIEW');
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: townshipTask } })).status).toBe('PENDING');

    // Approved at the township: straight back to the county approval (the joint review is not
    // run again), at the leader's own task.
    await ok(await decide('township', townshipTask, { action: 'approve', comment: '已复核', checks: PASSED_CHECKS }));
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('COUNTY_APPROVAL');
    await expect.poll(async () => (await s.prisma.task.findUniqueOrThrow({ where: { id: leaderTask } })).status, { timeout: 15_000 }).toBe('PENDING');
    expect(await s.prisma.task.count({ where: { projectId, candidateRole: { in: ['COUNTY_AGRICULTURE', 'COUNTY_FINANCE'] } } })).toBe(2);
    await ok(await decide('leader', leaderTask, { action: 'approve', comment: '批复' }));
    await expect.poll(() => stageOf(projectId), { timeout: 15_000 }).toBe('IN_POOL');
  });

  it('rejected at the township while the county waits: the project ends and the waiting county step is closed', async () => {
    const projectId = await atCountyJointReview();
    const financeTask = await pendingTask(projectId, 'COUNTY_FINANCE');
    const agriTask = await pendingTask(projectId, 'COUNTY_AGRICULTURE');
    await ok(await decide('finance', financeTask, { action: 'return', comment: '请乡镇复核', returnTo: { to: 'STEP', stepId: 'township-review' } }));
    await ok(await decide('township', await pendingTask(projectId, 'TOWNSHIP_REVIEWER'), { action: 'reject', comment: '复核后不符合条件' }));
    const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
    expect((await handle.result()).stage).toBe('REJECTED');
    expect(await stageOf(projectId)).toBe('REJECTED');
    for (const id of [financeTask, agriTask]) expect((await s.prisma.task.findUniqueOrThrow({ where: { id } })).status).toBe('CANCELLED');
    // The county step, hosted in the project's workflow, was closed with it (a closed workflow still answers queries).
    expect((await handle.query(approvalStateQuery, financeTask)).phase).toBe('withdrawn');
  });

  it('refuses a return to a later step, an unknown step, from the first review, or without a reason, changing nothing', async () => {
    const projectId = await atCountyJointReview();
    const financeTask = await pendingTask(projectId, 'COUNTY_FINANCE');
    const before = await fingerprint(projectId);
    for (const stepId of ['county-approval', 'county-joint-review', 'acceptance', 'no-such-step']) {
      const res = await decide('finance', financeTask, { action: 'return', comment: '理由', returnTo: { to: 'STEP', stepId } });
      expect(res.statusCode, stepId).toBe(400);
      expect(res.json().error.code).toBe('RETURN_TARGET_INVALID');
    }
    const blank = await decide('finance', financeTask, { action: 'return', comment: '   ', returnTo: { to: 'STEP', stepId: 'township-review' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.code).toBe('VALIDATION_FAILED');
    expect(await fingerprint(projectId)).toEqual(before);
    expect((await s.client.workflow.getHandle(projectWorkflowId(projectId)).query(approvalStateQuery, financeTask)).phase).toBe('pending');

    // The township review has no earlier review step to return to.
    const other = await ok(await call('POST', '/api/projects', 'village', { ...sampleProposal(), requestId: newRequestId() }));
    const first = await fingerprint(other.projectId);
    const res = await decide('township', other.taskId, { action: 'return', comment: '理由', returnTo: { to: 'STEP', stepId: 'township-review' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('RETURN_TARGET_INVALID');
    expect(await fingerprint(other.projectId)).toEqual(first);
  });
});
