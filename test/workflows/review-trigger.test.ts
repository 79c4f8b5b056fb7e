import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { actorForToken, issueToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import type { TActor } from '../../src/domain/actor';
import type { TProjectCommand, TProjectCommandInput } from '../../src/domain/lifecycle/project-commands';
import type { TEvaluationIndicators } from '../../src/domain/policies/evaluation-scoring';
import { buildApp } from '../../src/http/app';
import { DEMO_USERS, seedDemoCounty } from '../../src/seed/demo-county';
import type { projectLifecycle } from '../../workflows/project-lifecycle';
import { allocateFundsUpdate, projectActUpdate, type TProjectLifecycleInput } from '../../workflows/messages/project';
import { approvalActUpdate } from '../../workflows/messages/approval-step';
import { TAOYUAN } from '../support/county-actors';
import { sampleProposal } from '../support/stack';
import { startTimeSkippingStack, type TTimeSkippingStack } from '../support/time-skipping';
import { addDisciplineUsers, DAY, driver, EVIDENCE, investigate, rid, type TDriver } from './fault-tolerance-support';
import { FAVOURABLE_VOTE, PASSED_CHECKS, TEA_GARDEN_ASSET } from '../support/proposal';

/**
 * The fault-tolerance review as the lifecycle triggers it (issue 5), on the time-skipping server:
 * a project through funding, a payment whose risk flag the finance bureau confirms, acceptance,
 * handover and a 差 evaluation; the officials concerned are notified with a 30-day window; one
 * applies in time, one whose verification the flag is against is inadmissible, one applies too
 * late; the corrective measures of the outcome become tasks, overdue and completed; honours wait
 * for 优; a second 差 and the replacement notify again. The API's clock is the server's, so a
 * window judged by the route and by the workflow is the same window.
 */
let s: TTimeSkippingStack;
let app: FastifyInstance;
let d: TDriver;
let serverNow = Date.now();
const tokens: Record<string, string> = {};
const actors: Record<string, TActor> = {};
let memberTokens: string[];

beforeAll(async () => {
  s = await startTimeSkippingStack('review-trigger');
  await seedDemoCounty(s.db.prisma, 'test-password-123');
  for (const u of DEMO_USERS) {
    const user = await s.db.prisma.user.findUniqueOrThrow({ where: { username: u.username } });
    tokens[u.username] = await issueToken(s.db.prisma, user.id, 'test');
    actors[u.username] = (await actorForToken(s.db.prisma, tokens[u.username]!))!;
  }
  // Five holders of the deciding role: the county's draw seats the longest-serving three (discipline, d2, d3).
  const extra = await addDisciplineUsers(s.db.prisma, ['d2', 'd3', 'p1', 'p2']);
  memberTokens = [tokens.discipline!, extra.d2!.token, extra.d3!.token];
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: s.taskQueue, DATABASE_URL: s.db.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  app = await buildApp({ config, prisma: s.db.prisma, temporal: s.env.client, clock: () => serverNow });
  d = driver(app);
}, 180_000);
afterAll(async () => {
  await app?.close();
  await s?.close();
});

const id = (username: string) => actors[username]!.userId;
/** The API judges windows on the server's clock, which runs ahead of this process's after a skip. */
const syncClock = async () => {
  serverNow = await s.env.currentTimeMs();
};
const sleep = async (ms: number) => {
  await s.env.sleep(ms);
  await syncClock();
};

type THandle = WorkflowHandle<typeof projectLifecycle>;

async function startProject(name: string) {
  const projectId = `rt-${crypto.randomBytes(5).toString('hex')}`;
  const input: TProjectLifecycleInput = {
    projectId,
    requestId: `req-${projectId}`,
    proposal: sampleProposal({ name, fiscalYear: 2027 }) as TProjectLifecycleInput['proposal'],
    proposer: actors.village!,
    ...TAOYUAN,
    publicity: { villageDays: 0, townshipDays: 0, acceptanceDays: 0 },
  };
  const handle = await s.env.client.workflow.start<typeof projectLifecycle>('projectLifecycle', {
    workflowId: `project-${projectId}`,
    taskQueue: s.taskQueue,
    args: [input],
  });
  return { projectId, handle };
}

const project = (projectId: string) => s.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
const stageOf = async (projectId: string) => (await project(projectId)).stage;
const pending = (projectId: string, kind: string) => s.db.prisma.task.findMany({ where: { projectId, status: 'PENDING', kind }, orderBy: { id: 'asc' } });

async function taskOf(projectId: string, kind: string, role?: string) {
  await expect
    .poll(async () => (await pending(projectId, kind)).filter((t) => !role || t.candidateRole === role).length, { timeout: 20_000 })
    .toBeGreaterThan(0);
  return (await pending(projectId, kind)).find((t) => !role || t.candidateRole === role)!;
}

async function decide(
  projectId: string,
  kind: string,
  who: string,
  action: { type: 'APPROVE'; checks?: typeof PASSED_CHECKS } | { type: 'REJECT'; reason: string } = { type: 'APPROVE' },
  role?: string,
) {
  const task = await taskOf(projectId, kind, role);
  return s.env.client.workflow.getHandle(task.workflowId).executeUpdate(approvalActUpdate, {
    args: [{ requestId: rid(), taskId: task.id, actor: actors[who]!, action, comment: 'reason' in action ? action.reason : undefined }],
  });
}

const command = (handle: THandle, who: string, cmd: TProjectCommandInput) =>
  handle.executeUpdate(projectActUpdate, { args: [{ requestId: rid(), actor: actors[who]!, command: cmd as TProjectCommand }] });

const indicators = (level: number): TEvaluationIndicators => ({
  output: { quantity: level, quality: level, timeliness: level, cost: level },
  benefit: { economic: level, social: level, ecological: level, sustainability: level },
  satisfactionPercent: Math.min(100, level + 5),
  budgetExecutionPercent: level,
});

/** An evaluation submitted by agriculture and approved by the leading group. */
async function evaluate(projectId: string, handle: THandle, level: number) {
  await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('EVALUATION');
  await command(handle, 'agri', { type: 'SUBMIT_EVALUATION', indicators: indicators(level) });
  await decide(projectId, 'EVALUATION_APPROVAL', 'leader');
}

const get = async (token: string, url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, json: res.json() };
};
const post = async (token: string, url: string, payload: object) => {
  const res = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
  return { status: res.statusCode, json: res.json() };
};
/** In notification order, then by user id (sorted here: the database's collation orders text its own way). */
const eligibilities = async (projectId: string) =>
  (await s.db.prisma.reviewEligibility.findMany({ where: { projectId } })).sort(
    (a, b) => a.notifiedAt.getTime() - b.notifiedAt.getTime() || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
const byFirstColumn = <T extends unknown[]>(rows: T[]) => [...rows].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));

