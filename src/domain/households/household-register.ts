import { refusal, type TRefusal } from '../errors';
import { codesInColumn, headerIndex, inColumnOrder, rowCells, villageOfCell, type TImportVillage, type TLedgerTableRow } from '../ledger-table';
import { MAX_AMOUNT_FEN } from '../policies/money';
import type { TRole } from '../roles';

/**
 * The household register (农户台账, issue #15) and the 防返贫监测 list it is imported from: code
 * lists, labels, the list's columns and the per-row validation and merge. Pure: no Prisma, no
 * Node; the route reads the villages and stored households and hands them in.
 *
 * ID-card numbers (身份证号) are never kept: a member's number is cut to its last 4 characters
 * here, before anything is stored or logged, so the register never holds a full number in clear.
 */

/** 监测类型 of 防止返贫动态监测 (脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户). */
export const MONITORING_TYPES = ['UNSTABLE_LIFTED', 'MARGINAL', 'SUDDEN_HARDSHIP'] as const;
export type TMonitoringType = (typeof MONITORING_TYPES)[number];
export const MONITORING_TYPE_LABELS_ZH: Record<TMonitoringType, string> = {
  UNSTABLE_LIFTED: '脱贫不稳定户',
  MARGINAL: '边缘易致贫户',
  SUDDEN_HARDSHIP: '突发严重困难户',
};

/** The register's flags: 脱贫户 (lifted out of poverty) and 监测户 (under monitoring now). */
export const HOUSEHOLD_FLAGS = ['LIFTED', 'MONITORED'] as const;
export type THouseholdFlag = (typeof HOUSEHOLD_FLAGS)[number];
export const HOUSEHOLD_FLAG_LABELS_ZH: Record<THouseholdFlag, string> = { LIFTED: '脱贫户', MONITORED: '监测户' };

/** 联农带农 kinds: how a project or asset brings income to a household. */
export const LINKAGE_KINDS = ['WAGES', 'LAND_RENT', 'DIVIDEND', 'PURCHASE_CONTRACT'] as const;
export type TLinkageKind = (typeof LINKAGE_KINDS)[number];
export const LINKAGE_KIND_LABELS_ZH: Record<TLinkageKind, string> = {
  WAGES: '务工',
  LAND_RENT: '土地流转租金',
  DIVIDEND: '分红',
  PURCHASE_CONTRACT: '订单收购',
};

/**
 * Who imports the 防返贫监测 list: an administrator or the county agriculture bureau (县农业农村局 /
 * 乡村振兴局), which runs the county's 防止返贫动态监测 and exports the list from the national system
 * each month. Villages and townships collect and check households, but the list of record is the
 * county's; letting each village import its own copy would let two versions of a household compete.
 */
export const HOUSEHOLD_IMPORT_ROLES = ['ADMIN', 'COUNTY_AGRICULTURE'] as const satisfies readonly TRole[];

/**
 * Who records 联农带农 entries: the village committee (村两委 / 驻村工作队), which pays or witnesses
 * wages, rent and dividends in its own village, and the county agriculture bureau and
 * administrators, who correct and complete the ledger for the county.
 */
export const LINKAGE_ENTRY_ROLES = ['VILLAGE_COMMITTEE', 'COUNTY_AGRICULTURE', 'ADMIN'] as const satisfies readonly TRole[];

/** The first year the ledger takes: 2016, the start of the 13th five-year plan's 精准扶贫 ledgers. */
export const FIRST_LINKAGE_YEAR = 2016;

/**
 * Why a 联农带农 entry is refused (null: accepted): the year a whole year from 2016 to the current
 * year (an income not yet earned is no ledger entry), the amount whole fen, more than 0, at most
 * the domain's largest amount. The kind is one of LINKAGE_KINDS (the route's schema lists them).
 */
export function linkageEntryRefusal({ year, amountFen }: { year: number; amountFen: number }, currentYear: number): TRefusal | null {
  if (!Number.isInteger(year) || year < FIRST_LINKAGE_YEAR || year > currentYear)
    return refusal('VALIDATION_FAILED', `the year must be a whole year from ${FIRST_LINKAGE_YEAR} to ${currentYear}`, 'body.year');
  if (!Number.isInteger(amountFen) || amountFen <= 0 || amountFen > MAX_AMOUNT_FEN)
    return refusal('VALIDATION_FAILED', `the amount must be whole fen, more than 0 and at most ${MAX_AMOUNT_FEN}`, 'body.amountFen');
  return null;
}

