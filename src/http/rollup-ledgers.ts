import { ASSET_FUNDING_SOURCE_LABELS_EN, ASSET_FUNDING_SOURCE_LABELS_ZH, type TAssetFundingSource } from '../domain/assets/asset-register';
import type { TActor } from '../domain/actor';
import { AppError } from '../domain/errors';
import type { TPrisma } from '../db/prisma';
import { CODE_LABELS } from '../web/app/code-labels';
import { shanghaiYear } from './project-filters';
import { addFigures, emptyFigures, figuresPerLeaf, rollupScope, type TFigures, type TPaidSource } from './rollup-figures';
import { ledgerSheet, type TAnyLedgerSheet, type TLedgerLang } from './xlsx-workbook';

/**
 * The 上报 ledgers a county, city or province sends up: funds by source per county for a year,
 * and the asset ledger (资产台账). Names, not ids; money in yuan from integer fen. Their columns are
 * documented in docs/api.md (上报 exports).
 */

/** More assets than a province registers in years; past it the export must be narrowed. */
export const MAX_EXPORT_ASSETS = 200_000;

/** Who asks for which unit's ledger, of which year, in which language. */
interface TLedgerRequest {
  prisma: TPrisma;
  actor: TActor;
  orgUnitId: string;
  year?: number;
  lang: TLedgerLang;
}

interface TFundsRow {
  city: string;
  county: string;
  f: TFigures;
}
const paidOf = (f: TFigures, source: TPaidSource) => f.paid.get(source)?.fen ?? 0n;
const paidTotal = (f: TFigures) => [...f.paid.values()].reduce((s, p) => s + p.fen, 0n);
const paidCount = (f: TFigures) => [...f.paid.values()].reduce((s, p) => s + p.count, 0);

export const FUNDS_SHEET_NAME = { zh: '资金来源汇总', en: 'Funds by source' };
export const TOTAL_LABEL = { zh: '合计', en: 'Total' };

/** Funds allocated and disbursed by source per county of the unit, with a total row last. */
export async function fundsBySourceSheet({ prisma, actor, orgUnitId, year, lang }: TLedgerRequest & { year: number }): Promise<TAnyLedgerSheet> {
  const scope = await rollupScope({ prisma, actor, orgUnitId });
  if (scope.leafColumn !== 'countyId' && scope.unit.level !== 'COUNTY') {
    throw new AppError('VALIDATION_FAILED', 'funds by source are reported per county: ask for a county, city or province', [
      { path: 'querystring.orgUnitId', message: 'below a county' },
    ]);
  }
  // A county reports its own row; a city or province one row per county.
  const countyScope = scope.leafColumn === 'countyId' ? scope : { ...scope, leaves: [scope.unit], leafColumn: 'countyId' };
  const perCounty = await figuresPerLeaf({ prisma, scope: countyScope, year });
  const parents = await prisma.orgUnit.findMany({
    where: { id: { in: countyScope.leaves.map((c) => c.parentId).filter((id): id is string => id !== null) }, level: 'CITY' },
    select: { id: true, name: true },
  });
  const cityName = new Map(parents.map((p) => [p.id, p.name]));
  const rows: TFundsRow[] = countyScope.leaves.map((c) => ({ city: (c.parentId && cityName.get(c.parentId)) || '', county: c.name, f: perCounty.get(c.id)! }));
  const total = rows.reduce((t, r) => addFigures(t, r.f), emptyFigures(false));
  rows.push({ city: TOTAL_LABEL[lang], county: '', f: total });
  const source = CODE_LABELS[lang].source;
  return ledgerSheet<TFundsRow>({
    name: FUNDS_SHEET_NAME,
    rows,
    columns: [
      { header: { zh: '市(州)', en: 'City' }, kind: 'text', width: 12, value: (r) => r.city || null },
      { header: { zh: '县(区)', en: 'County' }, kind: 'text', width: 12, value: (r) => r.county || null },
      { header: { zh: '年度', en: 'Year' }, kind: 'integer', width: 8, value: () => year },
      { header: { zh: '下达资金(元)', en: 'Allocated (yuan)' }, kind: 'yuan', width: 18, value: (r) => r.f.allocatedFen },
      { header: { zh: '下达笔数', en: 'Allocations' }, kind: 'integer', width: 10, value: (r) => r.f.allocationCount },
      { header: { zh: '已拨付合计(元)', en: 'Disbursed total (yuan)' }, kind: 'yuan', width: 18, value: (r) => paidTotal(r.f) },
      {
        header: { zh: `${source.CENTRAL_LINKAGE}(元)`, en: `${source.CENTRAL_LINKAGE} (yuan)` },
        kind: 'yuan',
        width: 18,
        value: (r) => paidOf(r.f, 'CENTRAL_LINKAGE'),
      },
      { header: { zh: `${source.LOCAL}(元)`, en: `${source.LOCAL} (yuan)` }, kind: 'yuan', width: 18, value: (r) => paidOf(r.f, 'LOCAL') },
      { header: { zh: `${source.OTHER}(元)`, en: `${source.OTHER} (yuan)` }, kind: 'yuan', width: 16, value: (r) => paidOf(r.f, 'OTHER') },
      { header: { zh: '来源未记录(元)', en: 'Source not recorded (yuan)' }, kind: 'yuan', width: 16, value: (r) => paidOf(r.f, 'UNKNOWN') },
      { header: { zh: '拨付笔数', en: 'Payments' }, kind: 'integer', width: 10, value: (r) => paidCount(r.f) },
    ],
  });
}

