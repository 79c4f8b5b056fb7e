import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import type { Role } from '../../src/generated/prisma/client';
import { taoyuanProjectRow } from '../support/project-row';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * GET /api/rollups and the 上报 exports, on a province built with Prisma directly: 示省 (p-rt) with
 * two cities, 甲市 (two counties) and 乙市 (one county). This is a read-model test: the projects,
 * allocations, payments, evaluations, flags, tasks, review cases and assets are projection rows
 * written directly (what the activities would write), so the sums are known to the fen.
 */
let s: TTestStack;
const token: Record<string, string> = {};

const UNITS = [
  { id: 'p-rt', name: '示省', level: 'PROVINCE', parentId: null, path: '/p-rt/' },
  { id: 'm-jia', name: '甲市', level: 'CITY', parentId: 'p-rt', path: '/p-rt/m-jia/' },
  { id: 'm-yi', name: '乙市', level: 'CITY', parentId: 'p-rt', path: '/p-rt/m-yi/' },
  { id: 'c-ja1', name: '甲一县', level: 'COUNTY', parentId: 'm-jia', path: '/p-rt/m-jia/c-ja1/' },
  { id: 'c-ja2', name: '甲二县', level: 'COUNTY', parentId: 'm-jia', path: '/p-rt/m-jia/c-ja2/' },
  { id: 'c-yi1', name: '乙一县', level: 'COUNTY', parentId: 'm-yi', path: '/p-rt/m-yi/c-yi1/' },
] as const;
const COUNTIES = ['c-ja1', 'c-ja2', 'c-yi1'] as const;
const townOf = (c: string) => ({ id: `t-${c}`, name: `${c}镇`, path: `${UNITS.find((u) => u.id === c)!.path}t-${c}/` });
const villageOf = (c: string) => ({ id: `v-${c}`, name: `${c}村`, path: `${townOf(c).path}v-${c}/` });

// Per county: projects (stage, budget), allocations, paid payments (source, fen), one unpaid.
// Odd fen everywhere, so a sum that lost or rounded a fen shows.
const DATA = {
  'c-ja1': {
    projects: [
      ['IMPLEMENTATION', 100_000_001n],
      ['OPERATION', 2_000_000_003n],
      ['TOWNSHIP_REVIEW', 5_000_007n],
    ],
    alloc: [60_000_011n, 1_500_000_013n],
    paid: [
      ['CENTRAL_LINKAGE', 30_000_017n],
      ['LOCAL', 12_345_679n],
      [null, 99n],
    ],
  },
  'c-ja2': {
    projects: [['IMPLEMENTATION', 70_000_019n]],
    alloc: [70_000_019n],
    paid: [
      ['CENTRAL_LINKAGE', 7_000_023n],
      ['OTHER', 1n],
    ],
  },
  'c-yi1': {
    projects: [
      ['IN_POOL', 9_000_000_029n],
      ['IMPLEMENTATION', 40_000_031n],
    ],
    alloc: [40_000_031n],
    paid: [['LOCAL', 20_000_037n]],
  },
} as const;
const YEAR = 2025;

