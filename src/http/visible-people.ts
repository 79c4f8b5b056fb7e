import type { TActor } from '../domain/actor';
import type { TReviewContext } from '../domain/fault-tolerance';
import type { TPrisma } from '../db/prisma';
import { orgUnitPaths } from '../db/org-levels';
import { scopeWhere } from './project-filters';
import { canReadCase } from '../domain/fault-tolerance';

/**
 * The subset of `ids` the caller may see named: themselves; anyone placed (home unit or a role) in
 * the caller's org units; and anyone who appears in a record the caller may read — a project of
 * theirs (proposer, deciders, fund allocators, reporters, verifiers, payment requesters, acceptance and evaluation
 * signers) or a review case they may read (officials concerned, opener, deciding-body members,
 * whoever acted on it). Everyone else is left out, exactly like an unknown id, so the answer
 * never tells a signed-in user who exists elsewhere in the county.
 */
export async function visiblePeople(prisma: TPrisma, actor: TActor, ids: string[]): Promise<Set<string>> {
  const visible = new Set<string>(ids.includes(actor.userId) ? [actor.userId] : []);
  const pending = () => ids.filter((id) => !visible.has(id));
  const projects = scopeWhere(actor);
  if (!projects || pending().length === 0) return visible;

  const inScope = actor.roles.map((g) => ({ path: { startsWith: g.orgPath } }));
  const placed = await prisma.user.findMany({
    where: { id: { in: pending() }, OR: [{ homeOrgUnit: { OR: inScope } }, { roles: { some: { orgUnit: { OR: inScope } } } }] },
    select: { id: true },
  });
  placed.forEach((u) => visible.add(u.id));
  if (pending().length === 0) return visible;

  const wanted = pending();
  const some = { in: wanted };
  const found = await Promise.all([
    prisma.project.findMany({ where: { AND: [projects, { proposerId: some }] }, select: { proposerId: true } }).then((r) => r.map((x) => x.proposerId)),
    prisma.decision
      .findMany({ where: { actorId: some, project: projects }, select: { actorId: true }, distinct: ['actorId'] })
      .then((r) => r.map((x) => x.actorId)),
    prisma.progressReport
      .findMany({ where: { project: projects, OR: [{ reportedBy: some }, { verifiedBy: some }] }, select: { reportedBy: true, verifiedBy: true } })
      .then((r) => r.flatMap((x) => [x.reportedBy, x.verifiedBy])),
    prisma.fundAllocation
      .findMany({ where: { actorId: some, project: projects }, select: { actorId: true }, distinct: ['actorId'] })
      .then((r) => r.map((x) => x.actorId)),
    prisma.payment
      .findMany({ where: { requestedBy: some, project: projects }, select: { requestedBy: true }, distinct: ['requestedBy'] })
      .then((r) => r.map((x) => x.requestedBy)),
    prisma.acceptance
      .findMany({ where: { decidedBy: some, project: projects }, select: { decidedBy: true }, distinct: ['decidedBy'] })
      .then((r) => r.map((x) => x.decidedBy)),
    prisma.evaluation
      .findMany({ where: { submittedBy: some, project: projects }, select: { submittedBy: true }, distinct: ['submittedBy'] })
      .then((r) => r.map((x) => x.submittedBy)),
    reviewPeople(prisma, actor, wanted),
  ]);
  for (const id of found.flat()) if (id && wanted.includes(id)) visible.add(id);
  return visible;
}

/** The wanted ids that appear in a review case the caller may read. */
async function reviewPeople(prisma: TPrisma, actor: TActor, wanted: string[]): Promise<string[]> {
  const actedOn = await prisma.reviewAction.findMany({ where: { actorId: { in: wanted } }, select: { caseId: true }, distinct: ['caseId'] });
  // Body members live in the case's context (JSON): cases are read whole and checked here.
  const cases = await prisma.reviewCase.findMany({
    where: {
      OR: [
        { concernedUserIds: { hasSome: wanted } },
        { openedById: { in: wanted } },
        { id: { in: actedOn.map((a) => a.caseId) } },
        { concernedUserIds: { has: actor.userId } },
      ],
    },
    select: {
      id: true,
      countyId: true,
      concernedUserIds: true,
      context: true,
      openedById: true,
      actions: { where: { actorId: { in: wanted } }, select: { actorId: true } },
    },
  });
  const countyPaths = await orgUnitPaths(
    prisma,
    cases.map((c) => c.countyId),
  );
  return cases
    .filter((c) => canReadCase(actor, { ...c, countyPath: countyPaths.get(c.countyId) }))
    .flatMap((c) => [
      ...c.concernedUserIds,
      c.openedById,
      ...c.actions.map((a) => a.actorId),
      ...((c.context as TReviewContext).rounds ?? []).flatMap((r) => r.body.memberIds),
    ]);
}