describe('fault-tolerance review triggered by the lifecycle (time-skipping server)', () => {
  it('差 → officials notified; in time admitted, fund flag inadmissible, late refused; measures tracked; honours only for 优; replacement notifies again', async () => {
    const started = performance.now();
    const { projectId, handle } = await startProject('桃源村高山茶园提质扩面');
    const replacement = await startProject('桃源村茶叶加工厂');
    for (const p of [projectId, replacement.projectId]) {
      await decide(p, 'TOWNSHIP_REVIEW', 'township', { type: 'APPROVE', checks: PASSED_CHECKS });
      await decide(p, 'COUNTY_JOINT_REVIEW', 'agri', undefined, 'COUNTY_AGRICULTURE');
      await decide(p, 'COUNTY_JOINT_REVIEW', 'finance', undefined, 'COUNTY_FINANCE');
      await decide(p, 'COUNTY_APPROVAL', 'leader');
      await expect.poll(() => stageOf(p), { timeout: 20_000 }).toBe('IN_POOL');
    }

    // ---- funding; a payment to the wrong payee, verified by agriculture, its flag confirmed -----
    await handle.executeUpdate(allocateFundsUpdate, { args: [{ requestId: rid(), actor: actors.finance!, fiscalYear: 2027, amountFen: 40_000_000 }] });
    const capital = await command(handle, 'implementer', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['bank-slip-1.pdf'] });
    await command(handle, 'finance', { type: 'VERIFY_REPORT', reportId: capital.recordId! });
    await command(handle, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '青山某建材公司', invoices: [] });
    await decide(projectId, 'PAYMENT_VERIFICATION', 'agri');
    await decide(projectId, 'RISK_FLAG_REVIEW', 'finance', { type: 'REJECT', reason: '收款方非实施主体，确认违规' });
    await expect
      .poll(async () => (await s.db.prisma.riskFlag.findMany({ where: { projectId } })).map((f) => [f.code, f.status]), { timeout: 20_000 })
      .toEqual([['PAYEE_NOT_IMPLEMENTER', 'CONFIRMED']]);

    // ---- acceptance, handover, and the first evaluation: 差 -------------------------------------
    const done = await command(handle, 'implementer', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['completion-report.pdf'] });
    await command(handle, 'agri', { type: 'VERIFY_REPORT', reportId: done.recordId! });
    await command(handle, 'village', { type: 'REQUEST_ACCEPTANCE' });
    await command(handle, 'village', FAVOURABLE_VOTE);
    for (const [role, who] of [
      ['COUNTY_AGRICULTURE', 'agri'],
      ['COUNTY_FINANCE', 'finance'],
      ['EXPERT', 'expert'],
    ] as const) {
      await decide(projectId, 'COMPLETION_ACCEPTANCE', who, undefined, role);
    }
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('ASSET_HANDOVER');
    await command(handle, 'agri', TEA_GARDEN_ASSET);
    await command(handle, 'village', { type: 'CONFIRM_HANDOVER' });
    await evaluate(projectId, handle, 50);
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('RECTIFICATION');
    expect((await project(projectId)).latestGrade).toBe('POOR');
    await command(handle, 'village', { type: 'SUBMIT_RECTIFICATION_PLAN', plan: '更换管护主体，补植茶苗', dueInDays: 90 });
    await syncClock();

    // ---- (a) the officials concerned are notified, with the window --------------------------------
    const first = await eligibilities(projectId);
    expect(first.map((e) => [e.userId, e.trigger, e.bases])).toEqual(
      byFirstColumn([
        [id('agri'), 'POOR_GRADE', ['COUNTY_JOINT_REVIEW']],
        [id('finance'), 'POOR_GRADE', ['COUNTY_JOINT_REVIEW']],
        [id('leader'), 'POOR_GRADE', ['COUNTY_APPROVAL']],
        [id('township'), 'POOR_GRADE', ['TOWNSHIP_REVIEW']],
        [id('village'), 'POOR_GRADE', ['PROPOSER']],
      ]),
    );
    const notifiedAt = first[0]!.notifiedAt.getTime();
    expect(first.every((e) => e.triggerRef === `${projectId}:evaluation:1` && e.windowDays === 30 && e.notifiedAt.getTime() === notifiedAt)).toBe(true);
    // Closes at the end of the 30th day in Asia/Shanghai, as the review machine counts.
    const closesAt = first[0]!.closesAt.getTime();
    expect(closesAt - notifiedAt).toBeGreaterThan(30 * DAY);
    expect(closesAt - notifiedAt).toBeLessThanOrEqual(31 * DAY);
    expect((closesAt + 8 * 3_600_000) % DAY).toBe(0);
    const notices = await pending(projectId, 'REVIEW_ELIGIBLE');
    expect(byFirstColumn(notices.map((t) => [t.candidateUserId, t.dueAt!.getTime(), t.candidateRole]))).toEqual(first.map((e) => [e.userId, closesAt, null]));
    expect(notices[0]!.title).toMatch(/^可申请容错纠错（项目绩效评价等次为"差"；/);
    // In the official's own inbox (addressed to them alone), and in their list of eligibilities.
    const inbox = await get(tokens.village!, '/api/tasks?kind=REVIEW_ELIGIBLE');
    expect(inbox.json.items.map((t: { id: string; overdue: boolean }) => [t.id, t.overdue])).toEqual([
      [`review-eligible:${projectId}:POOR_GRADE:${projectId}:evaluation:1:${id('village')}`, false],
    ]);
    expect((await get(tokens.village2!, '/api/tasks?kind=REVIEW_ELIGIBLE')).json.items).toEqual([]);
    const mine = await get(tokens.village!, '/api/review-eligibilities?open=true');
    expect(mine.json.items).toEqual([expect.objectContaining({ projectId, trigger: 'POOR_GRADE', open: true, caseId: null })]);

    // ---- (d) no honour while the project is graded 差 ---------------------------------------------
    const honourUrl = `/api/officials/${id('village')}/honours`;
    const honour = { requestId: rid(), projectId, title: '产业帮扶先进个人' };
    const poorHonour = await post(tokens.admin!, honourUrl, honour);
    expect(poorHonour.status).toBe(422);
    expect(poorHonour.json.error).toMatchObject({ code: 'GRADE_NOT_EXCELLENT', details: [{ path: 'body.projectId' }] });
    expect(poorHonour.json.error.message).toContain('POOR');

    // ---- an application inside the window, with the eligibility: admitted ------------------------
    const villageElig = first.find((e) => e.userId === id('village'))!;
    const applied = await d.open(tokens.village!, {
      opening: 'APPLY',
      eligibilityId: villageElig.id,
      matter: '高山茶园遭遇霜冻和茶价下跌，绩效评价为差',
      lossFen: 4_000_000,
    });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    const caseId = applied.json.caseId as string;
    const opened = await s.db.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(opened).toMatchObject({
      stage: 'admissibility',
      projectIds: [projectId],
      concernedUserIds: [id('village')],
      triggerType: 'POOR_GRADE',
      openedById: id('village'),
    });
    expect((opened.context as { case: { notifiedAt: number } }).case.notifiedAt).toBe(notifiedAt);
    expect(await s.db.prisma.reviewEligibility.findUniqueOrThrow({ where: { id: villageElig.id } })).toMatchObject({ caseId });
    expect(await s.db.prisma.task.findUniqueOrThrow({ where: { id: villageElig.taskId } })).toMatchObject({ status: 'DONE', outcome: 'APPLIED' });
    const reused = await d.open(tokens.village!, { opening: 'APPLY', eligibilityId: villageElig.id, matter: '再次申请', lossFen: 0 });
    expect(reused.json.error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'body.eligibilityId' }] });
    const notYours = await d.open(tokens.township!, { opening: 'APPLY', eligibilityId: villageElig.id, matter: '冒用', lossFen: 0 });
    expect(notYours.status).toBe(404);
    await d.ok(tokens.discipline!, caseId, { type: 'ACCEPT' });

    // ---- (b) the confirmed flag is against agriculture (it approved the verification): inadmissible
    const agriApplied = await d.open(tokens.agri!, {
      opening: 'APPLY',
      projectIds: [projectId],
      concernedOfficials: [{ userId: id('agri') }],
      triggerType: 'POOR_GRADE',
      countyOrgUnitId: 'c-qingshan',
      matter: '联合论证通过的茶园项目评价为差',
      lossFen: 4_000_000,
    });
    expect(agriApplied.status, JSON.stringify(agriApplied.json)).toBe(201);
    const agriCase = agriApplied.json.caseId as string;
    const agriContext = (await s.db.prisma.reviewCase.findUniqueOrThrow({ where: { id: agriCase } })).context as {
      fundViolationFlags: unknown[];
      case: { notifiedAt: number };
    };
    expect(agriContext.case.notifiedAt).toBe(notifiedAt);
    expect(agriContext.fundViolationFlags).toEqual([
      {
        flagId: `${projectId}:pay:1:PAYEE_NOT_IMPLEMENTER`,
        projectId,
        userId: id('agri'),
        kind: 'MISAPPROPRIATION',
        confirmed: true,
        paymentId: `${projectId}:pay:1`,
        riskCode: 'PAYEE_NOT_IMPLEMENTER',
        against: 'VERIFIER',
      },
    ]);
    const inadmissible = await d.act(tokens.discipline!, agriCase, { type: 'ACCEPT' });
    expect(inadmissible.status).toBe(422);
    expect(inadmissible.json.error.code).toBe('CASE_INADMISSIBLE');
    expect(inadmissible.json.error.message).toContain(
      `项目 ${projectId} 的拨付 ${projectId}:pay:1 经确认存在"收款方非实施主体"（挪用），${id('agri')} 为该笔拨付的核验审批人`,
    );
    await d.ok(tokens.discipline!, agriCase, { type: 'REFUSE', reasons: ['拨付核验中确认收款方非实施主体，属资金违规，不予受理'] });
    // The flag was against no one else of the project: the proposer's case stays admitted (above).
    expect((await s.db.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).context).toMatchObject({ fundViolationFlags: [] });

    // ---- (c) the proposer's case decided with corrective measures ---------------------------------
    await investigate(d, tokens.discipline!, caseId);
    for (const t of memberTokens) await d.ok(t, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    const countyWithoutRole = await d.act(tokens.discipline!, caseId, {
      type: 'DECIDE',
      correctiveMeasures: [{ id: 'm2', description: '补齐拨付核验台账', dueAt: serverNow + 10 * DAY, responsibleOrgUnitId: 'c-qingshan' }],
    });
    expect(countyWithoutRole.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.event.correctiveMeasures.0.responsibleRole' }] });
    const outsideCounty = await d.act(tokens.discipline!, caseId, {
      type: 'DECIDE',
      correctiveMeasures: [{ id: 'm1', description: 'x', dueAt: serverNow + 10 * DAY, responsibleOrgUnitId: 'nowhere' }],
    });
    expect(outsideCounty.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.event.correctiveMeasures.0.responsibleOrgUnitId' }] });
    await d.ok(tokens.discipline!, caseId, {
      type: 'DECIDE',
      correctiveMeasures: [
        { id: 'm1', description: '建立茶园霜冻预警和应急管护制度', dueAt: serverNow + 60 * DAY, responsibleOrgUnitId: 'v-taoyuan' },
        { id: 'm2', description: '补齐拨付核验台账', dueAt: serverNow + 10 * DAY, responsibleOrgUnitId: 'c-qingshan', responsibleRole: 'COUNTY_AGRICULTURE' },
      ],
    });
    await d.ok(tokens.discipline!, caseId, { type: 'SERVE_NOTICE' });
    await d.ok(tokens.discipline!, caseId, { type: 'PUBLICISE_AND_FILE' });
    // Measures become tasks once the result is final: not during the appeal window.
    expect(await s.db.prisma.task.count({ where: { kind: 'CORRECTIVE_MEASURE' } })).toBe(0);
    await sleep(16 * DAY);
    await expect.poll(async () => (await s.db.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).stage, { timeout: 20_000 }).toBe('resultApplied');
    const measureTasks = (await s.db.prisma.task.findMany({ where: { kind: 'CORRECTIVE_MEASURE' } })).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(measureTasks.map((t) => [t.id, t.projectId, t.candidateRole, t.candidateOrgUnitId, t.status])).toEqual([
      [`review-${caseId}:measure:m1`, projectId, 'VILLAGE_COMMITTEE', 'v-taoyuan', 'PENDING'],
      [`review-${caseId}:measure:m2`, projectId, 'COUNTY_AGRICULTURE', 'c-qingshan', 'PENDING'],
    ]);
    // In each unit's inbox with its due date. m2 was due 10 days after the decision: overdue on the
    // server's clock (the inbox judges overdue on the process clock, which the skipped days do not move).
    const agriInbox = await get(tokens.agri!, '/api/tasks?kind=CORRECTIVE_MEASURE');
    expect(agriInbox.json.items.map((t: { id: string; dueAt: string }) => [t.id, Date.parse(t.dueAt) < serverNow])).toEqual([
      [`review-${caseId}:measure:m2`, true],
    ]);
    const villageInbox = await get(tokens.village!, '/api/tasks?kind=CORRECTIVE_MEASURE');
    expect(villageInbox.json.items.map((t: { id: string; dueAt: string }) => [t.id, Date.parse(t.dueAt) < serverNow])).toEqual([
      [`review-${caseId}:measure:m1`, false],
    ]);
    const view = await get(tokens.discipline!, `/api/reviews/${caseId}`);
    expect(view.json.measures.map((m: { measureId: string; status: string; overdue: boolean }) => [m.measureId, m.status, m.overdue])).toEqual([
      ['m2', 'PENDING', true],
      ['m1', 'PENDING', false],
    ]);

    // Completed by the responsible unit only, once.
    const url = (m: string) => `/api/reviews/${caseId}/measures/${m}/complete`;
    const wrongUnit = await post(tokens.village2!, url('m1'), { requestId: rid(), note: '已完成' });
    expect(wrongUnit).toMatchObject({ status: 403, json: { error: { code: 'NOT_A_CANDIDATE' } } });
    expect((await post(tokens.township!, url('m1'), { requestId: rid(), note: '已完成' })).status).toBe(403);
    const doneRid = rid();
    const m1 = await post(tokens.village!, url('m1'), { requestId: doneRid, note: '霜冻预警和应急管护制度已建立并公示', evidence: EVIDENCE });
    expect(m1.status, JSON.stringify(m1.json)).toBe(200);
    expect(m1.json).toMatchObject({ measureId: 'm1', status: 'DONE', completedBy: id('village'), overdue: false });
    expect((await post(tokens.village!, url('m1'), { requestId: doneRid, note: '霜冻预警和应急管护制度已建立并公示', evidence: EVIDENCE })).json).toMatchObject(
      { replayed: true, status: 'DONE' },
    );
    expect((await post(tokens.village!, url('m1'), { requestId: rid(), note: '再次' })).json.error).toMatchObject({ code: 'TASK_NOT_PENDING' });
    const m2 = await post(tokens.agri!, url('m2'), { requestId: rid(), note: '台账已补齐' });
    expect(m2.json).toMatchObject({ status: 'DONE', overdue: true });
    expect(await s.db.prisma.task.count({ where: { kind: 'CORRECTIVE_MEASURE', status: 'PENDING' } })).toBe(0);
    expect(
      (
        await s.db.prisma.auditEvent.findMany({
          where: { entityType: 'ReviewCase', entityId: caseId, action: { in: ['CORRECTIVE_MEASURES_OPENED', 'CORRECTIVE_MEASURE_DONE'] } },
        })
      )
        .map((a) => a.action)
        .sort(),
    ).toEqual(['CORRECTIVE_MEASURES_OPENED', 'CORRECTIVE_MEASURE_DONE', 'CORRECTIVE_MEASURE_DONE']);
    expect((await s.db.prisma.officialRecord.findUniqueOrThrow({ where: { caseId_officialId: { caseId, officialId: id('village') } } })).outcome).toBe(
      'EXEMPT',
    );

    // ---- an application after the window: refused, however it is made ----------------------------
    await sleep(15 * DAY);
    expect(serverNow).toBeGreaterThanOrEqual(closesAt);
    const townshipElig = first.find((e) => e.userId === id('township'))!;
    const late = await d.open(tokens.township!, { opening: 'APPLY', eligibilityId: townshipElig.id, matter: '乡镇审核通过的项目评价为差', lossFen: 0 });
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: 'APPLICATION_WINDOW_CLOSED', details: [{ path: 'body.eligibilityId' }] });
    // By project, claiming a fresh notification: the recorded one decides.
    const claimed = await d.open(tokens.township!, {
      opening: 'APPLY',
      projectIds: [projectId],
      concernedOfficials: [{ userId: id('township') }],
      triggerType: 'POOR_GRADE',
      countyOrgUnitId: 'c-qingshan',
      notifiedAt: serverNow,
      matter: '乡镇审核通过的项目评价为差',
      lossFen: 0,
    });
    expect(claimed.json.error).toMatchObject({ code: 'APPLICATION_WINDOW_CLOSED', details: [{ path: 'body.projectIds' }] });
    expect(await s.db.prisma.reviewCase.count({ where: { concernedUserIds: { has: id('township') } } })).toBe(0);
    // The unused notice left the inbox when the window closed (reviewEligibilityWindow, started by the project's workflow).
    expect((await get(tokens.township!, '/api/tasks?kind=REVIEW_ELIGIBLE')).json.items).toEqual([]);
    const expired = await s.db.prisma.task.findUniqueOrThrow({ where: { id: townshipElig.taskId } });
    expect(expired).toMatchObject({ status: 'CANCELLED', outcome: 'EXPIRED' });
    expect(expired.completedAt!.getTime()).toBeGreaterThanOrEqual(closesAt);
    expect((await get(tokens.township!, '/api/review-eligibilities')).json.items).toEqual([expect.objectContaining({ id: townshipElig.id, open: false })]);

    // ---- rectified: re-evaluated 优, and the honour can be recorded --------------------------------
    await sleep(60 * DAY);
    await evaluate(projectId, handle, 95);
    await expect.poll(async () => (await project(projectId)).latestGrade, { timeout: 20_000 }).toBe('EXCELLENT');
    const excellent = await post(tokens.admin!, honourUrl, { ...honour, requestId: rid() });
    expect(excellent.status, JSON.stringify(excellent.json)).toBe(201);
    expect((await get(tokens.village!, `/api/officials/${id('village')}/record`)).json.honours).toEqual([
      expect.objectContaining({ projectId, title: '产业帮扶先进个人' }),
    ]);
    expect((await eligibilities(projectId)).length).toBe(5);

    // ---- a year on: 差, 差 again, and the replacement: each notifies the same five officials ------
    await sleep(366 * DAY);
    await evaluate(projectId, handle, 50);
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('RECTIFICATION');
    await command(handle, 'village', { type: 'SUBMIT_RECTIFICATION_PLAN', plan: '引入龙头企业托管', dueInDays: 60 });
    await sleep(61 * DAY);
    await evaluate(projectId, handle, 40);
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('REPLACEMENT_REVIEW');
    await command(handle, 'agri', { type: 'PROPOSE_REPLACEMENT', replacementProjectId: replacement.projectId, reason: '茶园经营失败，改建加工厂' });
    await decide(projectId, 'REPLACEMENT_DECISION', 'leader');
    // Polled, not awaited with handle.result(): waiting on a result lets the server skip time.
    await expect.poll(() => stageOf(projectId), { timeout: 20_000 }).toBe('CLOSED');
    await expect.poll(async () => (await eligibilities(projectId)).length, { timeout: 20_000 }).toBe(20);
    const all = await eligibilities(projectId);
    const byTrigger = (trigger: string, ref: string) =>
      all
        .filter((e) => e.trigger === trigger && e.triggerRef === ref)
        .map((e) => e.userId)
        .sort();
    const five = first.map((e) => e.userId).sort();
    expect(byTrigger('POOR_GRADE', `${projectId}:evaluation:3`)).toEqual(five);
    expect(byTrigger('POOR_GRADE', `${projectId}:evaluation:4`)).toEqual(five);
    expect(byTrigger('REPLACEMENT', replacement.projectId)).toEqual(five);
    expect(all).toHaveLength(20);
    expect(
      (await s.db.prisma.auditEvent.findMany({ where: { entityType: 'Project', entityId: projectId, action: 'REVIEW_ELIGIBILITY_NOTIFIED' } })).length,
    ).toBe(4);
    // The township official may apply on the replacement, within its own window.
    await syncClock();
    const onReplacement = await d.open(tokens.township!, {
      opening: 'APPLY',
      projectIds: [projectId],
      concernedOfficials: [{ userId: id('township') }],
      triggerType: 'REPLACEMENT',
      countyOrgUnitId: 'c-qingshan',
      matter: '项目调换',
      lossFen: 1_000_000,
    });
    expect(onReplacement.status, JSON.stringify(onReplacement.json)).toBe(201);
    expect((await s.db.prisma.reviewCase.findUniqueOrThrow({ where: { id: onReplacement.json.caseId } })).triggerType).toBe('REPLACEMENT');
    expect((await handle.result()).stage).toBe('CLOSED');
    // A retried notification (the activity again, as after a worker crash) writes nothing new.
    const tasksBefore = await s.db.prisma.task.count({ where: { kind: 'REVIEW_ELIGIBLE' } });
    const again = await createActivities({ prisma: s.db.prisma }).notifyReviewEligibility({
      projectId,
      trigger: 'POOR_GRADE',
      triggerRef: `${projectId}:evaluation:1`,
      at: notifiedAt,
      windowDays: 30,
    });
    expect(again).toEqual({ userIds: five, closesAt });
    expect(await eligibilities(projectId)).toHaveLength(20);
    expect(await s.db.prisma.task.count({ where: { kind: 'REVIEW_ELIGIBLE' } })).toBe(tasksBefore);
    expect(await s.db.prisma.reviewEligibility.findUniqueOrThrow({ where: { id: villageElig.id } })).toMatchObject({ caseId });
    await replacement.handle.terminate('test done');
    console.log(`[review-trigger] scenario took ${Math.round(performance.now() - started)} ms`);
  }, 240_000);
});
