import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TActor } from '../../domain/actor';
import { LIFECYCLE_STAGES } from '../../domain/lifecycle/lifecycle-machine';
import { GRADES } from '../../domain/policies/evaluation-scoring';
import { fenTotal } from '../../domain/policies/money';
import { likeLiteral } from '../../db/like-pattern';
import type { Prisma } from '../../generated/prisma/client';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant, ZNullableInstant } from '../openapi';
import { shanghaiYear } from '../project-filters';
import { ZFenSum } from '../schemas/money';

/**
 * Read-only figures for the dashboard (county leaders, monitors, anyone with a scope): every
 * number counts only projects inside the caller's org units, like every other list.
 */
const ZDashboardQuery = z.object({
  /** Narrow to one org unit's subtree (a township, a village) inside my scope. */
  orgUnitId: z.string().trim().min(1).max(64).optional(),
  /** Projects proposed in this calendar year (Asia/Shanghai, as the project list counts it). */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
type TDashboardQuery = z.infer<typeof ZDashboardQuery>;

// The answers, as the OpenAPI document shows them (money sums in integer fen as decimal strings).
const ZTownshipCount = z.array(z.object({ townshipId: z.string(), townshipName: z.string(), count: z.number().int() }));
const ZProjectRef = z.object({ id: z.string(), name: z.string() });
const ZByStage = z.object({ items: z.array(z.object({ stage: z.string(), count: z.number().int(), budgetFen: ZFenSum })), total: z.number().int() });
const ZFunds = z.object({
  items: z.array(
    z.object({
      townshipId: z.string(),
      townshipName: z.string(),
      approvedFen: ZFenSum,
      requestedFen: ZFenSum,
      disbursedFen: ZFenSum,
      approvedCount: z.number().int(),
      projectCount: z.number().int(),
    }),
  ),
});
const ZRiskFlags = z.object({
  total: z.number().int(),
  byCode: z.array(z.object({ code: z.string(), count: z.number().int() })),
  byTownship: ZTownshipCount,
  latest: z.array(z.object({ id: z.string(), code: z.string(), message: z.string(), raisedAt: ZInstant, paymentId: z.string(), project: ZProjectRef })),
});
const ZOverdue = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  byKind: z.array(z.object({ kind: z.string(), count: z.number().int() })),
  byTownship: ZTownshipCount,
  oldest: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), dueAt: ZNullableInstant, project: ZProjectRef })),
});
export const ZGradeCounts = z.object(Object.fromEntries(GRADES.map((g) => [g, z.number().int()])) as Record<(typeof GRADES)[number], z.ZodNumber>);
const ZGradesByYear = z.object({
  items: z
    .array(z.object({ year: z.number().int(), counts: ZGradeCounts, total: z.number().int() }))
    .describe('oldest year first; only years with an approved evaluation'),
});
const ZUnits = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), level: z.string(), parentId: z.string().nullable(), path: z.string() })),
});

/**
 * Stages whose budget counts as approved funds: the leading group's 审定 put the project in the
 * pool, and every stage after it (implementation to closed) keeps it approved. RETURNED is both:
 * before the pool it is a proposal sent back, after funding (acceptance, evaluation, replacement
 * returned) it is an approved project, told apart by its fund allocation.
 */
export const APPROVED_STAGES: readonly string[] = LIFECYCLE_STAGES.slice(LIFECYCLE_STAGES.indexOf('IN_POOL'), LIFECYCLE_STAGES.indexOf('CLOSED') + 1);

const approvedWhere: Prisma.ProjectWhereInput = {
  OR: [{ stage: { in: [...APPROVED_STAGES] } }, { stage: 'RETURNED', fundAllocations: { some: {} } }],
};

function projectWhere(actor: TActor, q: TDashboardQuery): Prisma.ProjectWhereInput | null {
  if (actor.roles.length === 0) return null;
  return {
    AND: [
      { OR: actor.roles.map((g) => ({ orgPath: { startsWith: g.orgPath } })) },
      ...(q.orgUnitId ? [{ orgPath: { contains: `/${likeLiteral(q.orgUnitId)}/` } }] : []),
      ...(q.year ? [{ createdAt: shanghaiYear(q.year) }] : []),
    ],
  };
}

