import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperationActivities } from '../../activities/operation-records';
import { LEDGER_COLUMNS } from '../../src/domain/assets/asset-register';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

/**
 * The asset register (issue #15, first slice): import of a county's legacy ledger (CSV and XLSX),
 * all or nothing, idempotent per row; the list with its filters and exact totals; an asset's page
 * with its history; a project-registered asset in the register. Real database and Temporal.
 */
let s: TTestStack;

const HEADER = LEDGER_COLUMNS.map((c) => c.header);
type TRow = Record<(typeof HEADER)[number], string>;
const asset = (over: Partial<TRow>): string[] => {
  const base: TRow = {
    资产编号: 'QS-ZC-001',
    资产名称: '桃源村茶叶加工厂房',
    资产类别: '经营性',
    资金来源: '财政专项扶贫',
    所属村: '桃源村',
    '价值(元)': '1234567.89',
    所有权人: '桃源村股份经济合作社',
    管护人: '王村长',
    坐落位置: '桃源村三组',
    产权证号: 'QS-2018-011',
  };
  const row = { ...base, ...over };
  return HEADER.map((h) => row[h]);
};
const csv = (rows: string[][]) =>
  `\uFEFF${[HEADER, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

const GOOD = [
  asset({}),
  asset({
    资产编号: 'QS-ZC-002',
    资产名称: '石桥村村道',
    资产类别: '公益性',
    资金来源: '财政衔接资金',
    所属村: '石桥村',
    '价值(元)': '800,000.1',
    产权证号: '',
  }),
  asset({ 资产编号: 'QS-ZC-003', 资产名称: '茶岭村光伏电站', 资金来源: '对口支援', 所属村: '茶岭村', '价值(元)': '0.07' }),
  asset({ 资产编号: 'QS-ZC-004', 资产名称: '到户牛羊', 资产类别: '到户类', 资金来源: '易地扶贫搬迁', 所属村: 'v-yunshui', '价值(元)': '9999999999.99' }),
];
const GOOD_FEN = [123_456_789n, 80_000_010n, 7n, 999_999_999_999n];

const call = (method: 'GET' | 'POST', url: string, who: string, payload?: object) =>
  s.app.inject({ method, url, payload, headers: { authorization: `Bearer ${s.tokens[who]}` } });
const importCsv = (who: string, rows: string[][], extra: object = {}) =>
  call('POST', '/api/assets/imports', who, { format: 'csv', content: b64(csv(rows)), ...extra });
const counts = async () => ({
  assets: await s.prisma.asset.count(),
  imported: await s.prisma.auditEvent.count({ where: { action: 'ASSET_IMPORTED' } }),
});

beforeAll(async () => {
  s = await startTestStack();
});
afterAll(async () => {
  await s?.close();
});

describe('asset ledger import (POST /api/assets/imports)', () => {
  it('a ledger with bad rows writes nothing and lists every bad row with its column and code', async () => {
    const res = await importCsv('agri', [
      asset({}),
      asset({ 资产编号: 'QS-ZC-002', 资产类别: '固定资产' }),
      asset({ 资产编号: 'QS-ZC-003', '价值(元)': '12.345', 管护人: '' }),
      asset({ 资产编号: 'QS-ZC-004', 所属村: '清泉村' }),
      asset({ 资产编号: 'QS-ZC-001' }),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('LEDGER_ROWS_INVALID');
    expect(error.details.map((d: { row: number; column: string; code: string }) => [d.row, d.column, d.code])).toEqual([
      [3, '资产类别', 'UNKNOWN_CLASS'],
      [4, '价值(元)', 'INVALID_AMOUNT'],
      [4, '管护人', 'REQUIRED'],
      // 清泉村 is in another county: not a village under 青山县's agriculture bureau
      [5, '所属村', 'UNKNOWN_VILLAGE'],
      [6, '资产编号', 'DUPLICATE_IN_FILE'],
    ]);
    expect(await counts()).toEqual({ assets: 0, imported: 0 });
  });

  it('a good ledger: one register row and one audit event per asset, value in exact fen, village and county filled', async () => {
    const res = await importCsv('agri', GOOD);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 4, unchanged: 0, dryRun: false });
    const rows = await s.prisma.asset.findMany({ where: { ledgerCode: { startsWith: 'QS-ZC-' } }, orderBy: { ledgerCode: 'asc' } });
    expect(rows.map((r) => [r.ledgerCode, r.assetClass, r.fundingSource, r.orgUnitId, r.countyId, r.valueFen, r.projectId, r.status])).toEqual([
      ['QS-ZC-001', 'OPERATING', 'FISCAL_POVERTY', 'v-taoyuan', 'c-qingshan', GOOD_FEN[0], null, 'IN_USE'],
      ['QS-ZC-002', 'PUBLIC_WELFARE', 'FISCAL_LINKAGE', 'v-shiqiao', 'c-qingshan', GOOD_FEN[1], null, 'IN_USE'],
      ['QS-ZC-003', 'OPERATING', 'PAIRING', 'v-chaling', 'c-qingshan', GOOD_FEN[2], null, 'IN_USE'],
      ['QS-ZC-004', 'HOUSEHOLD', 'RELOCATION', 'v-yunshui', 'c-qingshan', GOOD_FEN[3], null, 'IN_USE'],
    ]);
    expect(rows[1]!.certificateNo).toBeNull();
    expect(rows[0]!.orgPath).toBe('/c-qingshan/t-hexi/v-taoyuan/');
    const events = await s.prisma.auditEvent.findMany({ where: { action: 'ASSET_IMPORTED' }, orderBy: { entityId: 'asc' } });
    expect(events.map((e) => e.entityId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(events.every((e) => e.actorId === s.userIds.agri && e.role === 'COUNTY_AGRICULTURE' && e.entityType === 'Asset')).toBe(true);
  });

  it('the same ledger again: every row unchanged, nothing written, no new audit event', async () => {
    const before = await counts();
    const res = await importCsv('admin', GOOD);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 0, unchanged: 4 });
    expect(await counts()).toEqual(before);
  });

  it('a repeat with one row changed is a conflict on that row, and the new rows beside it are not written either', async () => {
    const before = await counts();
    const res = await importCsv('agri', [
      ...GOOD.slice(0, 3),
      asset({ 资产编号: 'QS-ZC-004', 资产类别: '到户类', 资金来源: '易地扶贫搬迁', 所属村: 'v-yunshui', '价值(元)': '1' }),
      asset({ 资产编号: 'QS-ZC-005' }),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details).toEqual([expect.objectContaining({ row: 5, column: '资产编号', code: 'CONFLICT' })]);
    expect(await counts()).toEqual(before);
  });

  it('XLSX in the same columns, numbers typed as numbers; a dry run writes nothing', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('资产台账');
    ws.addRow(HEADER);
    ws.addRow(['QS-ZC-101', '云水村冷库', '经营性', '社会帮扶', '云水村', 250000.5, '云水村股份经济合作社', '赵管护', '云水村一组', 'YS-01']);
    ws.addRow([]);
    ws.addRow(['QS-ZC-102', '云水村水渠', '公益性', '自筹', '云水村', 3000, '云水村股份经济合作社', '赵管护', null, null]);
    const content = b64(Buffer.from(await wb.xlsx.writeBuffer()));
    const before = await counts();
    const dry = await call('POST', '/api/assets/imports', 'agri', { format: 'xlsx', content, dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      created: 2,
      dryRun: true,
      rows: [
        { row: 2, assetId: null },
        { row: 4, assetId: null },
      ],
    });
    expect(await counts()).toEqual(before);
    const res = await call('POST', '/api/assets/imports', 'agri', { format: 'xlsx', content });
    expect(res.statusCode, res.body).toBe(201);
    const stored = await s.prisma.asset.findMany({ where: { ledgerCode: { in: ['QS-ZC-101', 'QS-ZC-102'] } }, orderBy: { ledgerCode: 'asc' } });
    expect(stored.map((a) => [a.valueFen, a.fundingSource, a.location])).toEqual([
      [25_000_050n, 'SOCIAL', '云水村一组'],
      [300_000n, 'SELF', null],
    ]);
  });

  it('scope: other roles are refused, another county cannot write into this one, and its own codes are its own', async () => {
    const before = await counts();
    for (const who of ['township', 'finance', 'village']) {
      const res = await importCsv(who, [asset({ 资产编号: 'X-1' })]);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('ROLE_NOT_ALLOWED');
    }
    const other = await importCsv('bsagri', [asset({ 资产编号: 'X-2' })]);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.details).toEqual([expect.objectContaining({ row: 2, column: '所属村', code: 'UNKNOWN_VILLAGE' })]);
    expect(await counts()).toEqual(before);
    // The same 资产编号 in another county is another asset (unique per county).
    const own = await importCsv('bsagri', [asset({ 所属村: '清泉村' })]);
    expect(own.statusCode, own.body).toBe(201);
    expect(await s.prisma.asset.count({ where: { ledgerCode: 'QS-ZC-001' } })).toBe(2);
  });
});

type TList = {
  items: Array<{ id: string; valueFen: number; assetClass: string; fundingSource: string | null; orgUnitId: string; projectId: string | null }>;
  total: number;
  totals: {
    all: { count: number; valueFen: string };
    byClass: Array<{ assetClass: string; count: number; valueFen: string }>;
    bySource: Array<{ fundingSource: string | null; count: number; valueFen: string }>;
  };
};

describe('the register (GET /api/assets, GET /api/assets/:id)', () => {
  const list = async (who: string, query = '') => {
    const res = await call('GET', `/api/assets?pageSize=200${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TList;
  };

  it('filters, and totals by class and source equal the sum of the rows to the fen', async () => {
    const all = await list('leader');
    expect(all.total).toBe(6);
    const rows = await s.prisma.asset.findMany({ where: { countyId: 'c-qingshan' } });
    expect(BigInt(all.totals.all.valueFen)).toBe(rows.reduce((n, r) => n + r.valueFen, 0n));
    expect(all.totals.all.valueFen).toBe(String(GOOD_FEN.reduce((a, b) => a + b, 0n) + 25_000_050n + 300_000n));
    for (const t of all.totals.byClass) {
      expect(BigInt(t.valueFen)).toBe(rows.filter((r) => r.assetClass === t.assetClass).reduce((n, r) => n + r.valueFen, 0n));
    }
    expect(all.totals.bySource.map((t) => [t.fundingSource, t.count])).toEqual([
      ['FISCAL_LINKAGE', 1],
      ['FISCAL_POVERTY', 1],
      ['PAIRING', 1],
      ['RELOCATION', 1],
      ['SELF', 1],
      ['SOCIAL', 1],
    ]);
    const operating = await list('leader', '&assetClass=OPERATING');
    expect(operating.items.map((i) => i.assetClass)).toEqual(['OPERATING', 'OPERATING', 'OPERATING']);
    expect(operating.totals.all.valueFen).toBe(String(GOOD_FEN[0]! + GOOD_FEN[2]! + 25_000_050n));
    expect((await list('leader', '&fundingSource=PAIRING')).items.map((i) => i.orgUnitId)).toEqual(['v-chaling']);
    expect((await list('leader', '&orgUnitId=t-hexi')).total).toBe(2);
    expect((await list('leader', '&status=DISPOSED')).total).toBe(0);
    const paged = await call('GET', '/api/assets?page=2&pageSize=4', 'leader');
    expect(paged.json()).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(paged.json().items).toHaveLength(2);
    const bad = await call('GET', '/api/assets?fundingSource=GOLD', 'leader');
    expect(bad.statusCode).toBe(400);
  });

  it('scoped to what the caller may see: a village sees its own, another county none of these', async () => {
    expect((await list('village')).items.map((i) => i.orgUnitId)).toEqual(['v-taoyuan']);
    const bs = await list('bsagri');
    expect(bs.items.map((i) => i.orgUnitId)).toEqual(['v-qingquan']);
    const mine = (await list('leader', '&fundingSource=PAIRING')).items[0]!;
    expect((await call('GET', `/api/assets/${mine.id}`, 'bsagri')).statusCode).toBe(404);
    expect((await call('GET', `/api/assets/${mine.id}`, 'village')).statusCode).toBe(404);
  });

  it('an asset page carries its history', async () => {
    const one = (await list('leader', '&fundingSource=PAIRING')).items[0]!;
    const res = await call('GET', `/api/assets/${one.id}`, 'village2');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: one.id,
      valueFen: 7,
      history: [{ action: 'ASSET_IMPORTED', actorId: s.userIds.agri, details: { ledgerCode: 'QS-ZC-003' } }],
    });
  });

  it('an asset a project registers appears in the register with its village and funding source', async () => {
    const started = await s.app.inject({
      method: 'POST',
      url: '/api/projects',
      payload: { ...sampleProposal(), requestId: newRequestId() },
      headers: { authorization: `Bearer ${s.tokens.village}` },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { projectId } = started.json();
    // The activity the lifecycle workflow runs at 确权登记 (REGISTER_ASSET), on the real database.
    const activities = createOperationActivities({ prisma: s.prisma });
    const record = { projectId, requestId: newRequestId(), actorId: s.userIds.agri!, at: Date.now(), stage: '', assetId: `${projectId}:asset:1` };
    const registered = {
      ...record,
      name: '高山茶园',
      assetClass: 'OPERATING',
      valueFen: 30_000_000,
      owner: '桃源村股份经济合作社',
      custodian: '桃源茶叶合作社',
      certificateNo: null,
    };
    await activities.registerAsset(registered);
    await activities.registerAsset(registered);
    const mine = await list('village', `&projectId=${projectId}`);
    expect(mine.items.map((i) => [i.id, i.orgUnitId, i.fundingSource, i.valueFen])).toEqual([
      [`${projectId}:asset:1`, 'v-taoyuan', 'FISCAL_LINKAGE', 30_000_000],
    ]);
    const page = await call('GET', `/api/assets/${encodeURIComponent(`${projectId}:asset:1`)}`, 'agri');
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json().history.map((e: { action: string }) => e.action)).toEqual(['ASSET_REGISTERED']);
    expect((await list('leader')).total).toBe(7);
  });
});
