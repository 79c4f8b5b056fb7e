import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * GET /api/projects: every filter, its validation, and scope. The list reads the projection rows
 * the workflows write, so the projects here are written as rows (no workflow needed to list them).
 */
let s: TTestStack;

const VILLAGES = {
  'v-taoyuan': { townshipId: 't-hexi', orgPath: '/c-qingshan/t-hexi/v-taoyuan/' },
  'v-shiqiao': { townshipId: 't-hexi', orgPath: '/c-qingshan/t-hexi/v-shiqiao/' },
  'v-chaling': { townshipId: 't-dongling', orgPath: '/c-qingshan/t-dongling/v-chaling/' },
} as const;

interface TFixture {
  id: string;
  name: string;
  village: keyof typeof VILLAGES;
  industry: string;
  stage: string;
  createdAt: string;
  grade?: string;
  flags?: Array<{ code: string; status: string }>;
}

const FIXTURES: TFixture[] = [
  { id: 'pl-tea', name: '桃源村茶园提质', village: 'v-taoyuan', industry: '茶叶', stage: 'OPERATION', createdAt: '2025-03-01T02:00:00Z', grade: 'EXCELLENT' },
  {
    id: 'pl-solar',
    name: '石桥村光伏电站',
    village: 'v-shiqiao',
    industry: '光伏',
    stage: 'IMPLEMENTATION',
    createdAt: '2026-05-01T02:00:00Z',
    flags: [{ code: 'DUPLICATE_INVOICE', status: 'OPEN' }],
  },
  {
    id: 'pl-fish',
    name: '石桥村稻渔综合种养',
    village: 'v-shiqiao',
    industry: '水产',
    stage: 'RECTIFICATION',
    createdAt: '2026-06-01T02:00:00Z',
    grade: 'POOR',
    flags: [
      { code: 'PAYEE_NOT_IMPLEMENTER', status: 'CONFIRMED' },
      { code: 'DUPLICATE_INVOICE', status: 'DISMISSED' },
    ],
  },
  // 31 Dec 2025 20:00 UTC is already 1 Jan 2026 in Shanghai: a 2026 project.
  { id: 'pl-tea-dl', name: '茶岭村有机茶', village: 'v-chaling', industry: '茶叶', stage: 'IN_POOL', createdAt: '2025-12-31T20:00:00Z' },
  {
    id: 'pl-herb',
    name: '茶岭村中药材基地',
    village: 'v-chaling',
    industry: '中药材',
    stage: 'TOWNSHIP_REVIEW',
    createdAt: '2026-02-01T02:00:00Z',
    grade: 'GOOD',
    flags: [{ code: 'EXCEEDS_VERIFIED_PROGRESS', status: 'OPEN' }],
  },
];

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  for (const f of FIXTURES) {
    const v = VILLAGES[f.village];
    await s.prisma.project.create({
      data: {
        id: f.id,
        workflowId: `project-${f.id}`,
        name: f.name,
        industry: f.industry,
        orgUnitId: f.village,
        countyId: 'c-qingshan',
        townshipId: v.townshipId,
        villageId: f.village,
        orgPath: v.orgPath,
        budgetFen: 10_000_000n,
        proposerId: s.userIds.village!,
        stage: f.stage,
        proposal: {},
        createdAt: new Date(f.createdAt),
        latestGrade: f.grade ?? null,
      },
    });
    for (const [i, flag] of (f.flags ?? []).entries()) {
      const paymentId = `${f.id}:pay:${i + 1}`;
      await s.prisma.payment.create({
        data: {
          id: paymentId,
          requestId: `req-${paymentId}`,
          projectId: f.id,
          seq: i + 1,
          tranche: 'START',
          amountFen: 100n,
          payeeId: 'x',
          status: 'FLAGGED',
          requestedBy: s.userIds.implementer!,
          requestedAt: new Date(),
        },
      });
      await s.prisma.riskFlag.create({
        data: {
          id: `${paymentId}:${flag.code}`,
          projectId: f.id,
          paymentId,
          code: flag.code,
          status: flag.status,
          message: flag.code,
          details: {},
          raisedAt: new Date(),
        },
      });
    }
  }
});
afterAll(async () => {
  await s?.close();
});

const list = async (who: string, query: Record<string, string | number>) => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return s.app.inject({ method: 'GET', url: `/api/projects?${qs}`, headers: { authorization: `Bearer ${s.tokens[who]}` } });
};
const ids = async (who: string, query: Record<string, string | number> = {}) => {
  const res = await list(who, query);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as Array<{ id: string }>).map((p) => p.id).sort();
};

