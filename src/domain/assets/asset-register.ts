import { MAX_AMOUNT_FEN, parseYuanToFen } from '../policies/money';
import { codesInColumn, headerIndex, inColumnOrder, rowCells, villageOfCell, type TImportVillage, type TLedgerTableRow } from '../ledger-table';
import type { TRole } from '../roles';

export { numberedRows, villageOfCell, type TImportVillage, type TLedgerTableRow } from '../ledger-table';

/**
 * The asset register (资产台账, domain.md §5, issue #15): the code lists, their Chinese labels, the
 * county ledger's columns and the per-row validation of a legacy ledger import. Pure: no Prisma,
 * no Node; the route reads the villages and the rows already stored and hands them in.
 */

/** 到户类 / 经营性 / 公益性 (国办函〔2021〕51号). */
export const ASSET_CLASSES = ['HOUSEHOLD', 'OPERATING', 'PUBLIC_WELFARE'] as const;
export type TAssetClass = (typeof ASSET_CLASSES)[number];
export const ASSET_CLASS_LABELS_ZH: Record<TAssetClass, string> = {
  HOUSEHOLD: '到户类',
  OPERATING: '经营性',
  PUBLIC_WELFARE: '公益性',
};

/** The funding sources a county ledger records an asset under. */
export const ASSET_FUNDING_SOURCES = ['FISCAL_LINKAGE', 'FISCAL_POVERTY', 'RELOCATION', 'PAIRING', 'SOCIAL', 'SELF'] as const;
export type TAssetFundingSource = (typeof ASSET_FUNDING_SOURCES)[number];
export const ASSET_FUNDING_SOURCE_LABELS_ZH: Record<TAssetFundingSource, string> = {
  FISCAL_LINKAGE: '财政衔接资金',
  FISCAL_POVERTY: '财政专项扶贫',
  RELOCATION: '易地扶贫搬迁',
  PAIRING: '对口支援',
  SOCIAL: '社会帮扶',
  SELF: '自筹',
};
/** The same in English: the asset pages and the 上报 ledger's English export. */
export const ASSET_FUNDING_SOURCE_LABELS_EN: Record<TAssetFundingSource, string> = {
  FISCAL_LINKAGE: 'Fiscal linkage funds',
  FISCAL_POVERTY: 'Fiscal poverty-alleviation funds',
  RELOCATION: 'Relocation funds',
  PAIRING: 'Paired assistance',
  SOCIAL: 'Social assistance',
  SELF: 'Self-raised',
};

export const ASSET_STATUSES = ['IN_USE', 'IDLE', 'DISPOSED'] as const;
export type TAssetStatus = (typeof ASSET_STATUSES)[number];
export const ASSET_STATUS_LABELS_ZH: Record<TAssetStatus, string> = {
  IN_USE: '在用',
  IDLE: '闲置',
  DISPOSED: '已处置',
};

/**
 * Who may import a county's legacy ledger: an administrator, or the county agriculture bureau
 * (县农业农村局), which under 国办函〔2021〕51号 is the department that keeps the county's asset
 * ledger and supervises its management. Finance, the leading group, townships and villages are
 * not: they read the register, they do not write it.
 */
export const ASSET_IMPORT_ROLES = ['ADMIN', 'COUNTY_AGRICULTURE'] as const satisfies readonly TRole[];

/**
 * The source an asset formed by a project is registered under: the project's largest funding line
 * (the first of equals), mapped to the register's list. Central and local linkage money are both
 * 财政衔接资金; own capital and bank loans are 自筹; OTHER (donations, enterprises) is 社会帮扶.
 */
export function assetFundingSourceOfProject(fundingSources: ReadonlyArray<{ source: string; amountFen: number }>): TAssetFundingSource {
  let best: { source: string; amountFen: number } | undefined;
  for (const line of fundingSources) if (!best || line.amountFen > best.amountFen) best = line;
  switch (best?.source) {
    case 'CENTRAL_LINKAGE':
    case 'LOCAL':
      return 'FISCAL_LINKAGE';
    case 'OWN_CAPITAL':
    case 'BANK_LOAN':
      return 'SELF';
    default:
      return 'SOCIAL';
  }
}

