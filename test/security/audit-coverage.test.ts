import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveThroughCounty, newRequestId, sampleProposal, startTestStack, tenDayPublicityApp, type TTestStack } from '../support/stack';
import { addDisciplineUsers, addProject, caseBody, caseWithFinalMeasure, driver, type TDriver } from '../workflows/fault-tolerance-support';
import { PASSED_CHECKS } from '../support/proposal';

/**
 * Issue #6: "every state-changing call is audited". The authorization matrix checks that for its
 * cells; the five state-changing routes it leaves to other files (they need a project or a case in
 * a given stage) are checked here the same way: one successful call leaves exactly one new
 * AuditEvent naming the caller, with the action and the entity it acted on; a refused call (403 or
 * 400) leaves none naming the caller and none under its requestId.
 */
let s: TTestStack;
/** The same system whose county posts the village publicity for 10 days, so objections find it open. */
let publicityApp: FastifyInstance;
let d: TDriver;
let members: Record<string, { id: string; token: string }>;

beforeAll(async () => {
  s = await startTestStack();
  publicityApp = await tenDayPublicityApp(s);
  d = driver(s.app);
  members = await addDisciplineUsers(s.prisma, ['d2', 'p1']);
  await addProject(s.prisma, { id: 'P-audit-case', name: '桃源村茶园（审计·容错）', proposerId: s.userIds.village! });
  await addProject(s.prisma, { id: 'P-audit-measure', name: '桃源村茶园（审计·整改）', proposerId: s.userIds.village! });
});
afterAll(async () => {
  await publicityApp?.close();
  await s?.close();
});

