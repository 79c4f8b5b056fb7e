import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveThroughCounty, newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';

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
    // The domain's code lists and Chinese labels, generated for the pages.
    const domain = await get('/web/domain.js');
    expect(domain.headers['content-type']).toContain('text/javascript');
    expect(domain.body).toContain('export const STAGES = ["PROPOSED"');
    expect(domain.body).toContain('"IMPLEMENTATION":"实施中"');
    expect(domain.body).toContain('"EVALUATION_SUBMIT":"SUBMIT_EVALUATION"');
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
    const revise = (await get('/api/tasks', s.tokens.village))
      .json()
      .items.find((t: { kind: string; project: { name: string } }) => t.kind === 'REVISE_AND_RESUBMIT' && t.project.name === '允许操作测试');
    const villageView = (await get(`/api/web/tasks/${encodeURIComponent(revise.id)}`, s.tokens.village)).json();
    expect(villageView.actions).toContain('resubmit');
    expect(villageView.actions).not.toContain('approve');
  });

  it('offers as transfer targets exactly the people the step would accept, and the step accepts them', async () => {
    // Two more Hexi reviewers (one deactivated) and a Dongling reviewer: only the active Hexi colleague is eligible.
    const mk = async (username: string, orgUnitId: string, active = true) => {
      const user = await s.prisma.user.create({ data: { username, displayName: username, passwordHash: 'x', homeOrgUnitId: orgUnitId, active } });
      await s.prisma.roleAssignment.create({ data: { userId: user.id, role: 'TOWNSHIP_REVIEWER', orgUnitId } });
      return user.id;
    };
    const colleague = await mk('hexi-colleague', 't-hexi');
    await mk('hexi-retired', 't-hexi', false);
    await mk('dongling-other', 't-dongling');
    const { taskId } = await propose('转交候选测试');
    const url = `/api/web/tasks/${encodeURIComponent(taskId)}`;
    const reviewer = (await get(url, s.tokens.township)).json();
    expect(reviewer.actions).toContain('transfer');
    expect(reviewer.transferTargets).toEqual([{ userId: colleague, displayName: 'hexi-colleague' }]);
    // The proposer cannot transfer the township's task: nobody is offered.
    expect((await get(url, s.tokens.village)).json().transferTargets).toEqual([]);
    const res = await post(`/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township, {
      action: 'transfer',
      toUserId: colleague,
      requestId: newRequestId(),
    });
    expect(res.statusCode).toBe(200);
    expect(await s.prisma.task.count({ where: { project: { name: '转交候选测试' }, status: 'PENDING', candidateUserId: colleague } })).toBe(1);
  });

  it('offers as added signers and copy recipients the active people of the county the step would accept, and the step accepts them', async () => {
    const { taskId, projectId } = await propose('加签抄送候选测试');
    const url = `/api/web/tasks/${encodeURIComponent(taskId)}`;
    const page = (await get(url, s.tokens.township)).json();
    expect(page.actions).toEqual(expect.arrayContaining(['add_signer', 'cc']));
    const signers = page.signerTargets.map((p: { userId: string }) => p.userId);
    const copies = page.ccTargets.map((p: { userId: string }) => p.userId);
    const inactive = (await s.prisma.user.findMany({ where: { active: false }, select: { id: true } })).map((u) => u.id);
    // Never the reviewer, never the applicant as a signer, nobody deactivated; the county's finance office is offered.
    expect(signers).not.toContain(s.userIds.township);
    expect(signers).not.toContain(s.userIds.village);
    expect(copies).not.toContain(s.userIds.township);
    expect([...signers, ...copies].filter((id: string) => inactive.includes(id))).toEqual([]);
    expect(signers).toContain(s.userIds.finance);
    expect(copies).toContain(s.userIds.monitor);
    const add = await post(`/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township, {
      action: 'add_signer',
      position: 'AFTER',
      signer: { userId: s.userIds.finance },
      requestId: newRequestId(),
    });
    const cc = await post(`/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township, {
      action: 'cc',
      recipientIds: [s.userIds.monitor],
      requestId: newRequestId(),
    });
    expect([add.statusCode, cc.statusCode]).toEqual([200, 200]);
    expect(await s.prisma.task.count({ where: { projectId, status: { in: ['PENDING', 'WAITING'] }, candidateUserId: s.userIds.finance } })).toBe(1);
    expect(await s.prisma.taskCc.count({ where: { projectId, userId: s.userIds.monitor } })).toBe(1);
  });

  it('counts projects by stage, funds by township and overdue tasks inside the caller scope only', async () => {
    const a = await propose('看板甲');
    await propose('看板乙', 'v-chaling', s.tokens.village2);
    await post(`/api/tasks/${encodeURIComponent(a.taskId)}/decision`, s.tokens.township, {
      action: 'approve',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    await approveThroughCounty(s, a.projectId);
    await s.prisma.task.updateMany({ where: { project: { name: '看板乙' }, status: 'PENDING' }, data: { dueAt: new Date(Date.now() - 3600_000) } });

    const county = (await get('/api/dashboard/projects-by-stage', s.tokens.leader)).json();
    const countyStages = Object.fromEntries(county.items.map((i: { stage: string; count: number }) => [i.stage, i.count]));
    expect(countyStages.IN_POOL).toBeGreaterThanOrEqual(1);
    expect(countyStages.TOWNSHIP_REVIEW).toBeGreaterThanOrEqual(1);

    const funds = (await get('/api/dashboard/funds-by-township', s.tokens.leader)).json();
    const hexi = funds.items.find((i: { townshipId: string }) => i.townshipId === 't-hexi');
    expect(hexi).toMatchObject({ townshipName: '河西镇' });
    // Money sums are decimal strings (exact beyond 2^53).
    expect(BigInt(hexi.approvedFen)).toBeGreaterThanOrEqual(50_000_000n);
    expect(funds.items.find((i: { townshipId: string }) => i.townshipId === 't-dongling')).toMatchObject({ approvedFen: '0', requestedFen: '50000000' });

    const overdue = (await get('/api/dashboard/overdue-tasks', s.tokens.monitor)).json();
    expect(overdue.total).toBe(1);
    expect(overdue.byTownship).toEqual([{ townshipId: 't-dongling', townshipName: '东岭乡', count: 1 }]);
    expect(overdue.oldest[0].project.name).toBe('看板乙');

    // 河西镇's reviewer sees none of 东岭乡's figures.
    const hexiOnly = (await get('/api/dashboard/funds-by-township', s.tokens.township)).json();
    expect(hexiOnly.items.map((i: { townshipId: string }) => i.townshipId)).toEqual(['t-hexi']);
    expect((await get('/api/dashboard/overdue-tasks', s.tokens.township)).json().total).toBe(0);
    expect((await get('/api/dashboard/org-units', s.tokens.township)).json().items.map((u: { id: string }) => u.id)).toEqual([
      't-hexi',
      'v-shiqiao',
      'v-taoyuan',
    ]);
    expect((await get('/api/dashboard/projects-by-stage?year=1999', s.tokens.leader)).statusCode).toBe(400);
    expect((await get('/api/dashboard/projects-by-stage')).statusCode).toBe(401);
  });

  /** A project row as the lifecycle's projection would hold it, in a year no other test uses. */
  async function projectRow(o: {
    id: string;
    village: 'v-taoyuan' | 'v-shiqiao' | 'v-chaling';
    stage: string;
    budgetFen: number;
    disbursedFen?: number;
    allocated?: boolean;
  }) {
    const township = o.village === 'v-chaling' ? 't-dongling' : 't-hexi';
    await s.prisma.project.create({
      data: {
        id: o.id,
        workflowId: `project-${o.id}`,
        name: o.id,
        industry: '茶叶',
        orgUnitId: o.village,
        countyId: 'c-qingshan',
        townshipId: township,
        villageId: o.village,
        orgPath: `/c-qingshan/${township}/${o.village}/`,
        budgetFen: BigInt(o.budgetFen),
        disbursedFen: BigInt(o.disbursedFen ?? 0),
        proposerId: s.userIds.village!,
        stage: o.stage,
        proposal: {},
        createdAt: new Date('2031-03-01T00:00:00Z'),
      },
    });
    if (o.allocated)
      await s.prisma.fundAllocation.create({
        data: { requestId: `alloc-${o.id}`, projectId: o.id, fiscalYear: 2031, amountFen: BigInt(o.budgetFen), actorId: s.userIds.finance! },
      });
  }

  async function flag(projectId: string, code: string, status: string) {
    const paymentId = `${projectId}:pay:1`;
    await s.prisma.payment.upsert({
      where: { id: paymentId },
      update: {},
      create: {
        id: paymentId,
        requestId: `pay-${projectId}`,
        projectId,
        seq: 1,
        tranche: 'START',
        amountFen: 1_000_000n,
        payeeId: '某建材公司',
        status: 'FLAGGED',
        requestedBy: s.userIds.implementer!,
        requestedAt: new Date(),
      },
    });
    await s.prisma.riskFlag.create({
      data: { id: `${paymentId}:${code}`, projectId, paymentId, code, status, message: `${code} on ${projectId}`, details: {}, raisedAt: new Date() },
    });
  }

  it('funds approved, requested and disbursed by township, and open risk flags, inside the caller scope only', async () => {
    // Approved: from the pool on, and RETURNED only once funded (returned at acceptance, not as a proposal).
    await projectRow({ id: 'P31-impl', village: 'v-taoyuan', stage: 'IMPLEMENTATION', budgetFen: 40_000_000, disbursedFen: 16_000_000, allocated: true });
    await projectRow({ id: 'P31-closed', village: 'v-shiqiao', stage: 'CLOSED', budgetFen: 5_000_000, disbursedFen: 5_000_000, allocated: true });
    await projectRow({ id: 'P31-ret-funded', village: 'v-taoyuan', stage: 'RETURNED', budgetFen: 3_000_000, disbursedFen: 1_200_000, allocated: true });
    await projectRow({ id: 'P31-ret-proposal', village: 'v-taoyuan', stage: 'RETURNED', budgetFen: 7_000_000 });
    await projectRow({ id: 'P31-review', village: 'v-taoyuan', stage: 'TOWNSHIP_REVIEW', budgetFen: 1_000_000 });
    await projectRow({ id: 'P31-chaling', village: 'v-chaling', stage: 'OPERATION', budgetFen: 20_000_000, disbursedFen: 18_000_000, allocated: true });
    await flag('P31-impl', 'PAYEE_NOT_IMPLEMENTER', 'OPEN');
    await flag('P31-impl', 'DUPLICATE_INVOICE', 'OPEN');
    await flag('P31-closed', 'DUPLICATE_INVOICE', 'DISMISSED');
    await flag('P31-chaling', 'EXCEEDS_VERIFIED_PROGRESS', 'OPEN');

    const funds = (await get('/api/dashboard/funds-by-township?year=2031', s.tokens.leader)).json();
    expect(funds.items).toEqual([
      {
        townshipId: 't-hexi',
        townshipName: '河西镇',
        approvedFen: '48000000',
        requestedFen: '56000000',
        disbursedFen: '22200000',
        approvedCount: 3,
        projectCount: 5,
      },
      {
        townshipId: 't-dongling',
        townshipName: '东岭乡',
        approvedFen: '20000000',
        requestedFen: '20000000',
        disbursedFen: '18000000',
        approvedCount: 1,
        projectCount: 1,
      },
    ]);
    expect((await get('/api/dashboard/funds-by-township?year=2031', s.tokens.township)).json().items.map((i: { townshipId: string }) => i.townshipId)).toEqual([
      't-hexi',
    ]);

    const risks = (await get('/api/dashboard/risk-flags?year=2031', s.tokens.monitor)).json();
    expect(risks).toMatchObject({
      total: 3,
      byCode: [
        { code: 'DUPLICATE_INVOICE', count: 1 },
        { code: 'EXCEEDS_VERIFIED_PROGRESS', count: 1 },
        { code: 'PAYEE_NOT_IMPLEMENTER', count: 1 },
      ],
      byTownship: [
        { townshipId: 't-hexi', townshipName: '河西镇', count: 2 },
        { townshipId: 't-dongling', townshipName: '东岭乡', count: 1 },
      ],
    });
    expect(risks.latest.map((f: { project: { id: string } }) => f.project.id).sort()).toEqual(['P31-chaling', 'P31-impl', 'P31-impl']);
    const hexi = (await get('/api/dashboard/risk-flags?year=2031', s.tokens.township)).json();
    expect([hexi.total, hexi.byTownship.map((t: { townshipId: string }) => t.townshipId)]).toEqual([2, ['t-hexi']]);
    expect((await get('/api/dashboard/risk-flags?year=2031', s.tokens.village2)).json().total).toBe(1);
    expect((await get('/api/dashboard/risk-flags')).statusCode).toBe(401);
  });

  it('offers each person the project commands of their roles with the stages they are open in, and names people', async () => {
    await projectRow({ id: 'P31-cmds', village: 'v-taoyuan', stage: 'IMPLEMENTATION', budgetFen: 1_000_000, allocated: true });
    const url = '/api/web/projects/P31-cmds/commands';
    const types = (body: { commands: Array<{ type: string }> }) => body.commands.map((c) => c.type);
    const implementer = (await get(url, s.tokens.implementer)).json();
    expect(types(implementer)).toEqual(['REPORT_PROGRESS', 'REPORT_CAPITAL', 'REQUEST_PAYMENT', 'REQUEST_ACCEPTANCE', 'RECTIFIED', 'REPORT_DEFECT_REPAIRED']);
    expect(implementer.commands.find((c: { type: string }) => c.type === 'REQUEST_ACCEPTANCE').stages).toEqual(['IMPLEMENTATION']);
    expect([implementer.verifies, implementer.allocatesFunds, implementer.stage]).toEqual([[], false, 'IMPLEMENTATION']);
    const finance = (await get(url, s.tokens.finance)).json();
    expect([types(finance), finance.verifies, finance.allocatesFunds]).toEqual([['VERIFY_REPORT'], ['CAPITAL'], true]);
    const agri = (await get(url, s.tokens.agri)).json();
    expect([types(agri), agri.verifies]).toEqual([
      ['VERIFY_REPORT', 'REGISTER_ASSET', 'REPORT_DEFECT', 'VERIFY_DEFECT_REPAIR', 'SUBMIT_EVALUATION', 'PROPOSE_REPLACEMENT'],
      ['PROGRESS'],
    ]);
    expect(types((await get(url, s.tokens.monitor)).json())).toEqual(['REPORT_DEFECT']);
    expect((await get(url, s.tokens.village2)).statusCode).toBe(404);
    expect((await get(url)).statusCode).toBe(401);

    // Names only for people the village may know of: its implementer, the finance bureau (its
    // projects' records above name them), never another village's committee (test/api/web-people.test.ts).
    const people = (await get(`/api/web/people?ids=${s.userIds.finance},${s.userIds.implementer},${s.userIds.village2},nobody`, s.tokens.village)).json();
    expect(people.items.map((u: { displayName: string }) => u.displayName).sort()).toEqual(['县财政局 陈科长', '桃源茶叶合作社'].sort());
    expect((await get('/api/web/people?ids=x')).statusCode).toBe(401);
  });
});