/** The 防返贫监测 list's columns, in order, as its header row names them. */
export const MONITORING_LIST_COLUMNS = [
  { key: 'householdCode', header: '户编号', required: true, maxLength: 64 },
  { key: 'headName', header: '户主姓名', required: true, maxLength: 50 },
  { key: 'village', header: '所属村', required: true, maxLength: 100 },
  { key: 'memberCount', header: '家庭人口', required: true, maxLength: 3 },
  { key: 'lifted', header: '是否脱贫户', required: true, maxLength: 10 },
  { key: 'monitored', header: '是否监测户', required: true, maxLength: 10 },
  { key: 'monitoringType', header: '监测类型', required: false, maxLength: 20 },
  { key: 'monitoringStart', header: '纳入监测日期', required: false, maxLength: 10 },
  { key: 'monitoringEnd', header: '解除监测日期', required: false, maxLength: 10 },
  { key: 'members', header: '家庭成员', required: false, maxLength: 2000 },
] as const;
export type TMonitoringColumnKey = (typeof MONITORING_LIST_COLUMNS)[number]['key'];

export const MONITORING_ROW_ERROR_CODES = [
  'MISSING_COLUMN',
  'REQUIRED',
  'TOO_LONG',
  'UNKNOWN_VILLAGE',
  'AMBIGUOUS_VILLAGE',
  'INVALID_COUNT',
  'INVALID_FLAG',
  'UNKNOWN_MONITORING_TYPE',
  'INVALID_DATE',
  'INVALID_MEMBERS',
  'MEMBER_COUNT_MISMATCH',
  'DUPLICATE_IN_FILE',
  'OUT_OF_SCOPE',
  'NO_ROWS',
] as const;
export type TMonitoringRowErrorCode = (typeof MONITORING_ROW_ERROR_CODES)[number];

export interface TMonitoringRowError {
  row: number;
  /** The column's header (户编号 …); '' for a whole-row error. */
  column: string;
  code: TMonitoringRowErrorCode;
  message: string;
}

/** A monitoring spell: from its start day to its end day (null: still monitored), of one type. */
export interface TMonitoringSpell {
  type: TMonitoringType;
  start: string;
  end: string | null;
}

/** A member as the register keeps them: never the full ID-card number, only its last 4 characters. */
export interface THouseholdMember {
  name: string;
  relation: string;
  idLast4: string | null;
}

/** What the register holds of a household (what "the same household" compares). */
export interface THouseholdContent {
  householdCode: string;
  headName: string;
  orgUnitId: string;
  orgPath: string;
  countyId: string;
  memberCount: number;
  lifted: boolean;
  monitored: boolean;
  spells: TMonitoringSpell[];
  members: THouseholdMember[];
}

/** A household already in the register under one of the file's codes. */
export type TStoredHousehold = THouseholdContent & { id: string };

export type THouseholdRowPlan =
  | { row: number; outcome: 'created'; household: THouseholdContent }
  | { row: number; outcome: 'unchanged'; household: THouseholdContent; householdId: string }
  | { row: number; outcome: 'updated'; household: THouseholdContent; householdId: string; changed: string[] };

export type TMonitoringValidation = { ok: true; rows: THouseholdRowPlan[] } | { ok: false; errors: TMonitoringRowError[] };

const YES = new Set(['是', 'Y', 'y', '1', 'TRUE', 'true']);
const NO = new Set(['否', 'N', 'n', '0', 'FALSE', 'false', '']);