async function user(username: string, role: Role, orgUnitId: string) {
  const u = await s.prisma.user.create({ data: { username, displayName: username, passwordHash: 'x', roles: { create: { role, orgUnitId } } } });
  token[username] = await issueToken(s.prisma, u.id, 'test');
}

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  for (const u of UNITS) await s.prisma.orgUnit.create({ data: { ...u } });
  for (const c of COUNTIES) {
    await s.prisma.orgUnit.create({ data: { ...townOf(c), level: 'TOWNSHIP', parentId: c } });
    await s.prisma.orgUnit.create({ data: { ...villageOf(c), level: 'VILLAGE', parentId: townOf(c).id } });
    const d = DATA[c];
    let i = 0;
    for (const [stage, budgetFen] of d.projects) {
      const id = `${c}-p${++i}`;
      await s.prisma.project.create({
        data: taoyuanProjectRow({
          id,
          proposerId: s.userIds.village!,
          name: `${c}项目${i}`,
          orgUnitId: villageOf(c).id,
          countyId: c,
          townshipId: townOf(c).id,
          villageId: villageOf(c).id,
          orgPath: villageOf(c).path,
          stage,
          budgetFen,
          createdAt: new Date(`${YEAR}-03-0${i}T02:00:00Z`),
        }),
      });
    }
    const first = `${c}-p1`;
    for (const [k, amountFen] of d.alloc.entries()) {
      await s.prisma.fundAllocation.create({ data: { requestId: `alloc-${c}-${k}`, projectId: `${c}-p${k + 1}`, fiscalYear: YEAR, amountFen, actorId: 'x' } });
    }
    // An allocation of another fiscal year: counted without a year, not in YEAR's report.
    await s.prisma.fundAllocation.create({ data: { requestId: `alloc-${c}-old`, projectId: first, fiscalYear: YEAR - 1, amountFen: 1_000n, actorId: 'x' } });
    for (const [k, [fiscalSource, amountFen]] of d.paid.entries()) {
      await s.prisma.payment.create({
        data: {
          id: `${first}:pay:${k + 1}`,
          requestId: `pay-${c}-${k}`,
          projectId: first,
          seq: k + 1,
          tranche: 'START',
          amountFen,
          payeeId: 'x',
          fiscalSource,
          status: 'PAID',
          requestedBy: 'x',
          requestedAt: new Date(`${YEAR}-05-01T00:00:00Z`),
          paidAt: new Date(`${YEAR}-05-02T00:00:00Z`),
          voucherNo: `V-${c}-${k}`,
        },
      });
    }
    // Requested, not paid: never in a disbursed sum.
    await s.prisma.payment.create({
      data: {
        id: `${first}:pay:9`,
        requestId: `pay-${c}-9`,
        projectId: first,
        seq: 9,
        tranche: 'START',
        amountFen: 5_555n,
        payeeId: 'x',
        fiscalSource: 'LOCAL',
        status: 'FLAGGED',
        requestedBy: 'x',
        requestedAt: new Date(),
      },
    });
    await s.prisma.riskFlag.create({
      data: {
        id: `${first}:pay:9:X`,
        projectId: first,
        paymentId: `${first}:pay:9`,
        code: 'DUPLICATE_INVOICE',
        status: 'OPEN',
        message: 'x',
        details: {},
        raisedAt: new Date(),
      },
    });
  }
  // 甲一县: an approved 优 in 2025 (decided 31 Dec 2025 20:00 UTC = 2026 in Shanghai) and a 差 in 2025.
  await s.prisma.evaluation.create({
    data: {
      id: 'c-ja1-p2:evaluation:1',
      projectId: 'c-ja1-p2',
      seq: 1,
      indicators: {},
      scoreTenths: 950,
      grade: 'EXCELLENT',
      outcomeClass: 'CONSOLIDATE',
      status: 'APPROVED',
      submittedBy: 'x',
      submittedAt: new Date('2025-12-01T00:00:00Z'),
      decidedAt: new Date('2025-12-31T20:00:00Z'),
    },
  });
  await s.prisma.evaluation.create({
    data: {
      id: 'c-ja1-p1:evaluation:1',
      projectId: 'c-ja1-p1',
      seq: 1,
      indicators: {},
      scoreTenths: 500,
      grade: 'POOR',
      outcomeClass: 'ADJUST',
      status: 'APPROVED',
      submittedBy: 'x',
      submittedAt: new Date('2025-06-01T00:00:00Z'),
      decidedAt: new Date('2025-06-02T00:00:00Z'),
    },
  });
  // An overdue pending task in 乙一县, and one not yet due.
  for (const [id, dueAt] of [
    ['t-over', '2025-01-01T00:00:00Z'],
    ['t-later', '2999-01-01T00:00:00Z'],
  ] as const) {
    await s.prisma.task.create({
      data: {
        id,
        projectId: 'c-yi1-p1',
        workflowId: 'project-c-yi1-p1',
        stepKey: 's',
        kind: 'FUNDING',
        title: '资金下达',
        status: 'PENDING',
        dueAt: new Date(dueAt),
      },
    });
  }
  // Review cases: 甲一县 one exempt, one undecided.
  for (const [id, outcome] of [
    ['rc-1', 'EXEMPT'],
    ['rc-2', null],
  ] as const) {
    await s.prisma.reviewCase.create({
      data: {
        id,
        workflowId: `review-${id}`,
        stage: outcome ? 'resultApplied' : 'investigation',
        outcome,
        countyId: 'c-ja1',
        county: '甲一县',
        projectIds: ['c-ja1-p1'],
        concernedUserIds: [],
        concernedOfficials: [],
        matter: 'x',
        triggerType: 'POOR_GRADE',
        openedById: 'x',
        context: {},
        openedAt: new Date('2025-07-01T00:00:00Z'),
      },
    });
  }
  // Assets: a city's ledger lists them, with names and yuan.
  const asset = (id: string, projectId: string, valueFen: bigint, extra: object = {}) =>
    s.prisma.asset.create({
      data: {
        id,
        requestId: `a-${id}`,
        projectId,
        name: `${id}资产`,
        assetClass: 'OPERATING',
        valueFen,
        owner: '村集体经济组织',
        custodian: '村委会',
        registeredBy: 'x',
        registeredAt: new Date('2025-08-01T03:00:00Z'),
        ...extra,
      },
    });
  await asset('tea', 'c-ja1-p2', 123_456_789n, { certificateNo: 'ZS-001', handedOverAt: new Date('2025-08-31T17:00:00Z'), handedOverBy: 'x' });
  await asset('road', 'c-ja2-p1', 1n, { assetClass: 'PUBLIC_WELFARE', owner: '=1+1' });
  await asset('herd', 'c-yi1-p2', 500_000_000_07n, { assetClass: 'HOUSEHOLD' });
  // Imported from 甲二县's legacy ledger: no project, placed by its own village.
  await s.prisma.asset.create({
    data: {
      id: 'well',
      requestId: 'a-well',
      name: '机井',
      assetClass: 'PUBLIC_WELFARE',
      fundingSource: 'RELOCATION',
      ledgerCode: 'JE-0007',
      countyId: 'c-ja2',
      orgUnitId: villageOf('c-ja2').id,
      orgPath: villageOf('c-ja2').path,
      valueFen: 8_800_003n,
      owner: '村集体经济组织',
      custodian: '村委会',
      registeredBy: 'x',
      registeredAt: new Date('2019-05-01T03:00:00Z'),
    },
  });

  await user('rt-province', 'MONITOR', 'p-rt');
  await user('rt-city', 'MONITOR', 'm-jia');
  await user('rt-county', 'COUNTY_FINANCE', 'c-ja1');
});
afterAll(async () => {
  await s?.close();
});

