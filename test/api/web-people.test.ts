import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';
import { taoyuanProjectRow } from '../support/project-row';

/**
 * GET /api/web/people names only people the caller may know of: their own org units, and the
 * records they may read. Anyone else is left out exactly like an unknown id.
 */
let s: TTestStack;

beforeAll(async () => {
  s = await startTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const named = async (who: string, usernames: string[]) => {
  const ids = usernames.map((u) => s.userIds[u]!);
  const res = await s.app.inject({ method: 'GET', url: `/api/web/people?ids=${ids.join(',')}`, headers: { authorization: `Bearer ${s.tokens[who]}` } });
  expect(res.statusCode, res.body).toBe(200);
  const byId = new Map(Object.entries(s.userIds).map(([u, id]) => [id, u]));
  return (res.json().items as Array<{ id: string; displayName: string }>).map((p) => byId.get(p.id)).sort();
};

describe('GET /api/web/people', () => {
  it("names people of the caller's org units and leaves everyone else out", async () => {
    // The Taoyuan village committee: itself and the implementer placed in its village; not the
    // other village, not the townships' reviewers, not the county bureaus (no shared record yet).
    expect(await named('village', ['village', 'implementer', 'village2', 'township', 'township2', 'agri', 'admin'])).toEqual(['implementer', 'village']);
    // Hexi's reviewer: the people of Hexi's villages, not Dongling's.
    expect(await named('township', ['village', 'implementer', 'village2', 'township2'])).toEqual(['implementer', 'village']);
    // A county role sees the whole county.
    expect(await named('leader', ['village', 'village2', 'township2', 'agri'])).toEqual(['agri', 'township2', 'village', 'village2']);
    // An unknown id is simply absent.
    const res = await s.app.inject({ method: 'GET', url: '/api/web/people?ids=nobody', headers: { authorization: `Bearer ${s.tokens.village}` } });
    expect(res.json().items).toEqual([]);
  });

  it('names the people who appear in a project record the caller may read', async () => {
    await s.prisma.project.create({
      data: taoyuanProjectRow({ id: 'pp-tea', proposerId: s.userIds.village!, stage: 'IMPLEMENTATION' }),
    });
    await s.prisma.task.create({
      data: { id: 'pp-tea:t', projectId: 'pp-tea', workflowId: 'project-pp-tea', stepKey: 't', kind: 'TOWNSHIP_REVIEW', title: '乡镇审核', status: 'DONE' },
    });
    await s.prisma.decision.create({
      data: {
        requestId: 'pp-req-1',
        taskId: 'pp-tea:t',
        projectId: 'pp-tea',
        actorId: s.userIds.township!,
        role: 'TOWNSHIP_REVIEWER',
        action: 'approve',
        stageBefore: 'TOWNSHIP_REVIEW',
        stageAfter: 'TOWNSHIP_PUBLICITY',
      },
    });
    await s.prisma.progressReport.create({
      data: {
        id: 'pp-tea:report:1',
        requestId: 'pp-req-2',
        projectId: 'pp-tea',
        kind: 'CAPITAL',
        amountFen: 100n,
        evidence: [],
        reportedBy: s.userIds.implementer!,
        reportedAt: new Date(),
        verifiedBy: s.userIds.finance!,
        verifiedAt: new Date(),
      },
    });
    // The village now sees who approved its project and who verified its report — still not Dongling's reviewer.
    expect(await named('village', ['township', 'finance', 'township2', 'agri'])).toEqual(['finance', 'township']);
    // The other village does not: the project is not theirs.
    expect(await named('village2', ['township', 'finance', 'village'])).toEqual([]);
  });

  it('names the deciding body of a review case the caller is concerned by, and no one to others', async () => {
    await s.prisma.reviewCase.create({
      data: {
        id: 'pp-case',
        workflowId: 'review-pp-case',
        stage: 'investigation',
        countyId: 'c-qingshan',
        county: '青山县',
        projectIds: [],
        concernedUserIds: [s.userIds.village2!],
        concernedOfficials: [],
        matter: '测试案件',
        triggerType: 'LOSS',
        openedById: s.userIds.village2!,
        openedAt: new Date(),
        context: { rounds: [{ body: { memberIds: [s.userIds.discipline!] } }] },
      },
    });
    expect(await named('village2', ['discipline', 'village2'])).toEqual(['discipline', 'village2']);
    expect(await named('village', ['discipline'])).toEqual([]);
  });
});