const ASSET_CLASS = {
  zh: { OPERATING: '经营性资产', PUBLIC_WELFARE: '公益性资产', HOUSEHOLD: '到户类资产' },
  en: { OPERATING: 'Operating', PUBLIC_WELFARE: 'Public welfare', HOUSEHOLD: 'Household' },
} as const satisfies Record<TLedgerLang, Record<string, string>>;

const FUNDING_SOURCE = { zh: ASSET_FUNDING_SOURCE_LABELS_ZH, en: ASSET_FUNDING_SOURCE_LABELS_EN } as const satisfies Record<
  TLedgerLang,
  Record<TAssetFundingSource, string>
>;

interface TAssetRow {
  county: string;
  township: string;
  village: string;
  ledgerCode: string | null;
  project: string;
  name: string;
  assetClass: string;
  fundingSource: string | null;
  valueFen: bigint;
  owner: string;
  custodian: string;
  certificateNo: string | null;
  registeredAt: Date;
  handedOverAt: Date | null;
}

export const ASSET_SHEET_NAME = { zh: '资产台账', en: 'Asset ledger' };

/**
 * Every asset of the register under the unit (optionally registered in one year), county by
 * county: those a project registered and those imported from the county's legacy ledger, which
 * have no project. Rows from before the register had places of their own are placed by their project.
 */
