import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveThroughCounty, newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

/** The read models the web app adds: the task page's allowed actions and the dashboard figures. */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

const get = (url: string, token?: string) => s.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (url: string, token: string, payload: object) => s.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });

async function propose(name: string, orgUnitId = 'v-taoyuan', token = s.tokens.village) {
  const res = await post('/api/projects', token, { ...sampleProposal({ name, orgUnitId }), requestId: newRequestId() });
  expect(res.statusCode).toBe(201);
  return res.json() as { projectId: string; taskId: string };
}

describe('web read models', () => {
  it('serves the shell under a strict CSP and only the known assets', async () => {
    const page = await get('/');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('/web/app.js');
    expect((await get('/web/app.js')).headers['content-type']).toContain('text/javascript');
    expect((await get('/web/pages/task.js')).statusCode).toBe(200);
    expect((await get('/web/../http/web.ts')).statusCode).toBe(404);
    expect((await get('/web/nope.js')).json().error.code).toBe('NOT_FOUND');
  });

  it('offers each person exactly the actions the step allows them now', async () => {
    const { taskId } = await propose('允许操作测试');
    const url = `/api/web/tasks/${encodeURIComponent(taskId)}`;
    const reviewer = (await get(url, s.tokens.township)).json();
    expect(reviewer.actions).toEqual(expect.arrayContaining(['approve', 'return', 'reject', 'claim', 'comment']));
    expect(reviewer.actions).not.toContain('resubmit');
    expect(reviewer.project.name).toBe('允许操作测试');
    // The proposer may not approve their own project, but may comment, urge or withdraw it.
    const proposer = (await get(url, s.tokens.village)).json();
    expect(proposer.actions).not.toContain('approve');
    expect(proposer.actions).toEqual(expect.arrayContaining(['withdraw']));
    // Another township neither sees the task nor learns that it exists.
    expect((await get(url, s.tokens.township2)).statusCode).toBe(404);
    expect((await get(url)).statusCode).toBe(401);

    await post(`/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township, { action: 'return', comment: '补充材料', requestId: newRequestId() });
    // A returned review task waits (suspended) for the resubmission: nothing can be decided on it.
    expect((await get(url, s.tokens.township)).json().status).not.toBe('PENDING');
    expect((await get(url, s.tokens.township)).json().actions).not.toContain('approve');
    const revise = (await get('/api/tasks', s.tokens.village)).json().items.find((t: { kind: string; project: { name: string } }) => t.kind === 'REVISE_AND_RESUBMIT' && t.project.name === '允许操作测试');
    const villageView = (await get(`/api/web/tasks/${encodeURIComponent(revise.id)}`, s.tokens.village)).json();
    expect(villageView.actions).toContain('resubmit');
    expect(villageView.actions).not.toContain('approve');
  });

  it('counts projects by stage, funds by township and overdue tasks inside the caller scope only', async () => {
    const a = await propose('看板甲');
    await propose('看板乙', 'v-chaling', s.tokens.village2);
    await post(`/api/tasks/${encodeURIComponent(a.taskId)}/decision`, s.tokens.township, { action: 'approve', requestId: newRequestId() });
    await approveThroughCounty(s, a.projectId);
    await s.prisma.task.updateMany({ where: { project: { name: '看板乙' }, status: 'PENDING' }, data: { dueAt: new Date(Date.now() - 3600_000) } });

    const county = (await get('/api/dashboard/projects-by-stage', s.tokens.leader)).json();
    const countyStages = Object.fromEntries(county.items.map((i: { stage: string; count: number }) => [i.stage, i.count]));
    expect(countyStages.IN_POOL).toBeGreaterThanOrEqual(1);
    expect(countyStages.TOWNSHIP_REVIEW).toBeGreaterThanOrEqual(1);

    const funds = (await get('/api/dashboard/funds-by-township', s.tokens.leader)).json();
    const hexi = funds.items.find((i: { townshipId: string }) => i.townshipId === 't-hexi');
    expect(hexi).toMatchObject({ townshipName: '河西镇' });
    expect(hexi.approvedFen).toBeGreaterThanOrEqual(50_000_000);
    expect(funds.items.find((i: { townshipId: string }) => i.townshipId === 't-dongling')).toMatchObject({ approvedFen: 0, requestedFen: 50_000_000 });

    const overdue = (await get('/api/dashboard/overdue-tasks', s.tokens.monitor)).json();
    expect(overdue.total).toBe(1);
    expect(overdue.byTownship).toEqual([{ townshipId: 't-dongling', townshipName: '东岭乡', count: 1 }]);
    expect(overdue.oldest[0].project.name).toBe('看板乙');

    // 河西镇's reviewer sees none of 东岭乡's figures.
    const hexiOnly = (await get('/api/dashboard/funds-by-township', s.tokens.township)).json();
    expect(hexiOnly.items.map((i: { townshipId: string }) => i.townshipId)).toEqual(['t-hexi']);
    expect((await get('/api/dashboard/overdue-tasks', s.tokens.township)).json().total).toBe(0);
    expect((await get('/api/dashboard/org-units', s.tokens.township)).json().items.map((u: { id: string }) => u.id)).toEqual(['t-hexi', 'v-shiqiao', 'v-taoyuan']);
    expect((await get('/api/dashboard/projects-by-stage?year=1999', s.tokens.leader)).statusCode).toBe(400);
    expect((await get('/api/dashboard/projects-by-stage')).statusCode).toBe(401);
  });
});