/** The county ledger's columns, in order, as its header row names them. */
export const LEDGER_COLUMNS = [
  { key: 'ledgerCode', header: '资产编号', required: true, maxLength: 64 },
  { key: 'name', header: '资产名称', required: true, maxLength: 200 },
  { key: 'assetClass', header: '资产类别', required: true, maxLength: 20 },
  { key: 'fundingSource', header: '资金来源', required: true, maxLength: 20 },
  { key: 'village', header: '所属村', required: true, maxLength: 100 },
  { key: 'value', header: '价值(元)', required: true, maxLength: 30 },
  { key: 'owner', header: '所有权人', required: true, maxLength: 200 },
  { key: 'custodian', header: '管护人', required: true, maxLength: 200 },
  { key: 'location', header: '坐落位置', required: false, maxLength: 300 },
  { key: 'certificateNo', header: '产权证号', required: false, maxLength: 100 },
] as const;
export type TLedgerColumnKey = (typeof LEDGER_COLUMNS)[number]['key'];
export type TLedgerHeader = (typeof LEDGER_COLUMNS)[number]['header'];

/** Why a ledger row (or the header) is refused. */
export const LEDGER_ROW_ERROR_CODES = [
  'MISSING_COLUMN',
  'REQUIRED',
  'TOO_LONG',
  'UNKNOWN_CLASS',
  'UNKNOWN_FUNDING_SOURCE',
  'UNKNOWN_VILLAGE',
  'AMBIGUOUS_VILLAGE',
  'INVALID_AMOUNT',
  'DUPLICATE_IN_FILE',
  'CONFLICT',
  'NO_ROWS',
] as const;
export type TLedgerRowErrorCode = (typeof LEDGER_ROW_ERROR_CODES)[number];

export interface TLedgerRowError {
  /** The row of the file (1 is the header line when the header comes first). */
  row: number;
  /** The column's header as the ledger names it (资产编号 …); '' for a whole-row error. */
  column: string;
  code: TLedgerRowErrorCode;
  message: string;
}

/** The content of a register row that a ledger row states: what "the same row" compares. */
export interface TLedgerAsset {
  ledgerCode: string;
  name: string;
  assetClass: TAssetClass;
  fundingSource: TAssetFundingSource;
  orgUnitId: string;
  orgPath: string;
  countyId: string;
  valueFen: number;
  owner: string;
  custodian: string;
  location: string | null;
  certificateNo: string | null;
}

/** A row already in the register under the same county and ledger code. */
export type TStoredLedgerAsset = Pick<TLedgerAsset, 'ledgerCode' | 'countyId'> & Partial<TLedgerAsset> & { id: string };

export type TLedgerRowPlan =
  { row: number; outcome: 'created'; asset: TLedgerAsset } | { row: number; outcome: 'unchanged'; asset: TLedgerAsset; assetId: string };

export type TLedgerValidation = { ok: true; rows: TLedgerRowPlan[] } | { ok: false; errors: TLedgerRowError[] };

const CONTENT_KEYS = [
  'name',
  'assetClass',
  'fundingSource',
  'orgUnitId',
  'valueFen',
  'owner',
  'custodian',
  'location',
  'certificateNo',
] as const satisfies ReadonlyArray<keyof TLedgerAsset>;

/** The fields where a stored row differs from the ledger's (empty: the same asset). */
export function ledgerAssetDifferences(stored: Partial<TLedgerAsset>, incoming: TLedgerAsset): string[] {
  const norm = (v: unknown) => (v === undefined || v === '' ? null : typeof v === 'bigint' ? Number(v) : v);
  return CONTENT_KEYS.filter((k) => norm(stored[k]) !== norm(incoming[k]));
}

/** A code or its Chinese label (the ledger writes labels; scripts may write codes). */
function codeOf<C extends string>(value: string, labels: Record<C, string>): C | undefined {
  const entries = Object.entries(labels) as Array<[C, string]>;
  return entries.find(([code, label]) => code === value || label === value)?.[0];
}

/** Accepted spellings besides the labels: what county ledgers commonly write for the same source. */
const FUNDING_SOURCE_ALIASES: Record<string, TAssetFundingSource> = {
  衔接资金: 'FISCAL_LINKAGE',
  财政衔接推进乡村振兴补助资金: 'FISCAL_LINKAGE',
  财政专项扶贫资金: 'FISCAL_POVERTY',
  易地扶贫搬迁资金: 'RELOCATION',
  东西部协作: 'PAIRING',
  '对口支援/东西部协作': 'PAIRING',
};

const fieldFromLedger = (key: TLedgerColumnKey) => LEDGER_COLUMNS.find((c) => c.key === key)!.header;

/**
 * Validates a whole ledger (header row first) against the villages the importer may write into
 * and the rows the register already holds under the same codes. Every bad row is reported, each
 * problem with its row, column and code; a good ledger comes back as one plan per row: `created`
 * (new code) or `unchanged` (same code, same content). The same code with other content is a
 * CONFLICT: a ledger import never edits the register.
 */
