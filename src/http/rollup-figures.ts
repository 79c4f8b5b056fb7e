import { covers, type TActor } from '../domain/actor';
import { AppError } from '../domain/errors';
import { FISCAL_SOURCES } from '../domain/lifecycle/fiscal-funding';
import { GRADES } from '../domain/policies/evaluation-scoring';
import { fenTotal } from '../domain/policies/money';
import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';
import { shanghaiYear } from './project-filters';

/**
 * The roll-up (汇总) of a province, city, county or township for the levels above the county
 * (issue #17): every figure of the dashboard, counted per unit of the level the roll-up groups by
 * (the counties of a province or city, the townships of a county, the villages of a township) in
 * one SQL statement per figure, from the projection only. The rows of a province are then summed
 * into its cities here, in bigint, so a city's row is exactly the sum of its counties' rows.
 */

export type TUnitLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';
export interface TUnit {
  id: string;
  name: string;
  level: TUnitLevel;
  path: string;
  parentId: string | null;
}

/** Payments paid from a source the payment did not record (before the fiscal-source rule). */
export const PAID_SOURCES = [...FISCAL_SOURCES, 'UNKNOWN'] as const;
export type TPaidSource = (typeof PAID_SOURCES)[number];
/** A review case not yet decided counts under this outcome. */
export const UNDECIDED_REVIEW = 'PENDING';

export interface TFigures {
  byStage: Map<string, { count: number; budgetFen: bigint }>;
  allocatedFen: bigint;
  allocationCount: number;
  paid: Map<TPaidSource, { fen: bigint; count: number }>;
  grades: Map<number, Map<string, number>>;
  openRiskFlags: number;
  overdueTasks: number;
  /** Null where cases cannot be placed (a case names its county, not a township). */
  reviews: Map<string, number> | null;
}

export function emptyFigures(reviews: boolean): TFigures {
  return {
    byStage: new Map(),
    allocatedFen: 0n,
    allocationCount: 0,
    paid: new Map(),
    grades: new Map(),
    openRiskFlags: 0,
    overdueTasks: 0,
    reviews: reviews ? new Map() : null,
  };
}

const addCount = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);

/** Adds `from` into `into` (exact: money in bigint). */
export function addFigures(into: TFigures, from: TFigures): TFigures {
  for (const [stage, v] of from.byStage) {
    const row = into.byStage.get(stage) ?? { count: 0, budgetFen: 0n };
    into.byStage.set(stage, { count: row.count + v.count, budgetFen: row.budgetFen + v.budgetFen });
  }
  into.allocatedFen += from.allocatedFen;
  into.allocationCount += from.allocationCount;
  for (const [source, v] of from.paid) {
    const row = into.paid.get(source) ?? { fen: 0n, count: 0 };
    into.paid.set(source, { fen: row.fen + v.fen, count: row.count + v.count });
  }
  for (const [year, counts] of from.grades) {
    const row = into.grades.get(year) ?? new Map<string, number>();
    for (const [grade, n] of counts) addCount(row, grade, n);
    into.grades.set(year, row);
  }
  into.openRiskFlags += from.openRiskFlags;
  into.overdueTasks += from.overdueTasks;
  if (into.reviews && from.reviews) for (const [outcome, n] of from.reviews) addCount(into.reviews, outcome, n);
  return into;
}