export async function assetLedgerSheet({ prisma, actor, orgUnitId, year, lang }: TLedgerRequest): Promise<TAnyLedgerSheet> {
  const scope = await rollupScope({ prisma, actor, orgUnitId });
  const township = scope.unit.level === 'TOWNSHIP';
  const found = await prisma.asset.findMany({
    where: {
      OR: [
        { countyId: { in: scope.countyIds }, ...(township ? { orgPath: { startsWith: scope.unit.path } } : {}) },
        { countyId: null, project: { countyId: { in: scope.countyIds }, ...(township ? { townshipId: scope.unit.id } : {}) } },
      ],
      ...(year ? { registeredAt: shanghaiYear(year) } : {}),
    },
    take: MAX_EXPORT_ASSETS + 1,
    select: {
      name: true,
      assetClass: true,
      fundingSource: true,
      ledgerCode: true,
      valueFen: true,
      owner: true,
      custodian: true,
      certificateNo: true,
      registeredAt: true,
      handedOverAt: true,
      id: true,
      countyId: true,
      orgUnitId: true,
      orgPath: true,
      project: { select: { name: true, countyId: true, townshipId: true, villageId: true, orgPath: true } },
    },
  });
  if (found.length > MAX_EXPORT_ASSETS) {
    throw new AppError('VALIDATION_FAILED', `more than ${MAX_EXPORT_ASSETS} assets match: ask for a smaller unit or one year`, [
      { path: 'querystring', message: 'too many rows' },
    ]);
  }
  // Where each asset sits: its own village and path, else its project's (the village's parent is its township).
  const assets = found.map((a) => {
    const ids = (a.orgPath ?? '').split('/').filter(Boolean);
    return {
      ...a,
      place: a.orgPath
        ? { countyId: a.countyId ?? '', townshipId: ids.at(-2) ?? '', villageId: a.orgUnitId ?? '', path: a.orgPath }
        : {
            countyId: a.project?.countyId ?? '',
            townshipId: a.project?.townshipId ?? '',
            villageId: a.project?.villageId ?? '',
            path: a.project?.orgPath ?? '',
          },
    };
  });
  const unitIds = [...new Set(assets.flatMap((a) => [a.place.countyId, a.place.townshipId, a.place.villageId]))];
  const names = new Map((await prisma.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const nameOf = (id: string) => names.get(id) ?? '';
  // County by county (the tree's order), then by registration.
  assets.sort((a, b) => a.place.path.localeCompare(b.place.path) || a.registeredAt.getTime() - b.registeredAt.getTime() || a.id.localeCompare(b.id));
  const classes: Record<string, string> = ASSET_CLASS[lang];
  const sources: Record<string, string> = FUNDING_SOURCE[lang];
  return ledgerSheet<TAssetRow>({
    name: ASSET_SHEET_NAME,
    rows: assets.map((a) => ({
      county: nameOf(a.place.countyId),
      township: nameOf(a.place.townshipId),
      village: nameOf(a.place.villageId),
      ledgerCode: a.ledgerCode,
      project: a.project?.name ?? '',
      name: a.name,
      assetClass: classes[a.assetClass] ?? a.assetClass,
      fundingSource: a.fundingSource ? (sources[a.fundingSource] ?? a.fundingSource) : null,
      valueFen: a.valueFen,
      owner: a.owner,
      custodian: a.custodian,
      certificateNo: a.certificateNo,
      registeredAt: a.registeredAt,
      handedOverAt: a.handedOverAt,
    })),
    columns: [
      { header: { zh: '县(区)', en: 'County' }, kind: 'text', width: 12, value: (r) => r.county },
      { header: { zh: '乡镇', en: 'Township' }, kind: 'text', width: 12, value: (r) => r.township },
      { header: { zh: '村', en: 'Village' }, kind: 'text', width: 12, value: (r) => r.village },
      { header: { zh: '资产编号', en: 'Ledger code' }, kind: 'text', width: 16, value: (r) => r.ledgerCode },
      { header: { zh: '项目名称', en: 'Project' }, kind: 'text', width: 28, value: (r) => r.project },
      { header: { zh: '资产名称', en: 'Asset' }, kind: 'text', width: 24, value: (r) => r.name },
      { header: { zh: '资产类别', en: 'Class' }, kind: 'text', width: 12, value: (r) => r.assetClass },
      { header: { zh: '资金来源', en: 'Funding source' }, kind: 'text', width: 16, value: (r) => r.fundingSource },
      { header: { zh: '资产价值(元)', en: 'Value (yuan)' }, kind: 'yuan', width: 16, value: (r) => r.valueFen },
      { header: { zh: '所有权人', en: 'Owner' }, kind: 'text', width: 20, value: (r) => r.owner },
      { header: { zh: '管护主体', en: 'Custodian' }, kind: 'text', width: 20, value: (r) => r.custodian },
      { header: { zh: '权属证书号', en: 'Certificate no.' }, kind: 'text', width: 18, value: (r) => r.certificateNo },
      { header: { zh: '登记日期', en: 'Registered on' }, kind: 'date', width: 12, value: (r) => r.registeredAt },
      { header: { zh: '移交日期', en: 'Handed over on' }, kind: 'date', width: 12, value: (r) => r.handedOverAt },
    ],
  });
}
