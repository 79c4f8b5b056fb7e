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
import { projectStateQuery, projectWorkflowId, stepReportUpdate, stepReportUpdateId, type TStepReport } from '../../workflows/shared';

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
  const answer = await ok(await call('POST', `/api/tasks/${encodeURIComponent(started.taskId)}/decision`, 'township', { requestId: newRequestId(), action: 'approve', comment: '同意' }));
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
    const accepted = parent.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.protocolInstanceId);
    expect(accepted).toEqual(expect.arrayContaining([`${stepWorkflowId}:report:1`, `${stepWorkflowId}:report:2`]));
    expect(parent.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'stepReport')).toHaveLength(0);
    const step = await s.client.workflow.getHandle(stepWorkflowId).fetchHistory();
    expect(step.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'stepAck')).toHaveLength(0);
    expect(step.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'reportStepToParent')).toHaveLength(2);
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

  it('tells the step when its parent no longer runs, instead of retrying', async () => {
    const activities = createStepReportActivities({ temporal: s.client });
    const report: TStepReport = { seq: 1, stepWorkflowId: 'nowhere:step:x:1', phase: 'pending', actorId: null, reason: null, openTasks: [] };
    expect(await activities.reportStepToParent({ parentWorkflowId: `project-missing-${newRequestId()}`, report })).toEqual({ delivered: false });

    const { projectId } = await approvedByTownship();
    await s.client.workflow.getHandle(projectWorkflowId(projectId)).terminate('test: the parent has closed');
    expect(await activities.reportStepToParent({ parentWorkflowId: projectWorkflowId(projectId), report })).toEqual({ delivered: false });
  });
});
