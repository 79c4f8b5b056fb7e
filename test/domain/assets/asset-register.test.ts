import { describe, expect, it } from 'vitest';
import {
  assetFundingSourceOfProject,
  LEDGER_COLUMNS,
  numberedRows,
  validateLedger,
  type TImportVillage,
  type TLedgerAsset,
} from '../../../src/domain/assets/asset-register';

const HEADER = LEDGER_COLUMNS.map((c) => c.header);
const VILLAGES: TImportVillage[] = [
  { id: 'v-a', name: '桃源村', path: '/c/t1/v-a/', countyId: 'c' },
  { id: 'v-b', name: '石桥村', path: '/c/t1/v-b/', countyId: 'c' },
  { id: 'v-c', name: '石桥村', path: '/c/t2/v-c/', countyId: 'c' },
];
const row = (over: Partial<Record<(typeof HEADER)[number], string>> = {}) => {
  const base: Record<string, string> = {
    资产编号: 'QS-001',
    资产名称: '茶叶加工厂房',
    资产类别: '经营性',
    资金来源: '财政衔接资金',
    所属村: '桃源村',
    '价值(元)': '1,234,567.89',
    所有权人: '桃源村股份经济合作社',
    管护人: '王村长',
    坐落位置: '桃源村三组',
    产权证号: '',
  };
  return HEADER.map((h) => ({ ...base, ...over })[h] ?? '');
};
const table = (...rows: string[][]) => numberedRows([HEADER, ...rows]);

describe('validateLedger (the county ledger import, pure)', () => {
  it('a good row: codes from the Chinese labels, yuan to exact fen, the village by name', () => {
    const out = validateLedger({
      table: table(row(), row({ 资产编号: 'QS-002', '价值(元)': '0.1', 资产类别: 'PUBLIC_WELFARE', 资金来源: '自筹' })),
      villages: VILLAGES,
      stored: [],
    });
    expect(out).toMatchObject({
      ok: true,
      rows: [
        {
          row: 2,
          outcome: 'created',
          asset: {
            ledgerCode: 'QS-001',
            assetClass: 'OPERATING',
            fundingSource: 'FISCAL_LINKAGE',
            orgUnitId: 'v-a',
            valueFen: 123_456_789,
            certificateNo: null,
          },
        },
        { row: 3, outcome: 'created', asset: { assetClass: 'PUBLIC_WELFARE', fundingSource: 'SELF', valueFen: 10 } },
      ],
    });
  });

  it('every bad row and every bad cell is reported with its row, column and code', () => {
    const out = validateLedger({
      table: numberedRows([
        HEADER,
        row({ 资产名称: '' }),
        [],
        row({ 资产编号: 'QS-002', 资产类别: '固定资产', '价值(元)': '12.345' }),
        row({ 资产编号: 'QS-003', 所属村: '石桥村' }),
        row({ 资产编号: 'QS-004', 所属村: '远山村', 资金来源: '银行' }),
        row({ 资产编号: 'QS-005', '价值(元)': '-5' }),
        row({ 资产编号: 'QS-005' }),
      ]),
      villages: VILLAGES,
      stored: [],
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '资产名称', 'REQUIRED'],
      // row 3 is blank and skipped; numbers stay those of the file
      [4, '资产类别', 'UNKNOWN_CLASS'],
      [4, '价值(元)', 'INVALID_AMOUNT'],
      [5, '所属村', 'AMBIGUOUS_VILLAGE'],
      [6, '资金来源', 'UNKNOWN_FUNDING_SOURCE'],
      [6, '所属村', 'UNKNOWN_VILLAGE'],
      [7, '价值(元)', 'INVALID_AMOUNT'],
      [8, '资产编号', 'DUPLICATE_IN_FILE'],
    ]);
  });

  it('a missing required column refuses the header; an empty ledger has no rows', () => {
    const noValue = validateLedger({ table: numberedRows([HEADER.filter((h) => h !== '价值(元)'), ['x']]), villages: VILLAGES, stored: [] });
    expect(noValue).toEqual({ ok: false, errors: [expect.objectContaining({ row: 1, column: '价值(元)', code: 'MISSING_COLUMN' })] });
    expect(validateLedger({ table: table(), villages: VILLAGES, stored: [] })).toMatchObject({ ok: false, errors: [{ code: 'NO_ROWS' }] });
  });

  it('the same code with the same content is unchanged; with other content a conflict naming the fields', () => {
    const first = validateLedger({ table: table(row()), villages: VILLAGES, stored: [] });
    if (!first.ok) throw new Error('expected ok');
    const stored = { ...(first.rows[0]!.asset as TLedgerAsset), id: 'asset-1' };
    expect(validateLedger({ table: table(row()), villages: VILLAGES, stored: [stored] })).toEqual({
      ok: true,
      rows: [expect.objectContaining({ row: 2, outcome: 'unchanged', assetId: 'asset-1' })],
    });
    const changed = validateLedger({ table: table(row({ '价值(元)': '1234567.80', 管护人: '李书记' })), villages: VILLAGES, stored: [stored] });
    expect(changed).toMatchObject({ ok: false, errors: [{ row: 2, column: '资产编号', code: 'CONFLICT' }] });
    if (!changed.ok) expect(changed.errors[0]!.message).toContain('valueFen, custodian');
  });

  it('a project-formed asset takes its source from the largest funding line', () => {
    expect(
      assetFundingSourceOfProject([
        { source: 'CENTRAL_LINKAGE', amountFen: 40 },
        { source: 'OWN_CAPITAL', amountFen: 10 },
      ]),
    ).toBe('FISCAL_LINKAGE');
    expect(
      assetFundingSourceOfProject([
        { source: 'LOCAL', amountFen: 1 },
        { source: 'BANK_LOAN', amountFen: 2 },
      ]),
    ).toBe('SELF');
    expect(assetFundingSourceOfProject([{ source: 'OTHER', amountFen: 5 }])).toBe('SOCIAL');
  });
});
