import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taoyuanProjectRow } from '../support/project-row';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * GET /api/projects/export.xlsx: the project and payment ledgers as a workbook. Each file is read
 * back by test/support/read_xlsx.py (Python's zipfile and XML parser, not the exceljs that wrote
 * it), so what is checked is what a spreadsheet program finds in the file.
 */
let s: TTestStack;

interface TCell {
  v: string | number | null;
  t: 'text' | 'number';
  fmt: string;
}
interface TSheet {
  name: string;
  frozenRows: number;
  widths: number[];
  rows: Array<Array<TCell | null>>;
}

const VILLAGES = {
  'v-taoyuan': { townshipId: 't-hexi', orgPath: '/c-qingshan/t-hexi/v-taoyuan/' },
  'v-shiqiao': { townshipId: 't-hexi', orgPath: '/c-qingshan/t-hexi/v-shiqiao/' },
  'v-chaling': { townshipId: 't-dongling', orgPath: '/c-qingshan/t-dongling/v-chaling/' },
} as const;

// Amounts with odd fen, so a yuan figure that lost or rounded a fen shows.
const FIXTURES = [
  {
    id: 'ex-tea',
    name: '桃源村茶园提质',
    village: 'v-taoyuan',
    stage: 'OPERATION',
    createdAt: '2025-03-01T02:00:00Z',
    grade: 'EXCELLENT',
    budgetFen: 123_456_789n,
    central: 100_000_001,
    own: 23_456_788,
    disbursedFen: 50_000_003n,
  },
  {
    id: 'ex-solar',
    name: '石桥村光伏电站',
    village: 'v-shiqiao',
    stage: 'IMPLEMENTATION',
    // 31 Dec 2025 20:00 UTC is 1 Jan 2026 in Shanghai.
    createdAt: '2025-12-31T20:00:00Z',
    grade: null,
    budgetFen: 80_000_099n,
    central: 80_000_099,
    own: 0,
    disbursedFen: 0n,
  },
  {
    id: 'ex-herb',
    name: '茶岭村中药材基地',
    village: 'v-chaling',
    stage: 'TOWNSHIP_REVIEW',
    createdAt: '2026-02-01T02:00:00Z',
    grade: 'GOOD',
    budgetFen: 500_000n,
    central: 300_000,
    own: 200_000,
    disbursedFen: 0n,
  },
] as const;

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  for (const f of FIXTURES) {
    const v = VILLAGES[f.village];
    const fundingSources = [{ source: 'CENTRAL_LINKAGE', amountFen: f.central }, ...(f.own ? [{ source: 'OWN_CAPITAL', amountFen: f.own }] : [])];
    await s.prisma.project.create({
      data: taoyuanProjectRow({
        id: f.id,
        proposerId: s.userIds.village!,
        name: f.name,
        orgUnitId: f.village,
        villageId: f.village,
        townshipId: v.townshipId,
        orgPath: v.orgPath,
        budgetFen: f.budgetFen,
        disbursedFen: f.disbursedFen,
        stage: f.stage,
        proposal: { fundingSources, implementer: { name: `${f.name}合作社` } },
        createdAt: new Date(f.createdAt),
        latestGrade: f.grade,
      }),
    });
  }
  // The tea project's first tranche was paid; its second is flagged (an open risk flag).
  await s.prisma.payment.create({
    data: {
      id: 'ex-tea:pay:1',
      requestId: 'req-ex-tea-1',
      projectId: 'ex-tea',
      seq: 1,
      tranche: 'START',
      amountFen: 50_000_003n,
      payeeId: 'x',
      payeeAccount: '6222000011112222',
      fiscalSource: 'CENTRAL_LINKAGE',
      status: 'PAID',
      requestedBy: s.userIds.implementer!,
      requestedAt: new Date('2025-06-01T01:00:00Z'),
      paidAt: new Date('2025-06-10T17:30:00Z'),
      voucherNo: 'V-2025-0001',
    },
  });
  await s.prisma.payment.create({
    data: {
      id: 'ex-tea:pay:2',
      requestId: 'req-ex-tea-2',
      projectId: 'ex-tea',
      seq: 2,
      tranche: 'SUBSTANTIAL_COMPLETION',
      amountFen: 7n,
      payeeId: 'x',
      status: 'FLAGGED',
      requestedBy: s.userIds.implementer!,
      requestedAt: new Date('2025-09-01T01:00:00Z'),
    },
  });
  await s.prisma.riskFlag.create({
    data: {
      id: 'ex-tea:pay:2:DUPLICATE_INVOICE',
      projectId: 'ex-tea',
      paymentId: 'ex-tea:pay:2',
      code: 'DUPLICATE_INVOICE',
      status: 'OPEN',
      message: 'x',
      details: {},
      raisedAt: new Date(),
    },
  });
});
afterAll(async () => {
  await s?.close();
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'bangfu-xlsx-'));
let n = 0;
/** The workbook as read by Python's standard library. */
function readWorkbook(body: Buffer): TSheet[] {
  const file = path.join(dir, `export-${++n}.xlsx`);
  writeFileSync(file, body);
  return JSON.parse(execFileSync('python3', [path.resolve('test/support/read_xlsx.py'), file], { encoding: 'utf8' })) as TSheet[];
}