const post = (url: string, who: string, payload: object, app = s.app) =>
  app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${s.tokens[who]}` }, payload });

const lastAuditId = async () => (await s.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
const auditBy = async (who: string, after: bigint) =>
  (await s.prisma.auditEvent.findMany({ where: { id: { gt: after }, actorId: s.userIds[who] }, orderBy: { id: 'asc' } })).map((a) => ({
    action: a.action,
    entityType: a.entityType,
    entityId: a.entityId,
  }));
const settle = () => new Promise((r) => setTimeout(r, 1_000));

/** `call` succeeds and leaves exactly one audit event by `who`: `want`. Polled, as workflow activities write after the answer. */
async function expectAudited(who: string, call: () => ReturnType<typeof post>, want: { action: string; entityType: string; entityId: string }) {
  const after = await lastAuditId();
  const res = await call();
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(200);
  expect(res.statusCode, res.body).toBeLessThan(300);
  await expect.poll(() => auditBy(who, after), { timeout: 15_000 }).toEqual([want]);
  await settle();
  expect(await auditBy(who, after)).toEqual([want]);
  return res;
}

/** `call` is refused with `status` and leaves no audit event by `who` nor under `requestId`. */
async function expectRefusedUnaudited(who: string, status: 400 | 403, requestId: string, call: () => ReturnType<typeof post>) {
  const after = await lastAuditId();
  const res = await call();
  expect(res.statusCode, res.body).toBe(status);
  await settle();
  expect(await auditBy(who, after)).toEqual([]);
  expect(await s.prisma.auditEvent.count({ where: { id: { gt: after }, requestId } })).toBe(0);
}

/** Proposed and approved by the township (publicity 0 days), through the county, in the pool. */
async function poolProject(name: string) {
  const started = await post('/api/projects', 'village', { ...sampleProposal({ name }), requestId: newRequestId() });
  expect(started.statusCode, started.body).toBe(201);
  const { projectId, taskId } = started.json() as { projectId: string; taskId: string };
  expect(
    (await post(`/api/tasks/${encodeURIComponent(taskId)}/decision`, 'township', { action: 'approve', checks: PASSED_CHECKS, requestId: newRequestId() }))
      .statusCode,
  ).toBe(200);
  await approveThroughCounty(s, projectId);
  await expect.poll(async () => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage, { timeout: 15_000 }).toBe('IN_POOL');
  return projectId;
}

describe('the state-changing routes outside the authorization matrix audit their caller', () => {
  it('POST /api/projects/:id/objections', async () => {
    const started = await post('/api/projects', 'village', { ...sampleProposal({ name: '审计异议项目' }), requestId: newRequestId() }, publicityApp);
    const { projectId } = started.json() as { projectId: string };
    await expect.poll(() => s.prisma.publicity.count({ where: { projectId, outcome: null } }), { timeout: 15_000 }).toBe(1);
    const url = `/api/projects/${projectId}/objections`;
    const bad = newRequestId();
    await expectRefusedUnaudited('township', 400, bad, () => post(url, 'township', { text: '', requestId: bad }, publicityApp));
    await expectAudited('township', () => post(url, 'township', { text: '占用了集体林地', requestId: newRequestId() }, publicityApp), {
      action: 'OBJECTION_LODGED',
      entityType: 'Project',
      entityId: projectId,
    });
  });

  it('POST /api/projects/:id/funding and POST /api/projects/:id/actions', async () => {
    const projectId = await poolProject('审计资金项目');
    const funding = `/api/projects/${projectId}/funding`;
    const bad = newRequestId();
    await expectRefusedUnaudited('township', 403, bad, () => post(funding, 'township', { fiscalYear: 2027, amountFen: 40_000_000, requestId: bad }));
    await expectAudited('finance', () => post(funding, 'finance', { fiscalYear: 2027, amountFen: 40_000_000, requestId: newRequestId() }), {
      action: 'FUNDS_ALLOCATED',
      entityType: 'Project',
      entityId: projectId,
    });

    const actions = `/api/projects/${projectId}/actions`;
    const badAction = newRequestId();
    await expectRefusedUnaudited('township', 403, badAction, () =>
      post(actions, 'township', { requestId: badAction, command: { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['slip.pdf'] } }),
    );
    await expectAudited(
      'implementer',
      () =>
        post(actions, 'implementer', { requestId: newRequestId(), command: { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['银行进账单.pdf'] } }),
      { action: 'CAPITAL_REPORTED', entityType: 'Project', entityId: projectId },
    );
  });

  it('POST /api/reviews/:id/actions', async () => {
    const opened = await d.open(s.tokens.village!, { ...caseBody({ officialId: s.userIds.village! }), projectIds: ['P-audit-case'] });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const caseId = opened.json.caseId as string;
    const url = `/api/reviews/${caseId}/actions`;
    const bad = newRequestId();
    // A malformed event (no reasons for a refusal) is refused before the case sees it.
    await expectRefusedUnaudited('discipline', 400, bad, () => post(url, 'discipline', { requestId: bad, event: { type: 'REFUSE', reasons: [] } }));
    await expectAudited('discipline', () => post(url, 'discipline', { requestId: newRequestId(), event: { type: 'ACCEPT' } }), {
      action: 'REVIEW_ACCEPT',
      entityType: 'ReviewCase',
      entityId: caseId,
    });
  });

  it('POST /api/reviews/:id/measures/:measureId/complete', async () => {
    const caseId = await caseWithFinalMeasure(d, {
      projectId: 'P-audit-measure',
      official: { id: s.userIds.village!, token: s.tokens.village! },
      discipline: { id: s.userIds.discipline!, token: s.tokens.discipline! },
      d2: members.d2!,
      p1: members.p1!,
      measure: { description: '建立茶园霜冻预警制度', responsibleOrgUnitId: 'v-taoyuan' },
    });
    await expect
      .poll(() => s.prisma.task.count({ where: { workflowId: `review-${caseId}`, kind: 'CORRECTIVE_MEASURE', status: 'PENDING' } }), { timeout: 15_000 })
      .toBe(1);
    const url = `/api/reviews/${caseId}/measures/m1/complete`;
    const bad = newRequestId();
    // Another village's committee is not the responsible unit.
    await expectRefusedUnaudited('village2', 403, bad, () => post(url, 'village2', { requestId: bad, note: '已完成' }));
    await expectAudited('village', () => post(url, 'village', { requestId: newRequestId(), note: '霜冻预警制度已建立' }), {
      action: 'CORRECTIVE_MEASURE_DONE',
      entityType: 'ReviewCase',
      entityId: caseId,
    });
  });
});