async function get(who: string, url: string) {
  return s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token[who] ?? s.tokens[who]}` } });
}
async function rollup(who: string, query: string) {
  const res = await get(who, `/api/rollups?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
type TFig = {
  projectCount: number;
  budgetFen: string;
  allocatedFen: string;
  disbursedFen: string;
  disbursedBySource: Array<{ source: string; disbursedFen: string; count: number }>;
};
const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const paidOf = (c: keyof typeof DATA, source: string | null) => sum(DATA[c].paid.filter(([s]) => s === source).map(([, f]) => f));

describe('GET /api/rollups', () => {
  it("gives a city official its counties only, each figure exactly the sum of the county's rows in fen", async () => {
    const r = await rollup('rt-city', `orgUnitId=m-jia&year=${YEAR}`);
    expect(r.unit).toMatchObject({ id: 'm-jia', level: 'CITY' });
    expect(r.trail).toEqual([]);
    expect(r.groups.map((g: { id: string }) => g.id)).toEqual(['c-ja1', 'c-ja2']);
    expect(r.counties.map((g: { id: string }) => g.id)).toEqual(['c-ja1', 'c-ja2']);
    for (const row of r.groups as Array<{ id: keyof typeof DATA; name: string; figures: TFig }>) {
      const d = DATA[row.id];
      expect(row.figures.projectCount).toBe(d.projects.length);
      expect(BigInt(row.figures.budgetFen)).toBe(sum(d.projects.map(([, b]) => b)));
      expect(BigInt(row.figures.allocatedFen)).toBe(sum(d.alloc));
      expect(BigInt(row.figures.disbursedFen)).toBe(sum(d.paid.map(([, f]) => f)));
      for (const src of ['CENTRAL_LINKAGE', 'LOCAL', 'OTHER'] as const) {
        expect(BigInt(row.figures.disbursedBySource.find((x) => x.source === src)!.disbursedFen), `${row.id} ${src}`).toBe(paidOf(row.id, src));
      }
      expect(BigInt(row.figures.disbursedBySource.find((x) => x.source === 'UNKNOWN')!.disbursedFen)).toBe(paidOf(row.id, null));
    }
    const ja1 = r.groups[0];
    expect(ja1.name).toBe('甲一县');
    expect(ja1.figures.openRiskFlags).toBe(1);
    expect(ja1.figures.reviews).toEqual({
      total: 2,
      byOutcome: [
        { outcome: 'EXEMPT', count: 1 },
        { outcome: 'PENDING', count: 1 },
      ],
    });
    // Grades by the Shanghai year decided: the 优 decided at 04:00 on 1 Jan 2026 there is a 2026 grade.
    expect(ja1.figures.gradesByYear).toEqual([
      { year: 2025, counts: { EXCELLENT: 0, GOOD: 0, FAIR: 0, POOR: 1 }, total: 1 },
      { year: 2026, counts: { EXCELLENT: 1, GOOD: 0, FAIR: 0, POOR: 0 }, total: 1 },
    ]);
    // The total is both counties, and nothing of 乙市.
    expect(BigInt(r.total.disbursedFen)).toBe(sum([...DATA['c-ja1'].paid, ...DATA['c-ja2'].paid].map(([, f]) => f)));
    expect(BigInt(r.total.allocatedFen)).toBe(sum([...DATA['c-ja1'].alloc, ...DATA['c-ja2'].alloc]));
    expect(r.total.overdueTasks).toBe(0);
    expect(r.total.projectCount).toBe(4);
  });

  it('gives a province official both cities, each the exact sum of its counties, and every county to drill to', async () => {
    const r = await rollup('rt-province', 'orgUnitId=p-rt');
    expect(r.groups.map((g: { id: string; level: string }) => [g.id, g.level])).toEqual([
      ['m-jia', 'CITY'],
      ['m-yi', 'CITY'],
    ]);
    expect(r.counties.map((g: { id: string }) => g.id)).toEqual([...COUNTIES]);
    const byId = (id: string) =>
      [...r.groups, ...r.counties].find((g: { id: string }) => g.id === id).figures as TFig & { overdueTasks: number; allocationCount: number };
    for (const key of ['budgetFen', 'allocatedFen', 'disbursedFen'] as const) {
      expect(BigInt(byId('m-jia')[key])).toBe(BigInt(byId('c-ja1')[key]) + BigInt(byId('c-ja2')[key]));
      expect(BigInt(r.total[key])).toBe(BigInt(byId('m-jia')[key]) + BigInt(byId('m-yi')[key]));
    }
    // Without a year, the other fiscal year's allocations count too (three counties × 1,000 fen).
    expect(BigInt(r.total.allocatedFen)).toBe(sum(COUNTIES.flatMap((c) => DATA[c].alloc)) + 3_000n);
    // 9,000,000,029 + … fen: beyond 2^31, exact as a string.
    expect(r.total.budgetFen).toBe(String(sum(COUNTIES.flatMap((c) => DATA[c].projects.map(([, b]) => b)))));
    expect(byId('m-yi').overdueTasks).toBe(1);
    expect(r.total.openRiskFlags).toBe(3);
  });

  it('drills from a county to its townships, with the province and city above it in the trail', async () => {
    const r = await rollup('rt-province', 'orgUnitId=c-ja1');
    expect(r.trail.map((u: { id: string }) => u.id)).toEqual(['p-rt', 'm-jia']);
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]).toMatchObject({ id: 't-c-ja1', level: 'TOWNSHIP', figures: { projectCount: 3, reviews: null } });
    expect(r.counties).toEqual([]);
    expect(r.total.reviews.total).toBe(2);
  });

  it('refuses a county official asking for the city (403 OUT_OF_SCOPE), an unknown unit (404) and a caller without a token (401)', async () => {
    const city = await get('rt-county', '/api/rollups?orgUnitId=m-jia');
    expect(city.statusCode).toBe(403);
    expect(city.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', details: [{ path: 'querystring.orgUnitId' }] });
    const other = await get('rt-city', '/api/rollups?orgUnitId=c-yi1');
    expect(other.statusCode).toBe(403);
    expect((await get('rt-city', '/api/rollups?orgUnitId=nowhere')).json().error.code).toBe('NOT_FOUND');
    expect((await s.app.inject({ method: 'GET', url: '/api/rollups?orgUnitId=p-rt' })).statusCode).toBe(401);
    // The county official's own county is theirs to roll up.
    expect((await rollup('rt-county', 'orgUnitId=c-ja1')).total.projectCount).toBe(3);
  });

  it('lists where my roll-ups start, and whether the menu offers them', async () => {
    expect((await get('rt-city', '/api/rollups/units')).json()).toEqual({
      items: [{ id: 'm-jia', name: '甲市', level: 'CITY', path: '/p-rt/m-jia/' }],
      aboveCounty: true,
    });
    expect((await get('rt-county', '/api/rollups/units')).json()).toMatchObject({ items: [{ id: 'c-ja1' }], aboveCounty: false });
  });
});

