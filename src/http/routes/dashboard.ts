import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TActor } from '../../domain/actor';
import type { Prisma } from '../../generated/prisma/client';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';

/**
 * Read-only figures for the dashboard (county leaders, monitors, anyone with a scope): every
 * number counts only projects inside the caller's org units, like every other list.
 */
const ZDashboardQuery = z.object({
  /** Narrow to one org unit's subtree (a township, a village) inside my scope. */
  orgUnitId: z.string().trim().min(1).max(64).optional(),
  /** Projects proposed in this calendar year. */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
type TDashboardQuery = z.infer<typeof ZDashboardQuery>;

/** Stages whose budget counts as approved funds: after the leading group's 审定. */
const APPROVED_STAGES = ['IN_POOL', 'FUNDED'];

function projectWhere(actor: TActor, q: TDashboardQuery): Prisma.ProjectWhereInput | null {
  if (actor.roles.length === 0) return null;
  return {
    AND: [
      { OR: actor.roles.map((g) => ({ orgPath: { startsWith: g.orgPath } })) },
      ...(q.orgUnitId ? [{ orgPath: { contains: `/${q.orgUnitId}/` } }] : []),
      ...(q.year ? [{ createdAt: { gte: new Date(Date.UTC(q.year, 0, 1)), lt: new Date(Date.UTC(q.year + 1, 0, 1)) } }] : []),
    ],
  };
}

export async function dashboardRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/dashboard/projects-by-stage', {
    schema: { tags: ['dashboard'], summary: 'How many projects are at each stage, with their budgets', querystring: ZDashboardQuery },
  }, async (req) => {
    const where = projectWhere(requireActor(req), req.query);
    if (!where) return { items: [], total: 0 };
    const groups = await prisma.project.groupBy({ by: ['stage'], where, _count: { _all: true }, _sum: { budgetFen: true }, orderBy: { stage: 'asc' } });
    const items = groups.map((g) => ({ stage: g.stage, count: g._count._all, budgetFen: Number(g._sum.budgetFen ?? 0n) }));
    return { items, total: items.reduce((s, i) => s + i.count, 0) };
  });

  r.get('/api/dashboard/funds-by-township', {
    schema: {
      tags: ['dashboard'],
      summary: 'Funds approved (budgets of approved projects) and requested (all budgets) per township',
      querystring: ZDashboardQuery,
    },
  }, async (req) => {
    const where = projectWhere(requireActor(req), req.query);
    if (!where) return { items: [] };
    const groups = await prisma.project.groupBy({ by: ['townshipId', 'stage'], where, _count: { _all: true }, _sum: { budgetFen: true } });
    const units = await prisma.orgUnit.findMany({ where: { id: { in: [...new Set(groups.map((g) => g.townshipId))] } }, select: { id: true, name: true } });
    const names = new Map(units.map((u) => [u.id, u.name]));
    const byTownship = new Map<string, { townshipId: string; townshipName: string; approvedFen: number; requestedFen: number; approvedCount: number; projectCount: number }>();
    for (const g of groups) {
      const row = byTownship.get(g.townshipId) ?? { townshipId: g.townshipId, townshipName: names.get(g.townshipId) ?? g.townshipId, approvedFen: 0, requestedFen: 0, approvedCount: 0, projectCount: 0 };
      const fen = Number(g._sum.budgetFen ?? 0n);
      row.requestedFen += fen;
      row.projectCount += g._count._all;
      if (APPROVED_STAGES.includes(g.stage)) {
        row.approvedFen += fen;
        row.approvedCount += g._count._all;
      }
      byTownship.set(g.townshipId, row);
    }
    return { items: [...byTownship.values()].sort((a, b) => b.approvedFen - a.approvedFen || a.townshipName.localeCompare(b.townshipName)) };
  });

  r.get('/api/dashboard/overdue-tasks', {
    schema: {
      tags: ['dashboard'],
      summary: 'Pending tasks past their due time, by kind and by township, with the oldest ones',
      querystring: ZDashboardQuery.extend({ limit: z.coerce.number().int().min(0).max(100).default(10) }),
    },
  }, async (req) => {
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
    const perTownship = new Map<string, number>();
    for (const t of rows) perTownship.set(t.project.townshipId, (perTownship.get(t.project.townshipId) ?? 0) + 1);
    const units = await prisma.orgUnit.findMany({ where: { id: { in: [...perTownship.keys()] } }, select: { id: true, name: true } });
    const names = new Map(units.map((u) => [u.id, u.name]));
    return {
      total: rows.length,
      pending: pendingCount,
      byKind: byKind.map((g) => ({ kind: g.kind, count: g._count._all })),
      byTownship: [...perTownship].map(([id, count]) => ({ townshipId: id, townshipName: names.get(id) ?? id, count })).sort((a, b) => b.count - a.count),
      oldest,
    };
  });

  r.get('/api/dashboard/org-units', {
    schema: { tags: ['dashboard'], summary: 'The org units inside my scope (for filters and forms), as a flat list ordered by path' },
  }, async (req) => {
    const actor = requireActor(req);
    if (actor.roles.length === 0) return { items: [] };
    const units = await prisma.orgUnit.findMany({
      where: { OR: actor.roles.map((g) => ({ path: { startsWith: g.orgPath } })) },
      orderBy: { path: 'asc' },
      select: { id: true, name: true, level: true, parentId: true, path: true },
    });
    return { items: units };
  });
}
