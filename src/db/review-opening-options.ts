import type { TPrisma } from './prisma';
import { covers, type TActor } from '../domain/actor';
import { countyOnPath } from './org-levels';
import { AppError } from '../domain/errors';
import { decidingRoleHolders } from '../../activities/review-opening';

/**
 * What the form to open a case offers: the project's officials (proposer and approvers) and the
 * county's deciding-body role holders. The project must lie in one of the actor's units; without
 * one, the county named or the actor's first grant's county.
 */
export async function reviewOpeningOptions(prisma: TPrisma, actor: TActor, { projectId, countyOrgUnitId }: { projectId?: string; countyOrgUnitId?: string }) {
  const project = projectId
    ? await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, name: true, countyId: true, proposerId: true, orgPath: true } })
    : null;
  if (projectId && (!project || !actor.roles.some((g) => covers(g, project.orgPath)))) {
    throw new AppError('NOT_FOUND', `no project ${projectId} in your org units`, [{ path: 'querystring.projectId', message: 'not found' }]);
  }
  const firstGrant = actor.roles[0];
  const countyId = project?.countyId ?? countyOrgUnitId ?? (firstGrant ? (await countyOnPath(prisma, firstGrant.orgPath))?.id : undefined);
  const county = countyId ? await prisma.orgUnit.findUnique({ where: { id: countyId }, select: { id: true, name: true, path: true, level: true } }) : null;
  if (!county || county.level !== 'COUNTY') return { project: null, county: null, officials: [], bodyCandidates: [] };
  const approvals = project ? await prisma.decision.findMany({ where: { projectId: project.id, action: 'approve' }, select: { actorId: true } }) : [];
  const officialIds = project ? [...new Set([project.proposerId, ...approvals.map((a) => a.actorId)])] : [];
  const bodyIds = [...new Set((await decidingRoleHolders(prisma, county.path)).map((h) => h.userId))];
  const people = await prisma.user.findMany({
    where: { id: { in: [...officialIds, ...bodyIds] } },
    select: { id: true, displayName: true },
    orderBy: { id: 'asc' },
  });
  const named = (ids: string[]) => people.filter((p) => ids.includes(p.id)).map((p) => ({ userId: p.id, displayName: p.displayName }));
  return {
    project: project ? { id: project.id, name: project.name } : null,
    county: { id: county.id, name: county.name },
    officials: named(officialIds),
    bodyCandidates: named(bodyIds),
  };
}