/** The figures as the API answers them: fen sums as decimal strings, fixed orders. */
export function figuresJson(f: TFigures) {
  const byStage = [...f.byStage].sort(([a], [b]) => a.localeCompare(b)).map(([stage, v]) => ({ stage, count: v.count, budgetFen: fenTotal(v.budgetFen) }));
  const paid = PAID_SOURCES.map((source) => ({ source, ...(f.paid.get(source) ?? { fen: 0n, count: 0 }) }));
  return {
    projectCount: byStage.reduce((s, r) => s + r.count, 0),
    budgetFen: fenTotal([...f.byStage.values()].reduce((s, v) => s + v.budgetFen, 0n)),
    byStage,
    allocatedFen: fenTotal(f.allocatedFen),
    allocationCount: f.allocationCount,
    disbursedFen: fenTotal(paid.reduce((s, p) => s + p.fen, 0n)),
    paymentCount: paid.reduce((s, p) => s + p.count, 0),
    disbursedBySource: paid.map((p) => ({ source: p.source, disbursedFen: fenTotal(p.fen), count: p.count })),
    gradesByYear: [...f.grades]
      .sort(([a], [b]) => a - b)
      .map(([year, counts]) => ({
        year,
        counts: Object.fromEntries(GRADES.map((g) => [g, counts.get(g) ?? 0])) as Record<(typeof GRADES)[number], number>,
        total: GRADES.reduce((s, g) => s + (counts.get(g) ?? 0), 0),
      })),
    openRiskFlags: f.openRiskFlags,
    overdueTasks: f.overdueTasks,
    reviews: f.reviews
      ? {
          total: [...f.reviews.values()].reduce((s, n) => s + n, 0),
          byOutcome: [...f.reviews].sort(([a], [b]) => a.localeCompare(b)).map(([outcome, count]) => ({ outcome, count })),
        }
      : null,
  };
}

/** The level a roll-up of a unit groups its figures by, and the Project column that names it. */
const LEAF: Record<TUnitLevel, { level: TUnitLevel; column: string } | null> = {
  PROVINCE: { level: 'COUNTY', column: 'countyId' },
  CITY: { level: 'COUNTY', column: 'countyId' },
  COUNTY: { level: 'TOWNSHIP', column: 'townshipId' },
  TOWNSHIP: { level: 'VILLAGE', column: 'villageId' },
  VILLAGE: null,
};

export interface TRollupScope {
  unit: TUnit;
  /** The units the figures are counted per (counties above a county; else the unit's children). */
  leaves: TUnit[];
  /** The units one level below `unit` (cities of a province; else the leaves themselves). */
  children: TUnit[];
  /** The Project column holding a leaf's id. */
  leafColumn: string;
  /** The counties the unit lies in or holds: every project of the roll-up has one of these countyIds. */
  countyIds: string[];
}

const UNIT_SELECT = { id: true, name: true, level: true, path: true, parentId: true } as const;

/**
 * The unit a caller asks a roll-up of, if one of their grants covers it: an unknown unit is a 404,
 * a unit outside every grant a 403 (the org tree's names are no secret; its figures are).
 */
export async function rollupScope({ prisma, actor, orgUnitId }: { prisma: TPrisma; actor: TActor; orgUnitId: string }): Promise<TRollupScope> {
  const unit = (await prisma.orgUnit.findUnique({ where: { id: orgUnitId }, select: UNIT_SELECT })) as TUnit | null;
  if (!unit) throw new AppError('NOT_FOUND', `unknown org unit ${orgUnitId}`, [{ path: 'querystring.orgUnitId', message: 'unknown org unit' }]);
  if (!actor.roles.some((g) => covers(g, unit.path))) {
    throw new AppError('OUT_OF_SCOPE', `org unit ${orgUnitId} is outside your scope`, [{ path: 'querystring.orgUnitId', message: 'outside your scope' }]);
  }
  const leaf = LEAF[unit.level];
  if (!leaf) {
    throw new AppError('VALIDATION_FAILED', 'a village has no units below it to roll up', [{ path: 'querystring.orgUnitId', message: 'a village' }]);
  }
  const children = (await prisma.orgUnit.findMany({ where: { parentId: unit.id }, select: UNIT_SELECT, orderBy: { path: 'asc' } })) as TUnit[];
  const leaves =
    leaf.level === 'COUNTY'
      ? ((await prisma.orgUnit.findMany({
          where: { level: 'COUNTY', path: { startsWith: unit.path } },
          select: UNIT_SELECT,
          orderBy: { path: 'asc' },
        })) as TUnit[])
      : children;
  const countyIds = leaf.level === 'COUNTY' ? leaves.map((c) => c.id) : [unit.level === 'COUNTY' ? unit.id : (await countyOf(prisma, unit)).id];
  return {
    unit,
    leaves,
    children: leaf.level === 'COUNTY' ? children.filter((c) => c.level === 'CITY' || c.level === 'COUNTY') : children,
    leafColumn: leaf.column,
    countyIds,
  };
}