async function exportAs(who: string, query = '') {
  const res = await s.app.inject({ method: 'GET', url: `/api/projects/export.xlsx${query}`, headers: { authorization: `Bearer ${s.tokens[who]}` } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="projects-\d{4}-\d{2}-\d{2}\.xlsx"; filename\*=UTF-8''/);
  return readWorkbook(res.rawPayload);
}

const texts = (row: Array<TCell | null> | undefined) => (row ?? []).map((c) => c?.v ?? null);
/** An Excel date serial (days since 1899-12-30) as the calendar day it shows. */
const dayOf = (serial: number) => new Date(Date.UTC(1899, 11, 30) + Math.round(serial * 86_400_000)).toISOString().slice(0, 10);

const HEADERS_ZH = ['项目编号', '项目名称', '县', '乡镇', '村', '实施主体', '阶段', '总投资(元)', '财政资金(元)', '已拨付(元)', '等级', '风险', '申报日期'];

describe('GET /api/projects/export.xlsx', () => {
  it('gives a county official every project in the county: Chinese headers, frozen, widths, yuan = fen / 100, Shanghai dates', async () => {
    const [projects, payments] = await exportAs('leader');
    expect(projects!.name).toBe('项目台账');
    expect(projects!.frozenRows).toBe(1);
    expect(projects!.widths).toHaveLength(HEADERS_ZH.length);
    expect(projects!.widths.every((w) => w >= 6)).toBe(true);
    expect(texts(projects!.rows[0])).toEqual(HEADERS_ZH);
    // One row per project the leader sees, newest first (the list's order).
    expect(projects!.rows.slice(1).map((r) => r[0]?.v)).toEqual(['ex-herb', 'ex-solar', 'ex-tea']);

    const rows = await s.prisma.project.findMany({ where: { id: { in: FIXTURES.map((f) => f.id) } } });
    for (const row of projects!.rows.slice(1)) {
      const db = rows.find((p) => p.id === row[0]?.v)!;
      const fixture = FIXTURES.find((f) => f.id === db.id)!;
      // Amounts are numbers in yuan, formatted with two decimals, equal to the database's fen / 100.
      for (const [col, fen] of [
        [7, db.budgetFen],
        [8, BigInt(fixture.central)],
        [9, db.disbursedFen],
      ] as const) {
        expect(row[col]).toMatchObject({ t: 'number', fmt: '#,##0.00' });
        expect(Math.round((row[col]!.v as number) * 100), `${db.id} column ${HEADERS_ZH[col]}`).toBe(Number(fen));
      }
    }
    const tea = projects!.rows.find((r) => r[0]?.v === 'ex-tea')!;
    expect(texts(tea).slice(1, 7)).toEqual(['桃源村茶园提质', '青山县', '河西镇', '桃源村', '桃源村茶园提质合作社', '运营']);
    expect(tea[7]!.v).toBe(1_234_567.89);
    expect(tea[10]!.v).toBe('优');
    expect(tea[11]!.v).toContain('发票');
    expect(tea[12]).toMatchObject({ t: 'number', fmt: 'yyyy-mm-dd' });
    expect(dayOf(tea[12]!.v as number)).toBe('2025-03-01');
    // Proposed at 20:00 UTC on 31 December: 1 January 2026 in Shanghai.
    const solar = projects!.rows.find((r) => r[0]?.v === 'ex-solar')!;
    expect(dayOf(solar[12]!.v as number)).toBe('2026-01-01');
    expect(solar[10]).toBeNull();

    // The payment ledger: one row per payment of those projects.
    expect(payments!.name).toBe('资金拨付台账');
    expect(payments!.frozenRows).toBe(1);
    expect(texts(payments!.rows[0])).toEqual([
      '项目编号',
      '项目名称',
      '村',
      '序号',
      '拨付批次',
      '金额(元)',
      '资金来源',
      '状态',
      '收款账户',
      '申请时间',
      '支付时间',
      '支付凭证号',
    ]);
    expect(payments!.rows.slice(1).map((r) => [r[0]?.v, r[3]?.v, Math.round((r[5]!.v as number) * 100), r[7]?.v])).toEqual([
      ['ex-tea', 1, 50_000_003, '已支付'],
      ['ex-tea', 2, 7, '风险疑点复核中'],
    ]);
    // Paid at 17:30 UTC on 10 June: 01:30 on 11 June in Shanghai.
    const paid = payments!.rows[1]!;
    expect(paid[10]!.fmt).toBe('yyyy-mm-dd hh:mm');
    expect(new Date(Date.UTC(1899, 11, 30) + Math.round((paid[10]!.v as number) * 86_400_000)).toISOString().slice(0, 16)).toBe('2025-06-11T01:30');
    expect(paid[11]!.v).toBe('V-2025-0001');
  });

  it("gives a township reviewer their township's projects only, and applies the list's filters", async () => {
    const [hexi] = await exportAs('township');
    expect(hexi!.rows.slice(1).map((r) => r[0]?.v)).toEqual(['ex-solar', 'ex-tea']);
    const [dongling, dPayments] = await exportAs('township2');
    expect(dongling!.rows.slice(1).map((r) => r[0]?.v)).toEqual(['ex-herb']);
    expect(dPayments!.rows).toHaveLength(1); // the header alone: no payment of Dongling's
    // Filters narrow, never widen: a township asking for the other township gets nothing of it.
    const [filtered] = await exportAs('leader', '?stage=OPERATION');
    expect(filtered!.rows.slice(1).map((r) => r[0]?.v)).toEqual(['ex-tea']);
    const [other] = await exportAs('township2', '?orgUnitId=t-hexi');
    expect(other!.rows).toHaveLength(1);
  });

  it('has English headers and names with ?lang=en', async () => {
    const [projects, payments] = await exportAs('leader', '?lang=en&q=ex-tea');
    expect(projects!.name).toBe('Projects');
    expect(payments!.name).toBe('Payments');
    expect(texts(projects!.rows[0]).slice(0, 3)).toEqual(['Project ID', 'Project', 'County']);
    expect(projects!.rows[1]![10]!.v).toBe('Excellent');
    expect(payments!.rows[1]![7]!.v).toBe('Paid');
  });

  it('refuses a bad filter with 400 naming it, and answers 401 without a credential', async () => {
    const bad = await s.app.inject({ method: 'GET', url: '/api/projects/export.xlsx?lang=fr', headers: { authorization: `Bearer ${s.tokens.leader}` } });
    expect([bad.statusCode, bad.json().error.code, bad.json().error.details[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'querystring.lang']);
    const stage = await s.app.inject({ method: 'GET', url: '/api/projects/export.xlsx?stage=NOPE', headers: { authorization: `Bearer ${s.tokens.leader}` } });
    expect([stage.statusCode, stage.json().error.details[0]?.path]).toEqual([400, 'querystring.stage']);
    const anon = await s.app.inject({ method: 'GET', url: '/api/projects/export.xlsx' });
    expect([anon.statusCode, anon.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
