import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv';
import { LINKAGE_KINDS } from '../../src/domain/households/household-register';
import { fenToYuanDecimal } from '../../src/domain/policies/money';
import { readFirstSheet } from '../../src/http/xlsx-workbook';
import { MONITORING_HEADER, monitoringRow } from '../support/monitoring-list';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';

/**
 * The household register and the 联农带农 ledger (issue #15, second slice): import of the county's
 * 防返贫监测 list (good, bad, repeated and updated rows; scope), a household's yearly entries
 * (idempotent, bad input refused with code and field and nothing changed), the list's totals and
 * the ledger export against the entries themselves. Real database.
 */
let s: TTestStack;

const HEADER = MONITORING_HEADER;
const household = monitoringRow;
const csv = (rows: string[][]) =>
  `\uFEFF${[HEADER, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

/** 李大山's household a month later: released from monitoring, a fourth member, 王小花's ID card no longer listed. */
const NEXT_MONTH = household({
  是否监测户: '否',
  解除监测日期: '2025-06-30',
  家庭人口: '4',
  家庭成员: '李大山/户主/110101198001011234;王小花/配偶;李小山/之子;李小花/之女',
});
const GOOD = [
  household({}),
  household({ 户编号: 'QS-HH-002', 户主姓名: '张石头', 所属村: '石桥村', 家庭人口: '2', 是否监测户: '否', 监测类型: '', 纳入监测日期: '', 家庭成员: '' }),
  household({ 户编号: 'QS-HH-003', 户主姓名: '赵茶花', 所属村: '茶岭村', 家庭人口: '1', 是否脱贫户: '否', 监测类型: '边缘易致贫户', 家庭成员: '赵茶花/户主' }),
];

const call = (method: 'GET' | 'POST', url: string, who: string, payload?: object) =>
  s.app.inject({ method, url, payload, headers: { authorization: `Bearer ${s.tokens[who]}` } });
const importCsv = (who: string, rows: string[][], extra: object = {}) =>
  call('POST', '/api/households/imports', who, { format: 'csv', content: b64(csv(rows)), ...extra });
const counts = async () => ({
  households: await s.prisma.household.count(),
  entries: await s.prisma.linkageEntry.count(),
  audit: await s.prisma.auditEvent.count({ where: { action: { in: ['HOUSEHOLD_IMPORTED', 'HOUSEHOLD_UPDATED', 'LINKAGE_ENTRY_RECORDED'] } } }),
  contents: JSON.stringify(await s.prisma.household.findMany({ orderBy: { id: 'asc' } }), (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
});
const idOf = async (code: string, countyId = 'c-qingshan') =>
  (await s.prisma.household.findUniqueOrThrow({ where: { countyId_householdCode: { countyId, householdCode: code } } })).id;

beforeAll(async () => {
  s = await startTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

describe('防返贫监测 list import (POST /api/households/imports)', () => {
  it('a list with bad rows writes nothing and lists every bad row with its column and code', async () => {
    const res = await importCsv('agri', [
      household({}),
      household({ 户编号: 'QS-HH-002', 是否监测户: '不知道' }),
      household({ 户编号: 'QS-HH-003', 所属村: '清泉村', 家庭人口: '两' }),
      household({ 户编号: 'QS-HH-004', 家庭成员: '钱一/户主/123' }),
      household({ 户编号: 'QS-HH-001' }),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('LEDGER_ROWS_INVALID');
    expect(error.details.map((d: { row: number; column: string; code: string }) => [d.row, d.column, d.code])).toEqual([
      [3, '是否监测户', 'INVALID_FLAG'],
      // 清泉村 is in another county: not a village under 青山县's agriculture bureau
      [4, '所属村', 'UNKNOWN_VILLAGE'],
      [4, '家庭人口', 'INVALID_COUNT'],
      [5, '家庭成员', 'INVALID_MEMBERS'],
      [6, '户编号', 'DUPLICATE_IN_FILE'],
    ]);
    expect(await counts()).toMatchObject({ households: 0, audit: 0 });
  });

  it('a good list: one household and one audit event per row, ID cards cut to their last 4 characters', async () => {
    const res = await importCsv('agri', GOOD);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 3, updated: 0, unchanged: 0, dryRun: false });
    const rows = await s.prisma.household.findMany({ orderBy: { householdCode: 'asc' } });
    expect(rows.map((r) => [r.householdCode, r.orgUnitId, r.countyId, r.memberCount, r.lifted, r.monitored])).toEqual([
      ['QS-HH-001', 'v-taoyuan', 'c-qingshan', 3, true, true],
      ['QS-HH-002', 'v-shiqiao', 'c-qingshan', 2, true, false],
      ['QS-HH-003', 'v-chaling', 'c-qingshan', 1, false, true],
    ]);
    expect(rows[0]!.spells).toEqual([{ type: 'UNSTABLE_LIFTED', start: '2024-03-05', end: null }]);
    expect(rows[0]!.members).toEqual([
      { name: '李大山', relation: '户主', idLast4: '1234' },
      { name: '王小花', relation: '配偶', idLast4: '567X' },
      { name: '李小山', relation: '之子', idLast4: null },
    ]);
    // No full ID-card number anywhere in the database's rows of this import.
    const everything = JSON.stringify([rows, await s.prisma.auditEvent.findMany({ where: { entityType: 'Household' } })], (_k, v) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    expect(everything).not.toContain('110101198001011234');
    expect(everything).not.toContain('11010119820202567X');
    const events = await s.prisma.auditEvent.findMany({ where: { action: 'HOUSEHOLD_IMPORTED' } });
    expect(events.map((e) => e.entityId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(events.every((e) => e.actorId === s.userIds.agri && e.role === 'COUNTY_AGRICULTURE')).toBe(true);
  });

  it('the same list again: every row unchanged, nothing written', async () => {
    const before = await counts();
    const res = await importCsv('admin', GOOD);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await counts()).toEqual(before);
  });

  it('next month’s list: a changed household is updated with one audit event naming before and after; a new one is created', async () => {
    const before = await counts();
    const id = await idOf('QS-HH-001');
    const res = await importCsv('agri', [
      NEXT_MONTH,
      GOOD[1]!,
      household({ 户编号: 'QS-HH-004', 户主姓名: '孙二', 所属村: 'v-yunshui', 家庭人口: '2', 监测类型: '突发严重困难户', 家庭成员: '' }),
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      created: 1,
      updated: 1,
      unchanged: 1,
      rows: [
        { row: 2, outcome: 'updated', householdId: id, changed: ['memberCount', 'monitored', 'spells', 'members'] },
        { row: 3, outcome: 'unchanged' },
        { row: 4, outcome: 'created' },
      ],
    });
    const updated = await s.prisma.household.findUniqueOrThrow({ where: { id } });
    expect([updated.memberCount, updated.monitored, updated.spells]).toEqual([4, false, [{ type: 'UNSTABLE_LIFTED', start: '2024-03-05', end: '2025-06-30' }]]);
    const events = await s.prisma.auditEvent.findMany({ where: { action: 'HOUSEHOLD_UPDATED' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entityType: 'Household',
      entityId: id,
      actorId: s.userIds.agri,
      details: {
        changed: ['memberCount', 'monitored', 'spells', 'members'],
        before: { memberCount: 3, monitored: true },
        after: { memberCount: 4, monitored: false },
      },
    });
    expect(JSON.stringify(events[0]!.details)).not.toContain('110101198001011234');
    expect((await counts()).households).toBe(before.households + 1);
    // The same new list once more changes nothing.
    const again = await importCsv('agri', [NEXT_MONTH]);
    expect(again.json()).toMatchObject({ updated: 0, unchanged: 1 });
    expect(await s.prisma.auditEvent.count({ where: { action: 'HOUSEHOLD_UPDATED' } })).toBe(1);
  });

  it('XLSX in the same columns; a dry run writes nothing', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('防返贫监测');
    ws.addRow(HEADER);
    ws.addRow(['QS-HH-101', '周五', '云水村', 5, '是', '否', null, null, null, null]);
    const content = b64(Buffer.from(await wb.xlsx.writeBuffer()));
    const before = await counts();
    const dry = await call('POST', '/api/households/imports', 'agri', { format: 'xlsx', content, dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ created: 1, dryRun: true, rows: [{ row: 2, householdId: null }] });
    expect(await counts()).toEqual(before);
    const res = await call('POST', '/api/households/imports', 'agri', { format: 'xlsx', content });
    expect(res.statusCode, res.body).toBe(201);
    expect((await s.prisma.household.findUniqueOrThrow({ where: { id: await idOf('QS-HH-101') } })).memberCount).toBe(5);
  });

  it('scope: other roles are refused, another county cannot write into this one, and its own codes are its own', async () => {
    const before = await counts();
    for (const who of ['township', 'finance', 'village']) {
      const res = await importCsv(who, [household({ 户编号: 'X-1' })]);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('ROLE_NOT_ALLOWED');
    }
    const other = await importCsv('bsagri', [household({ 户编号: 'X-2' })]);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.details).toEqual([expect.objectContaining({ row: 2, column: '所属村', code: 'UNKNOWN_VILLAGE' })]);
    expect(await counts()).toEqual(before);
    const own = await importCsv('bsagri', [household({ 所属村: '清泉村' })]);
    expect(own.statusCode, own.body).toBe(201);
    expect(await s.prisma.household.count({ where: { householdCode: 'QS-HH-001' } })).toBe(2);
  });
});

describe('the 联农带农 ledger (POST /api/households/:id/linkage-entries, GET /api/households)', () => {
  let taoyuan: string;
  let chaling: string;
  let shiqiao: string;
  let assetId: string;
  const entry = (id: string, who: string, body: object) => call('POST', `/api/households/${id}/linkage-entries`, who, { requestId: newRequestId(), ...body });

  beforeAll(async () => {
    taoyuan = await idOf('QS-HH-001');
    shiqiao = await idOf('QS-HH-002');
    chaling = await idOf('QS-HH-003');
    const asset = await call('POST', '/api/assets/imports', 'agri', {
      format: 'csv',
      content: b64(
        '资产编号,资产名称,资产类别,资金来源,所属村,价值(元),所有权人,管护人\r\nQS-ZC-9,桃源村光伏,经营性,财政衔接资金,桃源村,100000,桃源村股份经济合作社,王村长\r\n',
      ),
    });
    expect(asset.statusCode, asset.body).toBe(201);
    assetId = asset.json().rows[0].assetId;
  });

  it('entries by the village committee and the bureau; the same requestId twice is one entry', async () => {
    const requestId = newRequestId();
    const body = { requestId, year: 2025, kind: 'DIVIDEND', amountFen: 123_456, assetId };
    const first = await call('POST', `/api/households/${taoyuan}/linkage-entries`, 'village', body);
    expect(first.statusCode, first.body).toBe(201);
    const second = await call('POST', `/api/households/${taoyuan}/linkage-entries`, 'village', body);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    expect(await s.prisma.linkageEntry.count({ where: { requestId } })).toBe(1);
    expect(await s.prisma.auditEvent.count({ where: { action: 'LINKAGE_ENTRY_RECORDED', requestId } })).toBe(1);
    const reused = await call('POST', `/api/households/${taoyuan}/linkage-entries`, 'village', { ...body, amountFen: 1 });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error).toMatchObject({ code: 'DUPLICATE_REQUEST', details: [{ path: 'body.requestId' }] });
    for (const [id, who, year, kind, amountFen] of [
      [taoyuan, 'village', 2025, 'WAGES', 800_000],
      [taoyuan, 'agri', 2025, 'WAGES', 1],
      [taoyuan, 'agri', 2024, 'LAND_RENT', 60_000],
      [shiqiao, 'admin', 2025, 'PURCHASE_CONTRACT', 999_999_999_999],
      [shiqiao, 'agri', 2025, 'PURCHASE_CONTRACT', 999_999_999_999],
      [chaling, 'village2', 2025, 'LAND_RENT', 35_050],
    ] as const) {
      const res = await entry(id, who, { year, kind, amountFen });
      expect(res.statusCode, `${who}: ${res.body}`).toBe(201);
    }
  });

  it('bad input and other scopes are refused with their code and field, changing nothing', async () => {
    const before = await counts();
    const refusals: Array<[string, string, object, number, string, string]> = [
      [taoyuan, 'village', { year: 2025, kind: 'GIFT', amountFen: 100 }, 400, 'VALIDATION_FAILED', 'body.kind'],
      [taoyuan, 'village', { year: 2025, kind: 'WAGES', amountFen: -100 }, 400, 'VALIDATION_FAILED', 'body.amountFen'],
      [taoyuan, 'village', { year: 2025, kind: 'WAGES', amountFen: 12.5 }, 400, 'VALIDATION_FAILED', 'body.amountFen'],
      [taoyuan, 'village', { year: 2025, kind: 'WAGES', amountFen: 0 }, 400, 'VALIDATION_FAILED', 'body.amountFen'],
      [taoyuan, 'village', { year: 2015, kind: 'WAGES', amountFen: 100 }, 400, 'VALIDATION_FAILED', 'body.year'],
      [taoyuan, 'village', { year: new Date().getUTCFullYear() + 2, kind: 'WAGES', amountFen: 100 }, 400, 'VALIDATION_FAILED', 'body.year'],
      [taoyuan, 'village', { year: 2025, kind: 'WAGES', amountFen: 100, projectId: 'no-such-project' }, 400, 'VALIDATION_FAILED', 'body.projectId'],
      // 桃源村's household is outside 茶岭村's committee and outside 白水县.
      [taoyuan, 'village2', { year: 2025, kind: 'WAGES', amountFen: 100 }, 404, 'NOT_FOUND', 'params.id'],
      [taoyuan, 'bsagri', { year: 2025, kind: 'WAGES', amountFen: 100 }, 404, 'NOT_FOUND', 'params.id'],
      [chaling, 'bsagri', { year: 2025, kind: 'DIVIDEND', amountFen: 100, assetId }, 404, 'NOT_FOUND', 'params.id'],
    ];
    for (const [id, who, body, status, code, field] of refusals) {
      const res = await entry(id, who, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const finance = await entry(taoyuan, 'finance', { year: 2025, kind: 'WAGES', amountFen: 100 });
    expect(finance.statusCode).toBe(403);
    expect(finance.json().error.code).toBe('ROLE_NOT_ALLOWED');
    expect(await counts()).toEqual(before);
  });

  it('the list: filters, pages, and totals per kind equal the sum of the entries to the fen', async () => {
    const list = async (who: string, query = '') => {
      const res = await call('GET', `/api/households?pageSize=200${query}`, who);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        items: Array<{ id: string; householdCode: string; totals: Record<string, string> }>;
        total: number;
        totals: Record<string, string>;
      };
    };
    const sums = async (where: object) => {
      const rows = await s.prisma.linkageEntry.findMany({ where });
      return Object.fromEntries(LINKAGE_KINDS.map((k) => [k, String(rows.filter((r) => r.kind === k).reduce((n, r) => n + r.amountFen, 0n))]));
    };
    const all = await list('leader');
    expect(all.total).toBe(5);
    const county = { household: { countyId: 'c-qingshan' } };
    expect(all.totals).toEqual({
      ...(await sums(county)),
      all: String((await s.prisma.linkageEntry.findMany({ where: county })).reduce((n, r) => n + r.amountFen, 0n)),
    });
    expect(all.totals.PURCHASE_CONTRACT).toBe('1999999999998');
    const y2025 = await list('leader', '&year=2025');
    expect(y2025.totals).toMatchObject(await sums({ ...county, year: 2025 }));
    expect(y2025.items.find((i) => i.id === taoyuan)!.totals).toEqual({ WAGES: '800001', LAND_RENT: '0', DIVIDEND: '123456', PURCHASE_CONTRACT: '0' });
    for (const item of all.items) expect(item.totals).toEqual(await sums({ householdId: item.id }));
    expect((await list('leader', '&flag=MONITORED')).items.map((i) => i.householdCode)).toEqual(['QS-HH-003', 'QS-HH-004']);
    expect((await list('leader', '&flag=LIFTED')).total).toBe(4);
    const village = await list('leader', '&orgUnitId=v-taoyuan');
    expect(village.items.map((i) => i.id)).toEqual([taoyuan]);
    expect(village.totals).toMatchObject(await sums({ householdId: taoyuan }));
    expect((await list('village')).items.map((i) => i.id)).toEqual([taoyuan]);
    expect((await list('bsagri')).items.map((i) => i.householdCode)).toEqual(['QS-HH-001']);
    const paged = await call('GET', '/api/households?page=2&pageSize=2', 'leader');
    expect(paged.json()).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(paged.json().items).toHaveLength(2);
    expect((await call('GET', '/api/households?orgUnitId=v-qingquan', 'leader')).statusCode).toBe(403);
  });

  it('a household’s page: members masked, spells, entries by year with totals; 404 outside scope', async () => {
    const res = await call('GET', `/api/households/${taoyuan}`, 'village');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page.members).toEqual([
      { name: '李大山', relation: '户主', idCard: '**************1234' },
      { name: '王小花', relation: '配偶', idCard: null },
      { name: '李小山', relation: '之子', idCard: null },
      { name: '李小花', relation: '之女', idCard: null },
    ]);
    expect(page.spells).toEqual([{ type: 'UNSTABLE_LIFTED', start: '2024-03-05', end: '2025-06-30' }]);
    expect(page.years.map((y: { year: number; totals: object; entries: unknown[] }) => [y.year, y.totals, y.entries.length])).toEqual([
      [2025, { WAGES: '800001', LAND_RENT: '0', DIVIDEND: '123456', PURCHASE_CONTRACT: '0' }, 3],
      [2024, { WAGES: '0', LAND_RENT: '60000', DIVIDEND: '0', PURCHASE_CONTRACT: '0' }, 1],
    ]);
    expect(page.years[0].entries.find((e: { kind: string }) => e.kind === 'DIVIDEND')).toMatchObject({ assetId, amountFen: 123_456 });
    expect((await call('GET', `/api/households/${taoyuan}`, 'village2')).statusCode).toBe(404);
  });

  it('the ledger export: a row per household, the year’s four kinds in yuan equal to the entries', async () => {
    const res = await call('GET', '/api/households/linkage-ledger.csv?orgUnitId=c-qingshan&year=2025', 'leader');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const [header, ...rows] = parseCsv(res.body.replace(/^\uFEFF/, ''));
    expect(header).toEqual(['村', '户编号', '户主', '户类别', '务工(元)', '土地流转租金(元)', '分红(元)', '订单收购(元)']);
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      // By village path: 东岭乡 (茶岭村, 云水村) before 河西镇 (石桥村, 桃源村).
      ['茶岭村', 'QS-HH-003', '赵茶花', '监测户'],
      ['云水村', 'QS-HH-004', '孙二', '脱贫户、监测户'],
      ['云水村', 'QS-HH-101', '周五', '脱贫户'],
      ['石桥村', 'QS-HH-002', '张石头', '脱贫户'],
      ['桃源村', 'QS-HH-001', '李大山', '脱贫户'],
    ]);
    for (const row of rows) {
      const entries = await s.prisma.linkageEntry.findMany({ where: { year: 2025, household: { countyId: 'c-qingshan', householdCode: row[1] } } });
      expect(row.slice(4)).toEqual(LINKAGE_KINDS.map((k) => fenToYuanDecimal(entries.filter((e) => e.kind === k).reduce((n, e) => n + e.amountFen, 0n))));
    }
    expect(rows[3]![7]).toBe('19999999999.98');
    const xlsx = await s.app.inject({
      method: 'GET',
      url: '/api/households/linkage-ledger.xlsx?orgUnitId=v-taoyuan&year=2025',
      headers: { authorization: `Bearer ${s.tokens.village}` },
    });
    expect(xlsx.statusCode).toBe(200);
    const sheet = await readFirstSheet(xlsx.rawPayload);
    expect(sheet.slice(1)).toEqual([['桃源村', 'QS-HH-001', '李大山', '脱贫户', '8000.01', '0', '1234.56', '0']]);
    expect((await call('GET', '/api/households/linkage-ledger.csv?orgUnitId=c-qingshan&year=2025', 'village')).statusCode).toBe(403);
  });
});