async function countyOf(prisma: TPrisma, unit: TUnit): Promise<TUnit> {
  const ids = unit.path.split('/').filter(Boolean);
  const county = await prisma.orgUnit.findFirst({ where: { id: { in: ids }, level: 'COUNTY' }, select: UNIT_SELECT });
  if (!county) throw new AppError('NOT_FOUND', `org unit ${unit.id} lies in no county`, [{ path: 'querystring.orgUnitId', message: 'no county above it' }]);
  return county as TUnit;
}

/** Timestamps as Prisma stores them (UTC wall time without zone): an ISO literal cast drops its zone. */
const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp(3)`;

/**
 * The figures per leaf (county, township or village id), each figure one grouped statement over
 * the projects of the roll-up's counties (Project(countyId, stage) narrows them; the child rows
 * are reached by their projectId indexes). `year` narrows: projects, their open flags and overdue
 * tasks to those proposed in the year (Asia/Shanghai, as the dashboard counts); allocations to that
 * fiscal year; payments to those paid in the year; review cases to those opened in it. The grades
 * are counted per year decided whatever `year` says: the years are their axis.
 */
export async function figuresPerLeaf({
  prisma,
  scope,
  year,
  now = new Date(),
}: {
  prisma: TPrisma;
  scope: TRollupScope;
  year?: number;
  now?: Date;
}): Promise<Map<string, TFigures>> {
  const t = (name: string) => rawTable(prisma, name);
  const leaf = Prisma.raw(`p."${scope.leafColumn}"`);
  const inUnit = Prisma.sql`p."countyId" = ANY(${scope.countyIds}::text[])${
    scope.unit.level === 'TOWNSHIP' ? Prisma.sql` AND p."townshipId" = ${scope.unit.id}` : Prisma.empty
  }`;
  const span = year ? shanghaiYear(year) : null;
  const within = (column: Prisma.Sql) => (span ? Prisma.sql` AND ${column} >= ${ts(span.gte)} AND ${column} < ${ts(span.lt)}` : Prisma.empty);
  const proposedIn = within(Prisma.raw('p."createdAt"'));
  const withReviews = scope.leafColumn === 'countyId';

  type TRow = { leaf: string; n: number; fen: string | null; k: string | null; y: number | null };
  const [projects, allocations, payments, grades, flags, overdue, reviews] = await Promise.all([
    prisma.$queryRaw<TRow[]>`
      SELECT ${leaf} AS leaf, p.stage AS k, count(*)::int AS n, sum(p."budgetFen")::text AS fen
      FROM ${t('Project')} p WHERE ${inUnit}${proposedIn} GROUP BY 1, 2`,
    prisma.$queryRaw<TRow[]>`
      SELECT ${leaf} AS leaf, count(*)::int AS n, sum(f."amountFen")::text AS fen
      FROM ${t('FundAllocation')} f JOIN ${t('Project')} p ON p.id = f."projectId"
      WHERE ${inUnit}${year ? Prisma.sql` AND f."fiscalYear" = ${year}` : Prisma.empty} GROUP BY 1`,
    prisma.$queryRaw<TRow[]>`
      SELECT ${leaf} AS leaf, coalesce(pay."fiscalSource", 'UNKNOWN') AS k, count(*)::int AS n, sum(pay."amountFen")::text AS fen
      FROM ${t('Payment')} pay JOIN ${t('Project')} p ON p.id = pay."projectId"
      WHERE pay.status = 'PAID' AND ${inUnit}${within(Prisma.raw('pay."paidAt"'))} GROUP BY 1, 2`,
    prisma.$queryRaw<TRow[]>`
      SELECT ${leaf} AS leaf, e.grade AS k, extract(year FROM e."decidedAt" + interval '8 hours')::int AS y, count(*)::int AS n
      FROM ${t('Evaluation')} e JOIN ${t('Project')} p ON p.id = e."projectId"
      WHERE e.status = 'APPROVED' AND e."decidedAt" IS NOT NULL AND ${inUnit} GROUP BY 1, 2, 3`,
    prisma.$queryRaw<TRow[]>`
      SELECT ${leaf} AS leaf, count(*)::int AS n
      FROM ${t('RiskFlag')} r JOIN ${t('Project')} p ON p.id = r."projectId"
      WHERE r.status = 'OPEN' AND ${inUnit}${proposedIn} GROUP BY 1`,
    prisma.$queryRaw<TRow[]>`
      SELECT ${leaf} AS leaf, count(*)::int AS n
      FROM ${t('Task')} k JOIN ${t('Project')} p ON p.id = k."projectId"
      WHERE k.status = 'PENDING' AND k."dueAt" < ${ts(now)} AND ${inUnit}${proposedIn} GROUP BY 1`,
    withReviews ? reviewOutcomes({ prisma, countyIds: scope.countyIds, year }) : new Map<string, Map<string, number>>(),
  ]);

  const out = new Map<string, TFigures>(scope.leaves.map((u) => [u.id, emptyFigures(withReviews)]));
  const of = (id: string) => {
    let f = out.get(id);
    if (!f) out.set(id, (f = emptyFigures(withReviews)));
    return f;
  };
  for (const r of projects) of(r.leaf).byStage.set(r.k!, { count: r.n, budgetFen: BigInt(r.fen ?? 0) });
  for (const r of allocations) Object.assign(of(r.leaf), { allocatedFen: BigInt(r.fen ?? 0), allocationCount: r.n });
  for (const r of payments) of(r.leaf).paid.set(r.k as TPaidSource, { fen: BigInt(r.fen ?? 0), count: r.n });
  for (const r of grades) {
    const byYear = of(r.leaf).grades;
    const counts = byYear.get(r.y!) ?? new Map<string, number>();
    byYear.set(r.y!, counts.set(r.k!, r.n));
  }
  for (const r of flags) of(r.leaf).openRiskFlags = r.n;
  for (const r of overdue) of(r.leaf).overdueTasks = r.n;
  for (const [county, outcomes] of reviews) of(county).reviews = outcomes;
  return out;
}

/** 容错纠错 review cases of the counties by outcome (PENDING: undecided), per county; `year`: opened in it. */
export async function reviewOutcomes({
  prisma,
  countyIds,
  year,
}: {
  prisma: TPrisma;
  countyIds: string[];
  year?: number;
}): Promise<Map<string, Map<string, number>>> {
  const span = year ? shanghaiYear(year) : null;
  const rows = await prisma.$queryRaw<Array<{ county: string; outcome: string; n: number }>>`
    SELECT c."countyId" AS county, coalesce(c.outcome, ${UNDECIDED_REVIEW}) AS outcome, count(*)::int AS n
    FROM ${rawTable(prisma, 'ReviewCase')} c WHERE c."countyId" = ANY(${countyIds}::text[])${
      span ? Prisma.sql` AND c."openedAt" >= ${ts(span.gte)} AND c."openedAt" < ${ts(span.lt)}` : Prisma.empty
    } GROUP BY 1, 2`;
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) out.set(r.county, (out.get(r.county) ?? new Map<string, number>()).set(r.outcome, r.n));
  return out;
}

/** The unit a leaf lies under among `units` (a leaf is its own group when it is one of them). */
export function groupOf(units: readonly TUnit[], leaf: TUnit): TUnit | undefined {
  return units.find((u) => leaf.path.startsWith(u.path));
}