export async function dashboardRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const townshipNames = async (ids: string[]) => {
    const units = await prisma.orgUnit.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
    return new Map(units.map((u) => [u.id, u.name]));
  };

  /** Rows (tasks, flags) of projects counted per township, most first, with the township's name. */
  const countByTownship = async (rows: Array<{ project: { townshipId: string } }>) => {
    const perTownship = new Map<string, number>();
    for (const row of rows) perTownship.set(row.project.townshipId, (perTownship.get(row.project.townshipId) ?? 0) + 1);
    const names = await townshipNames([...perTownship.keys()]);
    return [...perTownship].map(([id, count]) => ({ townshipId: id, townshipName: names.get(id) ?? id, count })).sort((a, b) => b.count - a.count);
  };

  r.get(
    '/api/dashboard/projects-by-stage',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'How many projects are at each stage, with their budgets',
        querystring: ZDashboardQuery,
        response: { 200: ZByStage },
      },
    },
    async (req) => {
      const where = projectWhere(requireActor(req), req.query);
      if (!where) return { items: [], total: 0 };
      const groups = await prisma.project.groupBy({ by: ['stage'], where, _count: { _all: true }, _sum: { budgetFen: true }, orderBy: { stage: 'asc' } });
      const items = groups.map((g) => ({ stage: g.stage, count: g._count._all, budgetFen: fenTotal(g._sum.budgetFen) }));
      return { items, total: items.reduce((s, i) => s + i.count, 0) };
    },
  );

  r.get(
    '/api/dashboard/funds-by-township',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Funds per township: approved (budgets of approved projects), requested (all budgets) and disbursed (paid out)',
        querystring: ZDashboardQuery,
        response: { 200: ZFunds },
      },
    },
    async (req) => {
      const where = projectWhere(requireActor(req), req.query);
      if (!where) return { items: [] };
      const sums = { _count: { _all: true }, _sum: { budgetFen: true, disbursedFen: true } } as const;
      const [all, approved] = await Promise.all([
        prisma.project.groupBy({ by: ['townshipId'], where, ...sums }),
        prisma.project.groupBy({ by: ['townshipId'], where: { AND: [where, approvedWhere] }, ...sums }),
      ]);
      const names = await townshipNames(all.map((g) => g.townshipId));
      const approvedOf = new Map(approved.map((g) => [g.townshipId, g]));
      const rows = all.map((g) => {
        const a = approvedOf.get(g.townshipId);
        return { g, approved: a?._sum.budgetFen ?? 0n, approvedCount: a?._count._all ?? 0, name: names.get(g.townshipId) ?? g.townshipId };
      });
      // Most approved first, compared as bigint (the sums may be beyond 2^53).
      rows.sort((a, b) => (a.approved === b.approved ? a.name.localeCompare(b.name) : a.approved < b.approved ? 1 : -1));
      const items = rows.map(({ g, approved, approvedCount, name }) => ({
        townshipId: g.townshipId,
        townshipName: name,
        approvedFen: fenTotal(approved),
        requestedFen: fenTotal(g._sum.budgetFen),
        disbursedFen: fenTotal(g._sum.disbursedFen),
        approvedCount,
        projectCount: g._count._all,
      }));
      return { items };
    },
  );

  r.get(
    '/api/dashboard/risk-flags',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Open risk flags (风险排查) on payments: how many, by kind and by township, with the latest ones',
        querystring: ZDashboardQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
        response: { 200: ZRiskFlags },
      },
    },
    async (req) => {
      const projects = projectWhere(requireActor(req), req.query);
      if (!projects) return { total: 0, byCode: [], byTownship: [], latest: [] };
      const open: Prisma.RiskFlagWhereInput = { status: 'OPEN', project: projects };
      const [byCode, rows, latest] = await Promise.all([
        prisma.riskFlag.groupBy({ by: ['code'], where: open, _count: { _all: true }, orderBy: { code: 'asc' } }),
        prisma.riskFlag.findMany({ where: open, select: { project: { select: { townshipId: true } } } }),
        prisma.riskFlag.findMany({
          where: open,
          orderBy: { raisedAt: 'desc' },
          take: req.query.limit,
          select: { id: true, code: true, message: true, raisedAt: true, paymentId: true, project: { select: { id: true, name: true } } },
        }),
      ]);
      return {
        total: rows.length,
        byCode: byCode.map((g) => ({ code: g.code, count: g._count._all })),
        byTownship: await countByTownship(rows),
        latest,
      };
    },
  );

  r.get(
    '/api/dashboard/overdue-tasks',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Pending tasks past their due time, by kind and by township, with the oldest ones',
        querystring: ZDashboardQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
        response: { 200: ZOverdue },
      },
    },
    async (req) => {
      const projects = projectWhere(requireActor(req), req.query);
      const empty = { total: 0, pending: 0, byKind: [], byTownship: [], oldest: [] };
      if (!projects) return empty;
      const now = new Date();
      const pending: Prisma.TaskWhereInput = { status: 'PENDING', project: projects };
      const overdue: Prisma.TaskWhereInput = { ...pending, dueAt: { lt: now } };
      const [pendingCount, byKind, rows, oldest] = await Promise.all([
        prisma.task.count({ where: pending }),
        prisma.task.groupBy({ by: ['kind'], where: overdue, _count: { _all: true }, orderBy: { kind: 'asc' } }),
        prisma.task.findMany({ where: overdue, select: { project: { select: { townshipId: true } } } }),
        prisma.task.findMany({
          where: overdue,
          orderBy: { dueAt: 'asc' },
          take: req.query.limit,
          select: { id: true, kind: true, title: true, dueAt: true, project: { select: { id: true, name: true } } },
        }),
      ]);
      return {
        total: rows.length,
        pending: pendingCount,
        byKind: byKind.map((g) => ({ kind: g.kind, count: g._count._all })),
        byTownship: await countByTownship(rows),
        oldest,
      };
    },
  );

  r.get(
    '/api/dashboard/grades-by-year',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Approved performance evaluations (绩效评价) by grade and year decided (Asia/Shanghai); `year` is not applied: every year is a bar',
        querystring: ZDashboardQuery,
        response: { 200: ZGradesByYear },
      },
    },
    async (req) => {
      // The year filter elsewhere means "projects proposed that year"; here the years are the chart's axis.
      const where = projectWhere(requireActor(req), { orgUnitId: req.query.orgUnitId });
      if (!where) return { items: [] };
      const evaluations = await prisma.evaluation.findMany({
        where: { status: 'APPROVED', decidedAt: { not: null }, project: where },
        select: { grade: true, decidedAt: true },
      });
      const byYear = new Map<number, Record<string, number>>();
      for (const e of evaluations) {
        // Asia/Shanghai has no daylight saving: UTC+8 all year.
        const year = new Date(e.decidedAt!.getTime() + 8 * 3600_000).getUTCFullYear();
        const counts = byYear.get(year) ?? Object.fromEntries(GRADES.map((g) => [g, 0]));
        counts[e.grade] = (counts[e.grade] ?? 0) + 1;
        byYear.set(year, counts);
      }
      const items = [...byYear]
        .sort(([a], [b]) => a - b)
        .map(([year, counts]) => ({
          year,
          counts: counts as z.infer<typeof ZGradeCounts>,
          total: GRADES.reduce((s, g) => s + (counts[g] ?? 0), 0),
        }));
      return { items };
    },
  );

  r.get(
    '/api/dashboard/org-units',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'The org units inside my scope (for filters and forms), as a flat list ordered by path',
        response: { 200: ZUnits },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      if (actor.roles.length === 0) return { items: [] };
      const units = await prisma.orgUnit.findMany({
        where: { OR: actor.roles.map((g) => ({ path: { startsWith: g.orgPath } })) },
        orderBy: { path: 'asc' },
        select: { id: true, name: true, level: true, parentId: true, path: true },
      });
      return { items: units };
    },
  );
}
