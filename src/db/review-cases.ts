import type { TPrisma } from './prisma';
import type { Prisma } from '../generated/prisma/client';
import type { TActor } from '../domain/actor';
import { AppError } from '../domain/errors';
import { orgPathSegments } from '../domain/actor';
import { canReadCase, CORRECTIVE_MEASURE_TASK_KIND, oversightGrants, type TOutcome } from '../domain/fault-tolerance';
import type { TReviewActResult } from '../../workflows/messages/review';

/**
 * The counties whose cases the actor oversees (`overseesCounty`): each oversight grant's own path
 * names its county when it sits at or below one (ids that are no county match no case); a grant at
 * a city or a province oversees every county under it, looked up.
 */
export async function overseenCountyIds(prisma: TPrisma, actor: TActor): Promise<string[]> {
  const grants = oversightGrants(actor);
  if (grants.length === 0) return [];
  const below = await prisma.orgUnit.findMany({
    where: { level: 'COUNTY', OR: grants.map((g) => ({ path: { startsWith: g.orgPath } })) },
    select: { id: true },
  });
  return [...new Set([...grants.flatMap((g) => orgPathSegments(g.orgPath)), ...below.map((u) => u.id)])];
}

/** The cases the actor may see, as a query: about them, or of a county they oversee. */
export async function visibleCasesWhere(prisma: TPrisma, actor: TActor): Promise<Prisma.ReviewCaseWhereInput> {
  return { OR: [{ concernedUserIds: { has: actor.userId } }, { countyId: { in: await overseenCountyIds(prisma, actor) } }] };
}

/** A case the actor may read (`canReadCase`), else NOT_FOUND: an unreadable case is not shown to exist. */
export async function readableCase(prisma: TPrisma, actor: TActor, id: string) {
  const row = await prisma.reviewCase.findUnique({ where: { id } });
  if (!row || !canReadCase(actor, { ...row, countyPath: await countyPathOfCase(prisma, row) }))
    throw new AppError('NOT_FOUND', `no review case ${id}`, [{ path: 'params.id', message: 'not found' }]);
  return row;
}

/** The path of a case's county. */
export async function countyPathOfCase(prisma: TPrisma, row: { countyId: string }): Promise<string> {
  const county = await prisma.orgUnit.findUniqueOrThrow({ where: { id: row.countyId }, select: { path: true } });
  return county.path;
}

/**
 * The result of an action this requestId already applied, answered again (a client retry), or
 * null when it is new. The id belongs to whoever sent it first, for the case it was sent for
 * (`caseId` null: any case, as for an opening).
 */
export async function replayedReviewAction(prisma: TPrisma, caseId: string | null, requestId: string, actor: TActor) {
  const earlier = await prisma.reviewAction.findUnique({ where: { requestId } });
  if (!earlier) return null;
  if ((caseId !== null && earlier.caseId !== caseId) || earlier.actorId !== actor.userId) {
    throw new AppError('DUPLICATE_REQUEST', 'this requestId was already used for another action', [{ path: 'body.requestId', message: 'reused' }]);
  }
  const c = await prisma.reviewCase.findUniqueOrThrow({ where: { id: earlier.caseId } });
  const result: TReviewActResult = {
    requestId,
    caseId: earlier.caseId,
    type: earlier.type,
    seq: earlier.seq,
    stageBefore: earlier.stageBefore,
    stageAfter: earlier.stageAfter,
    outcome: (c.outcome as TOutcome | null) ?? null,
  };
  return { ...result, replayed: true };
}

/** The org units a decision's measures name, by id (unknown ids are absent). */
export async function orgUnitsByIds(prisma: TPrisma, ids: readonly string[]) {
  const units = ids.length ? await prisma.orgUnit.findMany({ where: { id: { in: [...new Set(ids)] } } }) : [];
  return new Map(units.map((u) => [u.id, u]));
}

/** One page of the cases the actor may see, newest first. */
export async function listReviewCases(
  prisma: TPrisma,
  actor: TActor,
  { stage, mine, page, pageSize }: { stage?: string; mine?: boolean; page: number; pageSize: number },
) {
  const where: Prisma.ReviewCaseWhereInput = {
    AND: [await visibleCasesWhere(prisma, actor), ...(stage ? [{ stage }] : []), ...(mine ? [{ concernedUserIds: { has: actor.userId } }] : [])],
  };
  const [items, total] = await Promise.all([
    prisma.reviewCase.findMany({
      where,
      // The id breaks ties (cases opened in the same instant): pages never overlap or skip.
      orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        workflowId: true,
        stage: true,
        outcome: true,
        county: true,
        projectIds: true,
        concernedOfficials: true,
        matter: true,
        triggerType: true,
        openedById: true,
        openedAt: true,
        decidedAt: true,
        closedAt: true,
      },
    }),
    prisma.reviewCase.count({ where }),
  ]);
  return { items, total, page, pageSize };
}

/** A case's applied actions in order and its corrective measures' tasks by due time. */
export async function caseActionsAndMeasures(prisma: TPrisma, row: { id: string; workflowId: string }) {
  const [actions, measureTasks] = await Promise.all([
    prisma.reviewAction.findMany({ where: { caseId: row.id }, orderBy: { seq: 'asc' } }),
    prisma.task.findMany({ where: { workflowId: row.workflowId, kind: CORRECTIVE_MEASURE_TASK_KIND }, orderBy: { dueAt: 'asc' } }),
  ]);
  return { actions, measureTasks };
}

/** One page of an official's eligibilities to apply (open: not applied and the window still open at `at`). */
export async function listReviewEligibilities(
  prisma: TPrisma,
  { userId, projectId, open, page, pageSize, at }: { userId: string; projectId?: string; open?: boolean; page: number; pageSize: number; at: Date },
) {
  const where: Prisma.ReviewEligibilityWhereInput = {
    userId,
    ...(projectId ? { projectId } : {}),
    ...(open === true ? { caseId: null, closesAt: { gt: at } } : {}),
    ...(open === false ? { OR: [{ caseId: { not: null } }, { closesAt: { lte: at } }] } : {}),
  };
  const [items, total] = await Promise.all([
    prisma.reviewEligibility.findMany({ where, orderBy: [{ notifiedAt: 'desc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize }),
    prisma.reviewEligibility.count({ where }),
  ]);
  return { items: items.map((e) => ({ ...e, open: e.caseId === null && at < e.closesAt })), total, page, pageSize };
}

/** An official's final review outcomes (with their case) and honours, newest first. */
export async function officialRecordOf(prisma: TPrisma, officialId: string) {
  const [reviews, honours] = await Promise.all([
    prisma.officialRecord.findMany({
      where: { officialId },
      orderBy: { decidedAt: 'desc' },
      include: { case: { select: { matter: true, county: true, projectIds: true, stage: true } } },
    }),
    prisma.honour.findMany({ where: { officialId }, orderBy: { awardedAt: 'desc' } }),
  ]);
  return { reviews, honours };
}

/** "Officials of the project": its proposer or anyone who decided on it. */
export async function isOfficialOfProject(prisma: TPrisma, project: { id: string; proposerId: string }, userId: string): Promise<boolean> {
  return project.proposerId === userId || (await prisma.decision.count({ where: { projectId: project.id, actorId: userId } })) > 0;
}
