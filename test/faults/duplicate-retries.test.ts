/**
 * Duplicate and reordered client retries with the same requestId, the cases the other suites do
 * not cover. Already covered elsewhere: a repeat after the first answer (replayed, one Decision,
 * test/workflows/approval-step.test.ts and test/api/thin-path.test.ts), a requestId reused for
 * another action (409 DUPLICATE_REQUEST), the workflow's own deduplication under another update id,
 * a repeated project or funding request after the first (one project, one allocation).
 * Here: identical requests at the same moment (approval, project, funding), and a stale retry that
 * arrives after later actions moved the project on, even onto the very task it was first sent to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveThroughCounty, newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { agreement, call, decisionUrl, propose, rowsOfRequest } from './support/faults';
import { PASSED_CHECKS } from '../support/proposal';

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const COPIES = 5;
const copies = <T>(send: () => Promise<T>) => Promise.all(Array.from({ length: COPIES }, send));
const withoutReplayFlag = ({ replayed: _replayed, ...rest }: Record<string, unknown>) => rest;

describe('duplicate and reordered retries with the same requestId', () => {
  it(`${COPIES} identical approvals at once: all answered alike, one Decision, one audit event, one step forward`, async () => {
    const project = await propose(s, '并发重复审批');
    const requestId = newRequestId();
    const answers = await copies(() =>
      call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId }),
    );
    expect(
      answers.map((a) => a.statusCode),
      answers.map((a) => a.body).join('\n'),
    ).toEqual(Array(COPIES).fill(200));
    const bodies = answers.map((a) => withoutReplayFlag(a.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toMatchObject({ requestId, stageBefore: 'TOWNSHIP_REVIEW', stageAfter: 'TOWNSHIP_PUBLICITY' });
    expect(await rowsOfRequest(s.prisma, requestId)).toEqual({ decisions: 1, auditEvents: 1 });
    await agreement(s, s.prisma, project.projectId, 'COUNTY_JOINT_REVIEW');
    expect(await s.prisma.decision.count({ where: { projectId: project.projectId } })).toBe(1);
  });

  it(`${COPIES} identical project proposals at once: one project, one workflow, one first task`, async () => {
    const requestId = newRequestId();
    const body = { ...sampleProposal({ name: '并发重复申报' }), requestId };
    const answers = await copies(() => call(s, 'village', 'POST', '/api/projects', body));
    expect(
      answers.every((a) => a.statusCode === 201 || a.statusCode === 200),
      answers.map((a) => a.body).join('\n'),
    ).toBe(true);
    const ids = new Set(answers.map((a) => a.json().projectId));
    expect(ids.size).toBe(1);
    const [projectId] = [...ids] as [string];
    expect(await s.prisma.project.count({ where: { name: '并发重复申报' } })).toBe(1);
    const { openTaskIds } = await agreement(s, s.prisma, projectId, 'TOWNSHIP_REVIEW');
    expect(openTaskIds).toHaveLength(1);
    const runs = async () => {
      let count = 0;
      for await (const _ of s.client.workflow.list({ query: `WorkflowId = "project-${projectId}"` })) count += 1;
      return count;
    };
    await expect.poll(runs, { timeout: 10_000 }).toBe(1);
  });

  it(`${COPIES} identical funding requests at once: one allocation`, async () => {
    const project = await propose(s, '并发重复拨款');
    const township = await call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'approve', checks: PASSED_CHECKS, requestId: newRequestId() });
    expect(township.statusCode).toBe(200);
    await approveThroughCounty(s, project.projectId);
    await agreement(s, s.prisma, project.projectId, 'IN_POOL');
    const requestId = newRequestId();
    const answers = await copies(() =>
      call(s, 'finance', 'POST', `/api/projects/${project.projectId}/funding`, { fiscalYear: 2027, amountFen: 40_000_000, requestId }),
    );
    expect(
      answers.map((a) => a.statusCode).filter((c) => c !== 200 && c !== 201),
      answers.map((a) => a.body).join('\n'),
    ).toEqual([]);
    expect(answers.map((a) => [a.json().amountFen, a.json().stageAfter])).toEqual(Array(COPIES).fill([40_000_000, 'IMPLEMENTATION']));
    expect(await s.prisma.fundAllocation.count({ where: { projectId: project.projectId } })).toBe(1);
    expect((await s.prisma.project.findUniqueOrThrow({ where: { id: project.projectId } })).stage).toBe('IMPLEMENTATION');
  });

  it('a stale retry of a return, arriving after the village resubmitted onto the same task, is answered as before and returns nothing again', async () => {
    const project = await propose(s, '迟到的重试');
    const returnId = newRequestId();
    const returned = await call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'return', comment: '补充材料', requestId: returnId });
    expect(returned.json()).toMatchObject({ stageAfter: 'RETURNED' });
    const revise = returned.json().nextTaskId as string;
    const resubmitted = await call(s, 'village', 'POST', decisionUrl(revise), { action: 'resubmit', comment: '已补充', requestId: newRequestId() });
    // The review task reopens: the same id the return was sent to.
    expect(resubmitted.json()).toMatchObject({ stageAfter: 'TOWNSHIP_REVIEW', nextTaskId: project.taskId });

    const late = await call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'return', comment: '补充材料', requestId: returnId });
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json()).toEqual({ ...returned.json(), replayed: true });
    expect(await rowsOfRequest(s.prisma, returnId)).toEqual({ decisions: 1, auditEvents: 1 });
    const { openTaskIds } = await agreement(s, s.prisma, project.projectId, 'TOWNSHIP_REVIEW');
    expect(openTaskIds).toEqual([project.taskId]);

    // And a stale retry of the first approval, after the county has moved on, changes nothing either.
    const approveId = newRequestId();
    const approved = await call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'approve', checks: PASSED_CHECKS, requestId: approveId });
    expect(approved.statusCode).toBe(200);
    await approveThroughCounty(s, project.projectId);
    await agreement(s, s.prisma, project.projectId, 'IN_POOL');
    const decisions = await s.prisma.decision.count({ where: { projectId: project.projectId } });
    const stale = await call(s, 'township', 'POST', decisionUrl(project.taskId), { action: 'approve', checks: PASSED_CHECKS, requestId: approveId });
    expect(stale.json()).toEqual({ ...approved.json(), replayed: true });
    expect(await s.prisma.decision.count({ where: { projectId: project.projectId } })).toBe(decisions);
    await agreement(s, s.prisma, project.projectId, 'IN_POOL');
  });
});