export function validateLedger({
  table,
  villages,
  stored,
}: {
  table: readonly TLedgerTableRow[];
  villages: readonly TImportVillage[];
  stored: readonly TStoredLedgerAsset[];
}): TLedgerValidation {
  const head = headerIndex(LEDGER_COLUMNS, table, 'asset rows');
  if (!head.ok) return { ok: false, errors: head.errors };
  const errors: TLedgerRowError[] = [];
  const storedByKey = new Map(stored.map((s) => [`${s.countyId}\n${s.ledgerCode}`, s]));
  const seen = new Map<string, number>();
  const plans: TLedgerRowPlan[] = [];

  for (let i = 1; i < table.length; i += 1) {
    const { row: rowNo, cells } = table[i]!;
    const rowErrors: TLedgerRowError[] = [];
    const fail = (key: TLedgerColumnKey, code: TLedgerRowErrorCode, message: string) =>
      rowErrors.push({ row: rowNo, column: fieldFromLedger(key), code, message });
    const raw = rowCells(LEDGER_COLUMNS, head.index, cells, fail);
    const assetClass = raw.assetClass ? codeOf(raw.assetClass, ASSET_CLASS_LABELS_ZH) : undefined;
    if (raw.assetClass && !assetClass)
      fail('assetClass', 'UNKNOWN_CLASS', `"${raw.assetClass}" is none of ${Object.values(ASSET_CLASS_LABELS_ZH).join(' / ')}`);
    const fundingSource = raw.fundingSource
      ? (codeOf(raw.fundingSource, ASSET_FUNDING_SOURCE_LABELS_ZH) ?? FUNDING_SOURCE_ALIASES[raw.fundingSource])
      : undefined;
    if (raw.fundingSource && !fundingSource)
      fail('fundingSource', 'UNKNOWN_FUNDING_SOURCE', `"${raw.fundingSource}" is none of ${Object.values(ASSET_FUNDING_SOURCE_LABELS_ZH).join(' / ')}`);
    const placed = raw.village ? villageOfCell(raw.village, villages) : undefined;
    if (placed && !placed.ok) fail('village', placed.code, placed.message);
    const village = placed?.ok ? placed.village : undefined;
    let valueFen: number | undefined;
    if (raw.value) {
      try {
        valueFen = parseYuanToFen(raw.value);
      } catch {
        valueFen = undefined;
      }
      if (valueFen === undefined || valueFen < 0 || valueFen > MAX_AMOUNT_FEN) {
        fail('value', 'INVALID_AMOUNT', `"${raw.value}" is not an amount in yuan, 0 or more with at most two decimals`);
        valueFen = undefined;
      }
    }
    if (raw.ledgerCode && village) {
      const key = `${village.countyId}\n${raw.ledgerCode}`;
      const first = seen.get(key);
      if (first !== undefined) fail('ledgerCode', 'DUPLICATE_IN_FILE', `资产编号 ${raw.ledgerCode} is already on row ${first}`);
      else seen.set(key, rowNo);
    }
    if (rowErrors.length > 0 || !village || !assetClass || !fundingSource || valueFen === undefined) {
      errors.push(...inColumnOrder(LEDGER_COLUMNS, rowErrors));
      continue;
    }
    const asset: TLedgerAsset = {
      ledgerCode: raw.ledgerCode,
      name: raw.name,
      assetClass,
      fundingSource,
      orgUnitId: village.id,
      orgPath: village.path,
      countyId: village.countyId,
      valueFen,
      owner: raw.owner,
      custodian: raw.custodian,
      location: raw.location || null,
      certificateNo: raw.certificateNo || null,
    };
    const earlier = storedByKey.get(`${asset.countyId}\n${asset.ledgerCode}`);
    if (!earlier) {
      plans.push({ row: rowNo, outcome: 'created', asset });
      continue;
    }
    const differences = ledgerAssetDifferences(earlier, asset);
    if (differences.length === 0) plans.push({ row: rowNo, outcome: 'unchanged', asset, assetId: earlier.id });
    else
      errors.push({
        row: rowNo,
        column: fieldFromLedger('ledgerCode'),
        code: 'CONFLICT',
        message: `资产编号 ${asset.ledgerCode} is already in the register with other ${differences.join(', ')}`,
      });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows: plans };
}

/** The ledger codes a table names (to read the stored rows before validating). */
export function ledgerCodesOf(table: readonly TLedgerTableRow[]): string[] {
  return codesInColumn(table, fieldFromLedger('ledgerCode'));
}