/** A day written 2024-03-05 or 2024/3/5 or 2024.3.5, as YYYY-MM-DD; undefined if it is no calendar day. */
export function calendarDay(text: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return undefined;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** An 18-character 居民身份证号 (17 digits and a digit or X) or a 15-digit old one: its last 4 characters. */
export function idCardLast4(text: string): string | undefined {
  const id = text.trim().toUpperCase();
  return /^\d{17}[\dX]$/.test(id) || /^\d{15}$/.test(id) ? id.slice(-4) : undefined;
}

/** An ID card's last 4 characters shown masked, as the register shows a member: ************** 1234. */
export const maskedIdCard = (last4: string | null): string | null => (last4 ? `${'*'.repeat(14)}${last4}` : null);

/**
 * The 家庭成员 cell: members separated by ; or ；, each 姓名/与户主关系[/身份证号]. The number, if
 * any, must be a valid ID-card number and is cut to its last 4 characters at once.
 */
export function parseMembers(cell: string): THouseholdMember[] | string {
  const members: THouseholdMember[] = [];
  for (const part of cell
    .split(/[;；]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, relation, id, ...rest] = part.split(/[/／]/).map((p) => p.trim());
    if (!name || !relation || rest.length > 0) return `"${part.replace(/\d{6,}/g, '…')}" is not 姓名/关系 or 姓名/关系/身份证号`;
    if (Array.from(name).length > 50 || Array.from(relation).length > 20) return `a member's name or relation is too long`;
    let idLast4: string | null = null;
    if (id) {
      const last4 = idCardLast4(id);
      if (!last4) return `the ID-card number of ${name} is not 18 characters (17 digits and a digit or X)`;
      idLast4 = last4;
    }
    members.push({ name, relation, idLast4 });
  }
  return members;
}

/** The household after this month's list: its new content, the stored spell of the same start replaced, others kept. */
export function mergedSpells(stored: readonly TMonitoringSpell[], incoming: TMonitoringSpell | null): TMonitoringSpell[] {
  const spells = stored.filter((s) => !incoming || s.start !== incoming.start);
  if (incoming) spells.push(incoming);
  return spells.sort((a, b) => a.start.localeCompare(b.start));
}

const CONTENT_KEYS = ['headName', 'orgUnitId', 'memberCount', 'lifted', 'monitored', 'spells', 'members'] as const satisfies ReadonlyArray<
  keyof THouseholdContent
>;

/** A value as JSON with its object keys sorted: a JSONB column gives its keys back in its own order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The fields where a stored household differs from the list's (empty: the same household). */
export function householdDifferences(stored: THouseholdContent, incoming: THouseholdContent): string[] {
  return CONTENT_KEYS.filter((k) => canonical(stored[k]) !== canonical(incoming[k]));
}

const headerOf = (key: TMonitoringColumnKey) => MONITORING_LIST_COLUMNS.find((c) => c.key === key)!.header;

/**
 * Validates a whole 防返贫监测 list (header row first) against the villages the importer may write
 * into and the households already registered under the same codes. Every bad row is reported
 * with its row, column and code. A good list comes back as one plan per row: `created` (a new
 * 户编号 in its county), `unchanged` (same content) or `updated` (the list is re-exported each month,
 * so a household's flags, spells and members change: the register follows the list and the route
 * records each change as an audit event). A stored household outside the importer's villages is
 * OUT_OF_SCOPE: an import never moves a household out of another office's villages.
 */
export function validateMonitoringList({
  table,
  villages,
  stored,
}: {
  table: readonly TLedgerTableRow[];
  villages: readonly TImportVillage[];
  stored: readonly TStoredHousehold[];
}): TMonitoringValidation {
  const head = headerIndex(MONITORING_LIST_COLUMNS, table, 'household rows');
  if (!head.ok) return { ok: false, errors: head.errors };
  const errors: TMonitoringRowError[] = [];
  const villageIds = new Set(villages.map((v) => v.id));
  const storedByKey = new Map(stored.map((s) => [`${s.countyId}\n${s.householdCode}`, s]));
  const seen = new Map<string, number>();
  const plans: THouseholdRowPlan[] = [];

  for (let i = 1; i < table.length; i += 1) {
    const { row: rowNo, cells } = table[i]!;
    const rowErrors: TMonitoringRowError[] = [];
    const fail = (key: TMonitoringColumnKey, code: TMonitoringRowErrorCode, message: string) =>
      rowErrors.push({ row: rowNo, column: headerOf(key), code, message });
    const raw = rowCells(MONITORING_LIST_COLUMNS, head.index, cells, fail);
    const placed = raw.village ? villageOfCell(raw.village, villages) : undefined;
    if (placed && !placed.ok) fail('village', placed.code, placed.message);
    const village = placed?.ok ? placed.village : undefined;

    const memberCount = /^\d{1,2}$/.test(raw.memberCount) && Number(raw.memberCount) >= 1 ? Number(raw.memberCount) : undefined;
    if (raw.memberCount && memberCount === undefined) fail('memberCount', 'INVALID_COUNT', `"${raw.memberCount}" is not a number of people from 1 to 99`);
    const flag = (key: 'lifted' | 'monitored') => {
      if (YES.has(raw[key])) return true;
      if (NO.has(raw[key])) return false;
      fail(key, 'INVALID_FLAG', `"${raw[key]}" is neither 是 nor 否`);
      return undefined;
    };
    const lifted = raw.lifted ? flag('lifted') : undefined;
    const monitored = raw.monitored ? flag('monitored') : undefined;

    // A spell when the row names one: a monitored household must; a released one may keep its dates.
    let spell: TMonitoringSpell | null = null;
    const type = raw.monitoringType
      ? (Object.entries(MONITORING_TYPE_LABELS_ZH) as Array<[TMonitoringType, string]>).find(
          ([c, l]) => c === raw.monitoringType || l === raw.monitoringType,
        )?.[0]
      : undefined;
    if (raw.monitoringType && !type)
      fail('monitoringType', 'UNKNOWN_MONITORING_TYPE', `"${raw.monitoringType}" is none of ${Object.values(MONITORING_TYPE_LABELS_ZH).join(' / ')}`);
    const start = raw.monitoringStart ? calendarDay(raw.monitoringStart) : undefined;
    if (raw.monitoringStart && !start) fail('monitoringStart', 'INVALID_DATE', `"${raw.monitoringStart}" is not a day (2024-03-05)`);
    const end = raw.monitoringEnd ? calendarDay(raw.monitoringEnd) : undefined;
    if (raw.monitoringEnd && !end) fail('monitoringEnd', 'INVALID_DATE', `"${raw.monitoringEnd}" is not a day (2024-03-05)`);
    if (start && end && end < start) fail('monitoringEnd', 'INVALID_DATE', `解除监测日期 ${end} is before 纳入监测日期 ${start}`);
    if (monitored === true) {
      if (!raw.monitoringType) fail('monitoringType', 'REQUIRED', '监测类型 is required for a 监测户');
      if (!raw.monitoringStart) fail('monitoringStart', 'REQUIRED', '纳入监测日期 is required for a 监测户');
      if (end && !(start && end < start)) fail('monitoringEnd', 'INVALID_DATE', 'a 监测户 still monitored has no 解除监测日期');
    } else if (monitored === false && (raw.monitoringType || raw.monitoringStart) && !(raw.monitoringType && raw.monitoringStart && raw.monitoringEnd)) {
      fail('monitoringEnd', 'REQUIRED', 'a household no longer monitored names a spell with its 监测类型, 纳入 and 解除 dates, or none');
    }
    if (type && start) spell = { type, start, end: end ?? null };

    let members: THouseholdMember[] = [];
    if (raw.members) {
      const parsed = parseMembers(raw.members);
      if (typeof parsed === 'string') fail('members', 'INVALID_MEMBERS', parsed);
      else {
        members = parsed;
        if (memberCount !== undefined && members.length > 0 && members.length !== memberCount)
          fail('members', 'MEMBER_COUNT_MISMATCH', `家庭成员 lists ${members.length} people, 家庭人口 says ${memberCount}`);
      }
    }
    if (raw.householdCode && village) {
      const key = `${village.countyId}\n${raw.householdCode}`;
      const first = seen.get(key);
      if (first !== undefined) fail('householdCode', 'DUPLICATE_IN_FILE', `户编号 ${raw.householdCode} is already on row ${first}`);
      else seen.set(key, rowNo);
    }
    if (rowErrors.length > 0 || !village || memberCount === undefined || lifted === undefined || monitored === undefined) {
      errors.push(...inColumnOrder(MONITORING_LIST_COLUMNS, rowErrors));
      continue;
    }
    const earlier = storedByKey.get(`${village.countyId}\n${raw.householdCode}`);
    const household: THouseholdContent = {
      householdCode: raw.householdCode,
      headName: raw.headName,
      orgUnitId: village.id,
      orgPath: village.path,
      countyId: village.countyId,
      memberCount,
      lifted,
      monitored,
      spells: mergedSpells(earlier?.spells ?? [], spell),
      // A list without the members column (or with it empty) keeps the members already registered.
      members: raw.members ? members : (earlier?.members ?? []),
    };
    if (!earlier) {
      plans.push({ row: rowNo, outcome: 'created', household });
      continue;
    }
    if (!villageIds.has(earlier.orgUnitId)) {
      errors.push({
        row: rowNo,
        column: headerOf('householdCode'),
        code: 'OUT_OF_SCOPE',
        message: `户编号 ${raw.householdCode} is registered in a village outside your org unit`,
      });
      continue;
    }
    const changed = householdDifferences(earlier, household);
    plans.push(
      changed.length === 0
        ? { row: rowNo, outcome: 'unchanged', household, householdId: earlier.id }
        : { row: rowNo, outcome: 'updated', household, householdId: earlier.id, changed },
    );
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows: plans };
}

/** The 户编号 a list names (to read the stored households before validating). */
export function householdCodesOf(table: readonly TLedgerTableRow[]): string[] {
  return codesInColumn(table, headerOf('householdCode'));
}

/** The 4 kinds' totals of a set of entries, in exact fen (bigint), every kind present. */
export function linkageTotals(entries: Iterable<{ kind: string; amountFen: number | bigint }>): Record<TLinkageKind, bigint> {
  const totals = Object.fromEntries(LINKAGE_KINDS.map((k) => [k, 0n])) as Record<TLinkageKind, bigint>;
  for (const e of entries) if (e.kind in totals) totals[e.kind as TLinkageKind] += BigInt(e.amountFen);
  return totals;
}