describe('GET /api/projects filters', () => {
  it('without filters: every project in scope, newest first, with the total', async () => {
    const res = await list('leader', {});
    expect(res.json()).toMatchObject({ total: 5, page: 1, pageSize: 50 });
    expect(res.json().items.map((p: { id: string }) => p.id)).toEqual(['pl-fish', 'pl-solar', 'pl-herb', 'pl-tea-dl', 'pl-tea']);
  });

  it('by org unit: a township or a village subtree', async () => {
    expect(await ids('leader', { orgUnitId: 't-hexi' })).toEqual(['pl-fish', 'pl-solar', 'pl-tea']);
    expect(await ids('leader', { orgUnitId: 'v-shiqiao' })).toEqual(['pl-fish', 'pl-solar']);
    expect(await ids('leader', { orgUnitId: 'c-qingshan' })).toHaveLength(5);
  });

  it('by industry, year (Asia/Shanghai), grade and stage', async () => {
    expect(await ids('leader', { industry: '茶叶' })).toEqual(['pl-tea', 'pl-tea-dl']);
    expect(await ids('leader', { year: 2025 })).toEqual(['pl-tea']);
    expect(await ids('leader', { year: 2026 })).toEqual(['pl-fish', 'pl-herb', 'pl-solar', 'pl-tea-dl']);
    expect(await ids('leader', { grade: 'POOR' })).toEqual(['pl-fish']);
    expect(await ids('leader', { grade: 'EXCELLENT' })).toEqual(['pl-tea']);
    expect(await ids('leader', { stage: 'IN_POOL' })).toEqual(['pl-tea-dl']);
  });

  it('by risk flag: any open flag, or a flag code that is open or confirmed (dismissed ones do not count)', async () => {
    expect(await ids('leader', { riskFlag: 'OPEN' })).toEqual(['pl-herb', 'pl-solar']);
    expect(await ids('leader', { riskFlag: 'DUPLICATE_INVOICE' })).toEqual(['pl-solar']);
    expect(await ids('leader', { riskFlag: 'PAYEE_NOT_IMPLEMENTER' })).toEqual(['pl-fish']);
    expect(await ids('leader', { riskFlag: 'OVERSPEND_NEEDS_NEW_APPROVAL' })).toEqual([]);
  });

  it('by text: part of the name, or the id; filters combine', async () => {
    expect(await ids('leader', { q: '石桥村' })).toEqual(['pl-fish', 'pl-solar']);
    expect(await ids('leader', { q: 'pl-herb' })).toEqual(['pl-herb']);
    expect(await ids('leader', { q: '有机', orgUnitId: 't-dongling', year: 2026 })).toEqual(['pl-tea-dl']);
  });

  it("never shows a project outside the caller's org units, whatever the filter names", async () => {
    // The Dongling reviewer: only Dongling's projects, even when asking for Hexi's township, id or name.
    expect(await ids('township2')).toEqual(['pl-herb', 'pl-tea-dl']);
    expect(await ids('township2', { orgUnitId: 't-hexi' })).toEqual([]);
    expect(await ids('township2', { q: 'pl-fish' })).toEqual([]);
    expect(await ids('township2', { riskFlag: 'DUPLICATE_INVOICE' })).toEqual([]);
    expect(await ids('township2', { industry: '茶叶' })).toEqual(['pl-tea-dl']);
    expect((await list('township2', { grade: 'POOR' })).json().total).toBe(0);
    // A village committee sees its own village only.
    expect(await ids('village', { industry: '茶叶' })).toEqual(['pl-tea']);
  });

  it('refuses bad filter values with 400 VALIDATION_FAILED naming the field', async () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ stage: 'NOPE' }, 'querystring.stage'],
      [{ year: 'abc' }, 'querystring.year'],
      [{ year: 1999 }, 'querystring.year'],
      [{ grade: 'BEST' }, 'querystring.grade'],
      [{ riskFlag: 'ANY' }, 'querystring.riskFlag'],
      [{ orgUnitId: 'x-unknown' }, 'querystring.orgUnitId'],
      [{ q: 'x'.repeat(101) }, 'querystring.q'],
      [{ industry: 'x'.repeat(61) }, 'querystring.industry'],
    ];
    for (const [query, path] of cases) {
      const res = await list('leader', query);
      expect([res.statusCode, res.json().error.code, res.json().error.details[0]?.path], JSON.stringify(query)).toEqual([400, 'VALIDATION_FAILED', path]);
    }
  });

  it('answers 401 without a credential', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/projects?grade=GOOD' });
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
