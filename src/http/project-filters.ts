import { z } from 'zod';
import type { TActor } from '../domain/actor';
import { AppError } from '../domain/errors';
import { SHANGHAI_OFFSET_MS } from '../domain/fault-tolerance/deadlines';
import { LIFECYCLE_STAGES } from '../domain/lifecycle/lifecycle-machine';
import { ZGrade } from '../domain/zod-schemas';
import { RISK_FLAG_CODES } from '../domain/policies/risk-checks';
import type { Prisma } from '../generated/prisma/client';
import { likeLiteral } from '../db/like-pattern';
import type { TPrisma } from '../db/prisma';
import { ZInstant } from './openapi';
import { ZPage, ZPageQuery } from './pagination';

/** The filters of GET /api/projects (and the web projects page, which keeps them in its URL). */
export const ZProjectListQuery = ZPageQuery.extend({
  stage: z.enum(LIFECYCLE_STAGES).optional(),
  /** A township's or village's subtree (or the county); intersected with the caller's scope. */
  orgUnitId: z.string().trim().min(1).max(64).optional(),
  industry: z.string().trim().min(1).max(60).optional(),
  /** Proposed in this calendar year (Asia/Shanghai). */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /** The grade of the latest approved evaluation. */
  grade: ZGrade.optional(),
  /** OPEN: has a flag awaiting review; a flag code: has that flag, open or confirmed (dismissed ones do not count). */
  riskFlag: z.enum(['OPEN', ...RISK_FLAG_CODES]).optional(),
  /** Part of the name (case-insensitive, `%` and `_` taken literally), or the project id. */
  q: z.string().trim().min(1).max(100).optional(),
  /** 我发起的: `proposed`, only the projects the caller proposed (each row then says whom it waits for). */
  mine: z.enum(['proposed']).optional().describe('`proposed`: only the projects I proposed (我发起的), each with whom it waits for'),
});
export type TProjectListQuery = z.infer<typeof ZProjectListQuery>;

/** The instants a calendar year spans in Asia/Shanghai (fixed +08:00, no daylight saving). */
export function shanghaiYear(year: number): { gte: Date; lt: Date } {
  return { gte: new Date(Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS), lt: new Date(Date.UTC(year + 1, 0, 1) - SHANGHAI_OFFSET_MS) };
}

/** Projects inside any of the caller's org units; null when they have none (nothing to list). */
export function scopeWhere(actor: TActor): Prisma.ProjectWhereInput | null {
  if (actor.roles.length === 0) return null;
  return { OR: actor.roles.map((g) => ({ orgPath: { startsWith: g.orgPath } })) };
}

/**
 * The caller's scope AND every filter given. An unknown org unit is a 400 on `querystring.orgUnitId`;
 * one outside the caller's scope simply matches nothing of theirs.
 */
export async function projectListWhere(prisma: TPrisma, actor: TActor, q: TProjectListQuery): Promise<Prisma.ProjectWhereInput | null> {
  const scope = scopeWhere(actor);
  if (!scope) return null;
  const and: Prisma.ProjectWhereInput[] = [scope];
  if (q.orgUnitId) {
    const unit = await prisma.orgUnit.findUnique({ where: { id: q.orgUnitId }, select: { path: true } });
    if (!unit) throw new AppError('VALIDATION_FAILED', `unknown org unit ${q.orgUnitId}`, [{ path: 'querystring.orgUnitId', message: 'unknown org unit' }]);
    and.push({ orgPath: { startsWith: unit.path } });
  }
  if (q.stage) and.push({ stage: q.stage });
  if (q.industry) and.push({ industry: q.industry });
  if (q.year) and.push({ createdAt: shanghaiYear(q.year) });
  if (q.grade) and.push({ latestGrade: q.grade });
  if (q.riskFlag === 'OPEN') and.push({ riskFlags: { some: { status: 'OPEN' } } });
  else if (q.riskFlag) and.push({ riskFlags: { some: { code: q.riskFlag, status: { in: ['OPEN', 'CONFIRMED'] } } } });
  if (q.mine === 'proposed') and.push({ proposerId: actor.userId });
  if (q.q) and.push({ OR: [{ name: { contains: likeLiteral(q.q), mode: 'insensitive' } }, { id: q.q }] });
  return { AND: and };
}

/** One project of the list (its projection row; budget and disbursed money in integer fen). */
export const ZProjectRow = z.looseObject({
  id: z.string(),
  name: z.string(),
  industry: z.string(),
  stage: z.string(),
  orgUnitId: z.string(),
  countyId: z.string(),
  townshipId: z.string(),
  villageId: z.string(),
  budgetFen: z.number().int(),
  disbursedFen: z.number().int(),
  latestGrade: z.string().nullable(),
  createdAt: ZInstant,
  updatedAt: ZInstant.optional().describe('when the project last moved (its row last written: a stage, a task, a revision)'),
  waitingFor: z
    .array(
      z.object({
        taskId: z.string(),
        kind: z.string(),
        title: z.string(),
        people: z.array(z.object({ userId: z.string(), displayName: z.string() })).describe('whom the task is addressed to, by name'),
      }),
    )
    .optional()
    .describe('with `mine=proposed`: the pending tasks the project waits for and their people'),
});
export const ZProjectList = ZPage(ZProjectRow);
