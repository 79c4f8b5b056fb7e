/**
 * A review step reports each phase change to its project workflow as an Update
 * (`stepReportUpdate`, id `<step>:report:<seq>`) sent by its `reportStepToParent` activity. A
 * retried activity sends the same update id again: the report must be applied once. Also: the
 * activity's answer when the parent no longer runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { apiAs } from '../support/api-as';
import { createStepReportActivities } from '../../activities/step-report';
import { projectStateQuery, projectWorkflowId } from '../../workflows/messages/project';
import { stepReportUpdate, stepReportUpdateId, type TStepReport } from '../../workflows/messages/approval-step';
import { PASSED_CHECKS } from '../support/proposal';

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const { call, ok } = apiAs(() => s);

/** What a report applied twice would change: the stage (row and workflow), its history, the audit log. */
async function fingerprint(projectId: string) {
  const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
  const state = await handle.query(projectStateQuery);
  return {
    stage: (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage,
    workflowStage: state.stage,
    workflowHistory: state.history.length,
    openTasks: state.openTasks.map((t) => t.id),
    audits: await s.prisma.auditEvent.count({ where: { OR: [{ entityId: projectId }, { entityId: { startsWith: projectWorkflowId(projectId) } }] } }),
    decisions: await s.prisma.decision.count({ where: { projectId } }),
  };
}

/**
 * Proposed as the village and approved by the township; settled in the county joint review (the
 * 0-day township publicity and the county step's activation follow the answer).
 */
async function approvedByTownship() {
  const started = await ok(await call('POST', '/api/projects', 'village', { ...sampleProposal(), requestId: newRequestId() }));
  const projectId = started.projectId as string;
  const townshipTask = await s.prisma.task.findUniqueOrThrow({ where: { id: started.taskId } });
  const answer = await ok(
    await call('POST', `/api/tasks/${encodeURIComponent(started.taskId)}/decision`, 'township', {
      requestId: newRequestId(),
      action: 'approve',
      comment: '同意',
      checks: PASSED_CHECKS,
    }),
  );
  // The answer came after the parent processed the report: the stage it reports is written.
  expect(answer.stageAfter).toBe('TOWNSHIP_PUBLICITY');
  expect(['TOWNSHIP_PUBLICITY', 'COUNTY_JOINT_REVIEW']).toContain((await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage);
  const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
  await expect.poll(async () => (await handle.query(projectStateQuery)).openTasks.length, { timeout: 30_000 }).toBe(2);
  return { projectId, stepWorkflowId: townshipTask.workflowId! };
}

describe('a step reports to its project by Update', { timeout: 120_000 }, () => {
  it('answers after the stage is written, with the reports as Updates and no report or ack signals', async () => {
    const { projectId, stepWorkflowId } = await approvedByTownship();

    const parent = await s.client.workflow.getHandle(projectWorkflowId(projectId)).fetchHistory();
    const accepted = parent
      .events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.protocolInstanceId);
    expect(accepted).toEqual(expect.arrayContaining([`${stepWorkflowId}:report:1`, `${stepWorkflowId}:report:2`]));
    expect(parent.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'stepReport')).toHaveLength(0);
    const step = await s.client.workflow.getHandle(stepWorkflowId).fetchHistory();
    expect(step.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'stepAck')).toHaveLength(0);
    // The activation's report alone; the approval's record and report are one activity.
    const scheduled = step.events!.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(scheduled).toEqual(['recordStepChange', 'reportStepToParent', 'recordStepChangeAndReport']);
  });

  it('a report sent again with the same update id (a retried activity) is applied once', async () => {
    const { projectId, stepWorkflowId } = await approvedByTownship();
    const before = await fingerprint(projectId);
    expect(before.stage).toBe('COUNTY_JOINT_REVIEW');
    const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
    // The township's approval, as its step reported it (seq 2). Applied again it would move the
    // county joint review on as if that step had approved.
    const report: TStepReport = { seq: 2, stepWorkflowId, phase: 'approved', actorId: s.userIds.township!, reason: null, openTasks: [] };
    const id = stepReportUpdateId(report);
    const answers = await Promise.all([1, 2].map(() => handle.executeUpdate(stepReportUpdate, { args: [report], updateId: id })));
    expect(answers).toEqual([{ seq: 2 }, { seq: 2 }]);
    // Another update id for the same report is not queued again either.
    expect(await handle.executeUpdate(stepReportUpdate, { args: [report], updateId: `${id}:again` })).toEqual({ seq: 2 });
    expect(await fingerprint(projectId)).toEqual(before);
    const history = await handle.fetchHistory();
    const applied = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId === id);
    expect(applied).toHaveLength(1);
  });

  it('with ?wait=record answers once the decision is recorded; the reports still reach the project in order, once', async () => {
    const started = await ok(await call('POST', '/api/projects', 'village', { ...sampleProposal(), requestId: newRequestId() }));
    const projectId = started.projectId as string;
    const decide = (who: string, taskId: string, body: object, wait = 'record') =>
      call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision?wait=${wait}`, who, { requestId: newRequestId(), ...body });
    const stepWorkflowId = (await s.prisma.task.findUniqueOrThrow({ where: { id: started.taskId } })).workflowId!;
    // Return to the village, its resubmission and the approval, each as soon as the last answered:
    // three phase changes whose reports must reach the project in the order they happened.
    const returned = await ok(await decide('township', started.taskId, { action: 'return', comment: '补充村民代表会议记录', returnTo: { to: 'APPLICANT' } }));
    expect(returned).toMatchObject({ phaseAfter: 'returned', stageAfter: 'RETURNED' });
    // The village's revision task, in the database when the answer came.
    const resubmitTask = await s.prisma.task.findUniqueOrThrow({ where: { id: returned.nextTaskId } });
    expect(resubmitTask.status).toBe('PENDING');
    const recorded = await s.prisma.decision.findUniqueOrThrow({ where: { requestId: returned.requestId } });
    expect(recorded).toMatchObject({ action: 'return', stageAfter: 'RETURNED' });
    const resubmitted = await ok(await decide('village', resubmitTask.id, { action: 'resubmit', comment: '已补充' }));
    const approved = await ok(await decide('township', started.taskId, { action: 'approve', comment: '同意', checks: PASSED_CHECKS }));
    expect([resubmitted.phaseAfter, approved.phaseAfter, approved.stageAfter]).toEqual(['pending', 'approved', 'TOWNSHIP_PUBLICITY']);
    // The stage follows within moments (0-day publicity: on to the county joint review).
    await expect
      .poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 30_000 })
      .toBe('COUNTY_JOINT_REVIEW');
    const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
    const reports = (await handle.fetchHistory())
      .events!.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId)
      .filter((id): id is string => typeof id === 'string' && id.startsWith(`${stepWorkflowId}:report:`));
    expect(reports).toEqual([1, 2, 3, 4].map((seq) => `${stepWorkflowId}:report:${seq}`));
    const stages = (await handle.query(projectStateQuery)).history.map((h: { stage?: string }) => h.stage);
    expect(stages.indexOf('RETURNED')).toBeGreaterThan(-1);
    expect(stages.indexOf('RETURNED')).toBeLessThan(stages.lastIndexOf('TOWNSHIP_REVIEW'));
    // The approval's Update completed before its report did (without the flag it completes after).
    const stepEvents = (await s.client.workflow.getHandle(stepWorkflowId).fetchHistory()).events!;
    const updateDone = stepEvents.findIndex(
      (e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === `${s.userIds.township}:${approved.requestId}`,
    );
    const lastReportDone = stepEvents.map((e) => Boolean(e.activityTaskCompletedEventAttributes)).lastIndexOf(true);
    expect(updateDone).toBeGreaterThan(-1);
    expect(updateDone).toBeLessThan(lastReportDone);
    // One decision and one audit event per request; a retry answers from the record.
    for (const a of [returned, resubmitted, approved]) expect(await s.prisma.decision.count({ where: { requestId: a.requestId } })).toBe(1);
    const again = await ok(
      await call('POST', `/api/tasks/${encodeURIComponent(started.taskId)}/decision?wait=record`, 'township', {
        requestId: approved.requestId,
        action: 'approve',
        comment: '同意',
        checks: PASSED_CHECKS,
      }),
    );
    expect(again).toMatchObject({ requestId: approved.requestId, phaseAfter: 'approved' });
    expect(await s.prisma.decision.count({ where: { projectId } })).toBe(3);
    const bad = await call('POST', `/api/tasks/${encodeURIComponent(started.taskId)}/decision?wait=later`, 'township', {
      requestId: newRequestId(),
      action: 'comment',
      comment: 'x',
    });
    expect([bad.statusCode, bad.json().error.code, bad.json().error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', 'querystring.wait']);
  });

  it('tells the step when its parent no longer runs, instead of retrying', async () => {
    const activities = createStepReportActivities({ prisma: s.prisma, temporal: s.client });
    const report: TStepReport = { seq: 1, stepWorkflowId: 'nowhere:step:x:1', phase: 'pending', actorId: null, reason: null, openTasks: [] };
    expect(await activities.reportStepToParent({ parentWorkflowId: `project-missing-${newRequestId()}`, report })).toEqual({ delivered: false });

    const { projectId } = await approvedByTownship();
    await s.client.workflow.getHandle(projectWorkflowId(projectId)).terminate('test: the parent has closed');
    expect(await activities.reportStepToParent({ parentWorkflowId: projectWorkflowId(projectId), report })).toEqual({ delivered: false });
  });
});
