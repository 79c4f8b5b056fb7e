import { describe, expect, it } from 'vitest';
import { numberedRows, type TImportVillage } from '../../../src/domain/ledger-table';
import {
  calendarDay,
  householdCodesOf,
  linkageEntryRefusal,
  linkageTotals,
  maskedIdCard,
  parseMembers,
  validateMonitoringList,
  type TStoredHousehold,
} from '../../../src/domain/households/household-register';
import { MONITORING_HEADER, monitoringRow } from '../../support/monitoring-list';

const HEADER = MONITORING_HEADER;
const VILLAGES: TImportVillage[] = [
  { id: 'v-a', name: '桃源村', path: '/c/t1/v-a/', countyId: 'c' },
  { id: 'v-b', name: '石桥村', path: '/c/t1/v-b/', countyId: 'c' },
];
const row = monitoringRow;
const table = (...rows: string[][]) => numberedRows([HEADER, ...rows]);
const stored = (over: Partial<TStoredHousehold> = {}): TStoredHousehold => ({
  id: 'hh-1',
  householdCode: 'QS-HH-001',
  headName: '李大山',
  orgUnitId: 'v-a',
  orgPath: '/c/t1/v-a/',
  countyId: 'c',
  memberCount: 3,
  lifted: true,
  monitored: true,
  spells: [{ type: 'UNSTABLE_LIFTED', start: '2024-03-05', end: null }],
  members: [
    { name: '李大山', relation: '户主', idLast4: '1234' },
    { name: '王小花', relation: '配偶', idLast4: '567X' },
    { name: '李小山', relation: '之子', idLast4: null },
  ],
  ...over,
});

describe('validateMonitoringList (the 防返贫监测 list, pure)', () => {
  it('a good row: flags, an open spell, members with only the last 4 characters of their ID cards', () => {
    const out = validateMonitoringList({ table: table(row()), villages: VILLAGES, stored: [] });
    const { id: _id, ...household } = stored();
    expect(out).toEqual({ ok: true, rows: [{ row: 2, outcome: 'created', household }] });
    expect(JSON.stringify(out)).not.toContain('110101198001011234');
  });

  it('every bad cell is reported with its row, column and code, in the column order', () => {
    const out = validateMonitoringList({
      table: table(
        row({ 户编号: 'H-1', 家庭人口: '0', 是否脱贫户: '也许' }),
        row({ 户编号: 'H-2', 所属村: '清泉村', 监测类型: '低保户', 纳入监测日期: '2024-02-30' }),
        row({ 户编号: 'H-3', 解除监测日期: '2024-01-01' }),
        row({ 户编号: 'H-4', 家庭成员: '张三/户主/1234' }),
        row({ 户编号: 'H-5', 家庭人口: '2' }),
        row({ 户编号: 'H-1', 户主姓名: '' }),
        row({ 户编号: 'H-7', 是否监测户: '否', 监测类型: '边缘易致贫户', 纳入监测日期: '2023-01-01' }),
      ),
      villages: VILLAGES,
      stored: [],
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '家庭人口', 'INVALID_COUNT'],
      [2, '是否脱贫户', 'INVALID_FLAG'],
      [3, '所属村', 'UNKNOWN_VILLAGE'],
      [3, '监测类型', 'UNKNOWN_MONITORING_TYPE'],
      [3, '纳入监测日期', 'INVALID_DATE'],
      [4, '解除监测日期', 'INVALID_DATE'],
      [5, '家庭成员', 'INVALID_MEMBERS'],
      [6, '家庭成员', 'MEMBER_COUNT_MISMATCH'],
      [7, '户编号', 'DUPLICATE_IN_FILE'],
      [7, '户主姓名', 'REQUIRED'],
      [8, '解除监测日期', 'REQUIRED'],
    ]);
    // A refused ID card is never echoed back whole.
    expect(JSON.stringify(out)).not.toMatch(/\d{15}/);
  });

  it('a missing column, or no rows, refuses the whole list', () => {
    const noCode = validateMonitoringList({ table: numberedRows([HEADER.slice(1), row().slice(1)]), villages: VILLAGES, stored: [] });
    expect(noCode).toMatchObject({ ok: false, errors: [{ row: 1, column: '户编号', code: 'MISSING_COLUMN' }] });
    expect(validateMonitoringList({ table: table(), villages: VILLAGES, stored: [] })).toMatchObject({ ok: false, errors: [{ code: 'NO_ROWS' }] });
  });

  it('the same content is unchanged; a later month that ends the spell is an update naming the fields', () => {
    // Stored as JSONB, whose objects come back with their keys in another order: still the same.
    const reordered = stored({ spells: [{ end: null, start: '2024-03-05', type: 'UNSTABLE_LIFTED' }] });
    const same = validateMonitoringList({ table: table(row()), villages: VILLAGES, stored: [reordered] });
    expect(same).toMatchObject({ ok: true, rows: [{ outcome: 'unchanged', householdId: 'hh-1' }] });
    const released = validateMonitoringList({
      table: table(row({ 是否监测户: '否', 解除监测日期: '2025-06-30', 家庭成员: '' })),
      villages: VILLAGES,
      stored: [stored()],
    });
    expect(released).toMatchObject({
      ok: true,
      rows: [
        {
          outcome: 'updated',
          changed: ['monitored', 'spells'],
          household: { spells: [{ type: 'UNSTABLE_LIFTED', start: '2024-03-05', end: '2025-06-30' }], members: stored().members },
        },
      ],
    });
  });

  it('a new spell is added after the earlier ones; a household registered outside the importer’s villages is OUT_OF_SCOPE', () => {
    const ended = stored({ monitored: false, spells: [{ type: 'MARGINAL', start: '2022-01-01', end: '2022-12-31' }] });
    const again = validateMonitoringList({
      table: table(row({ 监测类型: '突发严重困难户', 纳入监测日期: '2025-01-02' })),
      villages: VILLAGES,
      stored: [ended],
    });
    expect(again).toMatchObject({
      ok: true,
      rows: [
        {
          outcome: 'updated',
          household: {
            spells: [
              { type: 'MARGINAL', start: '2022-01-01', end: '2022-12-31' },
              { type: 'SUDDEN_HARDSHIP', start: '2025-01-02', end: null },
            ],
          },
        },
      ],
    });
    const elsewhere = validateMonitoringList({ table: table(row()), villages: VILLAGES, stored: [stored({ orgUnitId: 'v-z', orgPath: '/c/t9/v-z/' })] });
    expect(elsewhere).toMatchObject({ ok: false, errors: [{ row: 2, column: '户编号', code: 'OUT_OF_SCOPE' }] });
  });
});

