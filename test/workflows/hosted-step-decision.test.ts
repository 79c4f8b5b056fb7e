/**
 * A project started with `approval-steps-hosted` (ADR 0010, issue #20) hosts its approval steps:
 * a decision is one Update on the project's own workflow, no child workflow is started for a step,
 * and the stage is written before the answer. The report protocol of steps that are workflows of
 * their own (`stepReportUpdate`, sent by `reportStepToParent`) is kept for projects started before
 * it; their recorded histories replay (test/replay), and the activity's answer for a parent that
 * no longer runs is tested here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
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

describe('approval steps hosted in the project workflow', { timeout: 120_000 }, () => {
  it('a decision is one Update on the project workflow, answered after the stage is written; no child workflow, no report', async () => {
    const { projectId, stepWorkflowId } = await approvedByTownship();
    // The Task rows name the project's workflow: that is where the API sent the decision.
    expect(stepWorkflowId).toBe(projectWorkflowId(projectId));
    const events = (await s.client.workflow.getHandle(projectWorkflowId(projectId)).fetchHistory()).events!;
    expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'approvalStep')).toHaveLength(0);
    expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(0);
    const accepted = events
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((id): id is string => typeof id === 'string');
    // The proposal's registration and the township's decision; no step report.
    expect(accepted).toHaveLength(2);
    expect(accepted.filter((id) => id.includes(':report:'))).toEqual([]);
    const decision = await s.prisma.decision.findFirstOrThrow({ where: { projectId } });
    expect(accepted).toContain(`${decision.actorId}:${decision.requestId}`);
    // The township step's activation and the approval's record, each one regular activity.
    const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(scheduled.filter((name) => name === 'recordStepChange')).toHaveLength(3); // + the county step's activation
    expect(scheduled).not.toContain('reportStepToParent');
    // On the answer's path: the record, which writes the stage in its own transaction; no local activity.
    const updateId = `${decision.actorId}:${decision.requestId}`;
    const acceptedAt = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId);
    const completedAt = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId);
    const onPath = events.slice(acceptedAt, completedAt);
    expect(onPath.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean)[0]).toBe('recordStepChange');
    expect(onPath.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toEqual([]);
    expect(onPath.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    expect(scheduled).not.toContain('recordStepChangeAndReport');
  });

  it('refuses a step report sent from outside, changing nothing', async () => {
    const { projectId } = await approvedByTownship();
    const before = await fingerprint(projectId);
    expect(before.stage).toBe('COUNTY_JOINT_REVIEW');
    const handle = s.client.workflow.getHandle(projectWorkflowId(projectId));
    // Accepted, this would move the county joint review on as if its step had approved.
    const report: TStepReport = {
      seq: 2,
      stepWorkflowId: `${projectWorkflowId(projectId)}:step:county-joint-review:1`,
      phase: 'approved',
      actorId: s.userIds.finance!,
      reason: null,
      openTasks: [],
    };
    const refused = await handle.executeUpdate(stepReportUpdate, { args: [report], updateId: stepReportUpdateId(report) }).catch((err: Error) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('TRANSITION_NOT_ALLOWED');
    expect(await fingerprint(projectId)).toEqual(before);
  });

  it('with ?wait=record answers once the decision is recorded; the stages still follow in order, once', async () => {
    const started = await ok(await call('POST', '/api/projects', 'village', { ...sampleProposal(), requestId: newRequestId() }));
    const projectId = started.projectId as string;
    const decide = (who: string, taskId: string, body: object, wait = 'record') =>
      call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision?wait=${wait}`, who, { requestId: newRequestId(), ...body });
    // Return to the village, its resubmission and the approval, each as soon as the last answered:
    // three phase changes the project must take in the order they happened.
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
    const stages = (await handle.query(projectStateQuery)).history.map((h: { stage?: string }) => h.stage);
    expect(stages.indexOf('RETURNED')).toBeGreaterThan(-1);
    expect(stages.indexOf('RETURNED')).toBeLessThan(stages.lastIndexOf('TOWNSHIP_REVIEW'));
    expect(stages.filter((stage) => stage === 'RETURNED')).toHaveLength(1);
    // One decision and one audit event per request; a retry answers from the record.
    for (const a of [returned, resubmitted, approved]) {
      expect(await s.prisma.decision.count({ where: { requestId: a.requestId } })).toBe(1);
      expect(await s.prisma.auditEvent.count({ where: { requestId: a.requestId } })).toBe(1);
    }
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
