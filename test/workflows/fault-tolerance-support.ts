import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import type { TPrisma } from '../../src/db/prisma';
import { CRITERIA } from '../../src/domain/fault-tolerance';
import { taoyuanProjectRow } from '../support/project-row';
import { startTestStack } from '../support/stack';

export const DAY = 86_400_000;
export const EVIDENCE = ['https://records.example/qingshan/meeting-2026-03.pdf'];
export const rid = () => `req-${crypto.randomUUID()}`;

/**
 * Extra holders of the deciding role (DISCIPLINE_INSPECTION over the county) with tokens. Their
 * grants are dated one second apart after the seeded `discipline`'s, in the order named, so the
 * county's draw (deciding-body.ts: the longest-serving larger half sits first, the rest hear the
 * appeal) is known: with ['d2', 'd3', 'p1', 'p2', 'p3'] the first body is discipline, d2 and d3.
 */
export async function addDisciplineUsers(prisma: TPrisma, names: string[]): Promise<Record<string, { id: string; token: string }>> {
  const out: Record<string, { id: string; token: string }> = {};
  const base = Date.now() + 1_000;
  for (const [i, name] of names.entries()) {
    const user = await prisma.user.create({
      data: { username: `${name}-${crypto.randomBytes(3).toString('hex')}`, displayName: `纪委委员${name}`, passwordHash: 'x', homeOrgUnitId: 'c-qingshan' },
    });
    await prisma.roleAssignment.create({
      data: { userId: user.id, role: 'DISCIPLINE_INSPECTION', orgUnitId: 'c-qingshan', createdAt: new Date(base + i * 1_000) },
    });
    out[name] = { id: user.id, token: await issueToken(prisma, user.id, 'test') };
  }
  return out;
}

/** A project row of the demo county (Taoyuan village), proposed by `proposerId`, for cases that need one in the database. */
export async function addProject(prisma: TPrisma, o: { id: string; name: string; proposerId: string }) {
  await prisma.project.create({
    data: taoyuanProjectRow({ id: o.id, name: o.name, budgetFen: 50_000_000n, proposerId: o.proposerId, stage: 'EVALUATION' }),
  });
}

/** A test stack, its HTTP driver, the extra deciding-role holders `names` and, when given, a project proposed by the village. */
export async function startCaseStack(names: string[], project?: { id: string; name: string }) {
  const s = await startTestStack();
  const d = driver(s.app);
  const m = await addDisciplineUsers(s.prisma, names);
  if (project) await addProject(s.prisma, { ...project, proposerId: s.userIds.village! });
  return { s, d, m };
}

export interface TDriver {
  open(token: string, body: Record<string, unknown>): Promise<{ status: number; json: any }>;
  act(token: string, caseId: string, event: Record<string, unknown>, requestId?: string): Promise<{ status: number; json: any }>;
  ok(token: string, caseId: string, event: Record<string, unknown>): Promise<any>;
}

export function driver(app: FastifyInstance): TDriver {
  const call = async (token: string, url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
    return { status: res.statusCode, json: res.json() };
  };
  const d: TDriver = {
    open: (token, body) => call(token, '/api/reviews', { requestId: rid(), ...body }),
    act: (token, caseId, event, requestId = rid()) => call(token, `/api/reviews/${caseId}/actions`, { requestId, event }),
    async ok(token, caseId, event) {
      const res = await d.act(token, caseId, event);
      expect(res.status, `${String(event.type)}: ${JSON.stringify(res.json)}`).toBe(200);
      return res.json;
    },
  };
  return d;
}

/** A case about P-tea-pilot; the deciding body, its rules and the approvers are the county's. */
export function caseBody(o: { officialId: string; opening?: 'APPLY' | 'OPEN_BY_BODY'; exclusions?: unknown[] }) {
  return {
    opening: o.opening ?? 'APPLY',
    countyOrgUnitId: 'c-qingshan',
    projectIds: ['P-tea-pilot'],
    concernedOfficials: [{ userId: o.officialId, post: '村党支部书记' }],
    matter: '高山茶园试点项目因霜冻和市场价格下跌造成亏损',
    lossFen: 1_234_500,
    triggerType: 'POOR_GRADE',
    notifiedAt: Date.now() - DAY,
    exclusions: o.exclusions ?? [],
  };
}

/** The members of a case's body in round `round` (0: first, 1: appeal), as the system drew them. */
export async function bodyMembers(prisma: TPrisma, caseId: string, round = 0): Promise<string[]> {
  const row = await prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
  return (row.context as { rounds: Array<{ body: { memberIds: string[] } }> }).rounds[round]!.body.memberIds;
}

/** Every criterion found MET with evidence by `token`'s holder, then the investigation closed. */
export async function investigate(d: TDriver, token: string, caseId: string) {
  for (const criterion of CRITERIA) {
    await d.ok(token, caseId, { type: 'RECORD_FINDING', criterion, value: 'MET', evidence: EVIDENCE });
  }
  await d.ok(token, caseId, { type: 'COMPLETE_INVESTIGATION' });
}

/**
 * Over the API, a case about `projectId` whose final result carries one corrective measure (id
 * m1) for `responsibleOrgUnitId`, in a county whose deciding-role holders are discipline, d2 and p1
 * (granted in that order): the county body (discipline + d2) decides, the official appeals, the
 * appeal body (p1 alone, the holder new to the case) decides again with the measure, and its filing makes the result final
 * at once (one appeal only), so the measure's task opens without waiting out an appeal window.
 */
export async function caseWithFinalMeasure(
  d: TDriver,
  o: {
    projectId: string;
    official: { id: string; token: string };
    discipline: { id: string; token: string };
    d2: { id: string; token: string };
    p1: { id: string; token: string };
    measure: { description: string; responsibleOrgUnitId: string };
  },
): Promise<string> {
  const opened = await d.open(o.official.token, { ...caseBody({ officialId: o.official.id }), projectIds: [o.projectId] });
  expect(opened.status, JSON.stringify(opened.json)).toBe(201);
  const caseId = opened.json.caseId as string;
  await d.ok(o.discipline.token, caseId, { type: 'ACCEPT' });
  await investigate(d, o.discipline.token, caseId);
  await d.ok(o.discipline.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
  await d.ok(o.d2.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
  for (const type of ['DECIDE', 'SERVE_NOTICE', 'PUBLICISE_AND_FILE']) await d.ok(o.discipline.token, caseId, { type });
  await d.ok(o.official.token, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力' });
  await d.ok(o.p1.token, caseId, { type: 'OPEN_APPEAL_REVIEW' });
  await investigate(d, o.p1.token, caseId);
  await d.ok(o.p1.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
  await d.ok(o.p1.token, caseId, { type: 'DECIDE', correctiveMeasures: [{ id: 'm1', ...o.measure, dueAt: Date.now() + 30 * DAY }] });
  for (const type of ['SERVE_NOTICE', 'PUBLICISE_AND_FILE']) await d.ok(o.p1.token, caseId, { type });
  return caseId;
}
