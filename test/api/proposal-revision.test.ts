import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';

// 我发起的, 退回修改 as a new version, and 催办 marks (issue #18), on real Temporal and PostgreSQL.
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
  s.app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
const decide = (taskId: string, who: string, body: object) =>
  call('POST', `/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens[who]!, { requestId: newRequestId(), ...body });

async function propose(who: string, overrides: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/projects', s.tokens[who]!, { ...sampleProposal(overrides), requestId: newRequestId() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { projectId: string; taskId: string };
}

async function pendingTask(projectId: string, kind: string) {
  await expect.poll(() => s.prisma.task.count({ where: { projectId, kind, status: 'PENDING' } }), { timeout: 10_000 }).toBe(1);
  return (await s.prisma.task.findFirstOrThrow({ where: { projectId, kind, status: 'PENDING' } })).id;
}

/** Proposed by the village and returned by the township: the village's 退回修改 task is open. */
async function returnedProject(name: string) {
  const started = await propose('village', { name });
  const ret = await decide(started.taskId, 'township', { action: 'return', comment: '预算明细不全', checks: PASSED_CHECKS });
  expect(ret.json().stageAfter).toBe('RETURNED');
  return { projectId: started.projectId, reviseTaskId: await pendingTask(started.projectId, 'REVISE_AND_RESUBMIT') };
}

const projectEvents = (projectId: string) => s.prisma.auditEvent.count({ where: { entityType: 'Project', entityId: projectId } });

describe('a returned proposal revised and resubmitted as a new version', () => {
  it('records version 2, updates the project, and shows the township the diff (本次修改)', async () => {
    const { projectId, reviseTaskId } = await returnedProject('桃源村茶园修订');
    const page = await call('GET', `/api/web/tasks/${encodeURIComponent(reviseTaskId)}`, s.tokens.village!);
    expect(page.json().proposal).toMatchObject({ name: '桃源村茶园修订', budgetFen: 50_000_000 });

    const revised = sampleProposal({
      name: '桃源村茶园修订',
      budgetFen: 55_000_000,
      fundingSources: [
        { source: 'CENTRAL_LINKAGE', amountFen: 45_000_000 },
        { source: 'OWN_CAPITAL', amountFen: 10_000_000 },
      ],
      householdLinkage: { households: 86, mechanism: '务工工资 + 入股分红 + 土地租金' },
    });
    const res = await decide(reviseTaskId, 'village', { action: 'resubmit', comment: '已补预算明细', proposal: revised });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().stageAfter).toBe('TOWNSHIP_REVIEW');

    const versions = await s.prisma.proposalVersion.findMany({ where: { projectId }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, (v.values as { budgetFen: number }).budgetFen])).toEqual([
      [1, 50_000_000],
      [2, 55_000_000],
    ]);
    expect(versions[1]!.authorId).toBe(s.userIds.village);
    const project = await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(Number(project.budgetFen)).toBe(55_000_000);
    expect((project.proposal as { householdLinkage: { mechanism: string } }).householdLinkage.mechanism).toBe('务工工资 + 入股分红 + 土地租金');
    const audit = await s.prisma.auditEvent.findFirstOrThrow({ where: { entityId: projectId, action: 'PROPOSAL_REVISED' } });
    expect(audit.details).toEqual({
      version: 2,
      taskId: reviseTaskId,
      changedFields: ['budgetFen', 'fundingSources.0.amountFen', 'householdLinkage.mechanism'],
    });

    const reviewTaskId = await pendingTask(projectId, 'TOWNSHIP_REVIEW');
    const review = await call('GET', `/api/web/tasks/${encodeURIComponent(reviewTaskId)}`, s.tokens.township!);
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json().proposalRevision).toMatchObject({
      version: 2,
      author: { userId: s.userIds.village, displayName: '桃源村两委 王村长' },
      changes: [
        { field: 'budgetFen', before: 50_000_000, after: 55_000_000, money: true },
        { field: 'fundingSources.0.amountFen', before: 40_000_000, after: 45_000_000, money: true },
        { field: 'householdLinkage.mechanism', before: '务工工资 + 入股分红', after: '务工工资 + 入股分红 + 土地租金', money: false },
      ],
    });

    // The revised budget binds: the township approves the new version on.
    const approved = await decide(reviewTaskId, 'township', { action: 'approve', checks: PASSED_CHECKS });
    expect(approved.json().stageAfter).not.toBe('TOWNSHIP_REVIEW');
  });

  it('refuses an invalid revision with its field and changes nothing (no version, no event, still returned)', async () => {
    const { projectId, reviseTaskId } = await returnedProject('桃源村茶园拒改');
    const eventsBefore = await projectEvents(projectId);
    const negative = await decide(reviseTaskId, 'village', {
      action: 'resubmit',
      proposal: sampleProposal({ name: '桃源村茶园拒改', budgetFen: -5, fundingSources: [{ source: 'CENTRAL_LINKAGE', amountFen: -5 }] }),
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.code).toBe('VALIDATION_FAILED');
    expect(negative.json().error.details.map((d: { path: string }) => d.path)).toContain('body.proposal.budgetFen');

    const elsewhere = await decide(reviseTaskId, 'village', {
      action: 'resubmit',
      proposal: sampleProposal({ name: '桃源村茶园拒改', orgUnitId: 'v-chaling' }),
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(400);
    expect(elsewhere.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.proposal.orgUnitId' }] });

    expect(await s.prisma.proposalVersion.count({ where: { projectId, version: { gt: 1 } } })).toBe(0);
    expect(await projectEvents(projectId)).toBe(eventsBefore);
    const project = await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect([project.stage, Number(project.budgetFen)]).toEqual(['RETURNED', 50_000_000]);
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: reviseTaskId } })).status).toBe('PENDING');
  });
});

describe('我发起的 and urges', () => {
  it('lists only the projects the caller proposed, each with whom it waits for by name', async () => {
    const mine = await propose('village', { name: '桃源村我发起的' });
    const theirs = await propose('admin', { name: '桃源村管理员发起' });
    const list = await call('GET', '/api/projects?mine=proposed&pageSize=200', s.tokens.village!);
    expect(list.statusCode, list.body).toBe(200);
    const ids = list.json().items.map((p: { id: string }) => p.id);
    expect(ids).toContain(mine.projectId);
    expect(ids).not.toContain(theirs.projectId);
    const row = list.json().items.find((p: { id: string }) => p.id === mine.projectId);
    expect(row.waitingFor).toEqual([
      { taskId: mine.taskId, kind: 'TOWNSHIP_REVIEW', title: expect.any(String), people: [{ userId: s.userIds.township, displayName: '河西镇审核 张审核' }] },
    ]);
    expect(row.updatedAt).toEqual(expect.any(String));
    const adminList = await call('GET', '/api/projects?mine=proposed&pageSize=200', s.tokens.admin!);
    const adminIds = adminList.json().items.map((p: { id: string }) => p.id);
    expect(adminIds).toContain(theirs.projectId);
    expect(adminIds).not.toContain(mine.projectId);
  });

  it("an urge leaves its count, time and the urger's name on the approver's inbox item and task page", async () => {
    const { projectId, taskId } = await propose('village', { name: '桃源村催办' });
    const urged = await decide(taskId, 'village', { action: 'urge', comment: '请尽快审核' });
    expect(urged.statusCode, urged.body).toBe(200);
    const inbox = await call('GET', '/api/tasks?pageSize=200', s.tokens.township!);
    const item = inbox.json().items.find((t: { projectId: string }) => t.projectId === projectId);
    expect(item.urge).toMatchObject({ count: 1, lastAt: expect.any(String), lastBy: { userId: s.userIds.village, displayName: '桃源村两委 王村长' } });
    const page = await call('GET', `/api/web/tasks/${encodeURIComponent(taskId)}`, s.tokens.township!);
    expect(page.json().urge).toMatchObject({ count: 1, lastBy: { displayName: '桃源村两委 王村长' } });
  });
});