describe('the register’s small rules', () => {
  it('days, ID cards and members', () => {
    expect(calendarDay('2024/3/5')).toBe('2024-03-05');
    expect(calendarDay('2024年3月5日')).toBe('2024-03-05');
    expect(calendarDay('2023-02-29')).toBeUndefined();
    expect(maskedIdCard('567X')).toBe('**************567X');
    expect(maskedIdCard(null)).toBeNull();
    expect(parseMembers('甲/户主/11010119800101123x')).toEqual([{ name: '甲', relation: '户主', idLast4: '123X' }]);
    expect(typeof parseMembers('甲')).toBe('string');
    expect(householdCodesOf(table(row(), row({ 户编号: 'H-2' }), row()))).toEqual(['QS-HH-001', 'H-2']);
  });

  it('a ledger entry: a whole year from 2016 to this year, whole fen above 0', () => {
    expect(linkageEntryRefusal({ year: 2025, amountFen: 1 }, 2026)).toBeNull();
    expect(linkageEntryRefusal({ year: 2027, amountFen: 1 }, 2026)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.year' });
    expect(linkageEntryRefusal({ year: 2015, amountFen: 1 }, 2026)).toMatchObject({ field: 'body.year' });
    expect(linkageEntryRefusal({ year: 2020.5, amountFen: 1 }, 2026)).toMatchObject({ field: 'body.year' });
    expect(linkageEntryRefusal({ year: 2020, amountFen: -5 }, 2026)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.amountFen' });
    expect(linkageEntryRefusal({ year: 2020, amountFen: 1.5 }, 2026)).toMatchObject({ field: 'body.amountFen' });
    expect(linkageEntryRefusal({ year: 2020, amountFen: 0 }, 2026)).toMatchObject({ field: 'body.amountFen' });
  });

  it('totals per kind are exact bigints, every kind present', () => {
    expect(
      linkageTotals([
        { kind: 'WAGES', amountFen: 999_999_999_999 },
        { kind: 'WAGES', amountFen: 999_999_999_999 },
        { kind: 'DIVIDEND', amountFen: 7n },
      ]),
    ).toEqual({ WAGES: 1_999_999_999_998n, LAND_RENT: 0n, DIVIDEND: 7n, PURCHASE_CONTRACT: 0n });
  });
});