// ---- 上报 exports -------------------------------------------------------------------------

interface TCell {
  v: string | number | null;
  t: 'text' | 'number';
  fmt: string;
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'bangfu-rollup-'));
let n = 0;
function readWorkbook(body: Buffer): Array<{ name: string; rows: Array<Array<TCell | null>> }> {
  const file = path.join(dir, `x-${++n}.xlsx`);
  writeFileSync(file, body);
  return JSON.parse(execFileSync('python3', [path.resolve('test/support/read_xlsx.py'), file], { encoding: 'utf8' }));
}
/** RFC 4180 CSV as rows of strings (quoted fields with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else {
      field += ch;
    }
  }
  return rows;
}
const yuanToFen = (yuan: string) => {
  expect(yuan).toMatch(/^-?\d+\.\d{2}$/);
  return BigInt(yuan.replace('.', ''));
};

const FUNDS_HEADERS = [
  '市(州)',
  '县(区)',
  '年度',
  '下达资金(元)',
  '下达笔数',
  '已拨付合计(元)',
  '中央衔接资金(元)',
  '地方财政资金(元)',
  '其他资金(元)',
  '来源未记录(元)',
  '拨付笔数',
];
const ASSET_HEADERS = [
  '县(区)',
  '乡镇',
  '村',
  '资产编号',
  '项目名称',
  '资产名称',
  '资产类别',
  '资金来源',
  '资产价值(元)',
  '所有权人',
  '管护主体',
  '权属证书号',
  '登记日期',
  '移交日期',
];

describe('上报 exports', () => {
  it('funds by source as CSV: a row per county of the province for the year, exact yuan, and a total row equal to the rows', async () => {
    const res = await get('rt-province', `/api/rollups/funds-by-source.csv?orgUnitId=p-rt&year=${YEAR}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="funds-by-source-p-rt-2025-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(res.body.slice(1));
    expect(header).toEqual(FUNDS_HEADERS);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['甲市', '甲一县', '2025'],
      ['甲市', '甲二县', '2025'],
      ['乙市', '乙一县', '2025'],
      ['合计', '', '2025'],
    ]);
    COUNTIES.forEach((c, i) => {
      const row = rows[i]!;
      // This year's allocations only: the 1,000 fen of the year before are not in it.
      expect(yuanToFen(row[3]!)).toBe(sum(DATA[c].alloc));
      expect(Number(row[4])).toBe(DATA[c].alloc.length);
      expect(yuanToFen(row[5]!)).toBe(sum(DATA[c].paid.map(([, f]) => f)));
      expect([6, 7, 8, 9].map((k) => yuanToFen(row[k]!))).toEqual([paidOf(c, 'CENTRAL_LINKAGE'), paidOf(c, 'LOCAL'), paidOf(c, 'OTHER'), paidOf(c, null)]);
      expect(Number(row[10])).toBe(DATA[c].paid.length);
    });
    const total = rows[3]!;
    for (const k of [3, 5, 6, 7, 8, 9]) expect(yuanToFen(total[k]!), FUNDS_HEADERS[k]).toBe(sum(rows.slice(0, 3).map((r) => yuanToFen(r[k]!))));
    expect(total[3]).toBe('16700000.74');
  });

  it('funds by source as XLSX for a city: its counties only, numbers in yuan equal to the fen', async () => {
    const res = await get('rt-city', `/api/rollups/funds-by-source.xlsx?orgUnitId=m-jia&year=${YEAR}`);
    expect(res.statusCode, res.body).toBe(200);
    const [sheet] = readWorkbook(res.rawPayload);
    expect(sheet!.name).toBe('资金来源汇总');
    expect(sheet!.rows[0]!.map((c) => c?.v)).toEqual(FUNDS_HEADERS);
    expect(sheet!.rows.slice(1).map((r) => r[1]?.v ?? null)).toEqual(['甲一县', '甲二县', null]);
    const ja1 = sheet!.rows[1]!;
    expect(ja1[3]).toMatchObject({ t: 'number', fmt: '#,##0.00' });
    expect(Math.round((ja1[3]!.v as number) * 100)).toBe(Number(sum(DATA['c-ja1'].alloc)));
    expect(Math.round((sheet!.rows[3]![5]!.v as number) * 100)).toBe(Number(sum([...DATA['c-ja1'].paid, ...DATA['c-ja2'].paid].map(([, f]) => f))));
    // A county official may not export the city.
    expect((await get('rt-county', `/api/rollups/funds-by-source.xlsx?orgUnitId=m-jia&year=${YEAR}`)).statusCode).toBe(403);
  });

  it('the asset ledger as CSV and XLSX, imported assets included: names not ids, class in words, value in yuan, dates in Shanghai, a formula kept as text', async () => {
    const csv = await get('rt-province', '/api/rollups/asset-ledger.csv?orgUnitId=p-rt');
    expect(csv.statusCode, csv.body).toBe(200);
    const [header, ...rows] = parseCsv(csv.body.slice(1));
    expect(header).toEqual(ASSET_HEADERS);
    expect(rows).toEqual([
      [
        '甲一县',
        'c-ja1镇',
        'c-ja1村',
        '',
        'c-ja1项目2',
        'tea资产',
        '经营性资产',
        '',
        '1234567.89',
        '村集体经济组织',
        '村委会',
        'ZS-001',
        '2025-08-01',
        '2025-09-01',
      ],
      ['甲二县', 'c-ja2镇', 'c-ja2村', 'JE-0007', '', '机井', '公益性资产', '易地扶贫搬迁', '88000.03', '村集体经济组织', '村委会', '', '2019-05-01', ''],
      ['甲二县', 'c-ja2镇', 'c-ja2村', '', 'c-ja2项目1', 'road资产', '公益性资产', '', '0.01', "'=1+1", '村委会', '', '2025-08-01', ''],
      ['乙一县', 'c-yi1镇', 'c-yi1村', '', 'c-yi1项目2', 'herd资产', '到户类资产', '', '500000000.07', '村集体经济组织', '村委会', '', '2025-08-01', ''],
    ]);
    const xlsx = await get('rt-city', '/api/rollups/asset-ledger.xlsx?orgUnitId=m-jia&lang=en');
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    const [sheet] = readWorkbook(xlsx.rawPayload);
    expect(sheet!.name).toBe('Asset ledger');
    expect(sheet!.rows[0]!.map((c) => c?.v)).toEqual([
      'County',
      'Township',
      'Village',
      'Ledger code',
      'Project',
      'Asset',
      'Class',
      'Funding source',
      'Value (yuan)',
      'Owner',
      'Custodian',
      'Certificate no.',
      'Registered on',
      'Handed over on',
    ]);
    expect(sheet!.rows.slice(1).map((r) => [r[0]?.v, r[3]?.v, r[6]?.v, r[7]?.v, r[8]?.v])).toEqual([
      ['甲一县', undefined, 'Operating', undefined, 1_234_567.89],
      ['甲二县', 'JE-0007', 'Public welfare', 'Relocation funds', 88_000.03],
      ['甲二县', undefined, 'Public welfare', undefined, 0.01],
    ]);
    // A year narrows to the assets registered in it: the imported well (2019) drops out.
    const y2025 = parseCsv((await get('rt-province', '/api/rollups/asset-ledger.csv?orgUnitId=p-rt&year=2025')).body.slice(1));
    expect(y2025.slice(1).map((r) => r[5])).toEqual(['tea资产', 'road资产', 'herd资产']);
  });
});
