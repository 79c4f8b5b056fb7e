import type { TNamedPerson } from '../domain/approval/named-people';
import type { TRole } from '../domain/roles';
import { countyOnPath } from './org-levels';
import type { TPrisma } from './prisma';

/** A person of a county who might be named on a task: their id, name and role grants. */
export interface TCountyPerson {
  userId: string;
  displayName: string;
  roles: Array<{ role: TRole; orgUnitId: string }>;
}

/**
 * Active people holding a role in the county of `orgPath`, with their grants there: of these roles
 * only when named, of these users only when named (at most 500 grants).
 */
export async function activePeopleOfCounty(
  prisma: TPrisma,
  orgPath: string,
  only: { roles?: readonly string[]; userIds?: readonly string[] } = {},
): Promise<TCountyPerson[]> {
  const county = await countyOnPath(prisma, orgPath);
  if (!county) return [];
  const grants = await prisma.roleAssignment.findMany({
    where: {
      ...(only.roles ? { role: { in: only.roles as TRole[] } } : {}),
      ...(only.userIds ? { userId: { in: [...only.userIds] } } : {}),
      user: { active: true },
      orgUnit: { path: { startsWith: county.path } },
    },
    select: { role: true, orgUnitId: true, user: { select: { id: true, displayName: true } } },
    orderBy: [{ userId: 'asc' }],
    take: 500,
  });
  const byUser = new Map<string, TCountyPerson>();
  for (const g of grants) {
    const person = byUser.get(g.user.id) ?? { userId: g.user.id, displayName: g.user.displayName, roles: [] };
    person.roles.push({ role: g.role, orgUnitId: g.orgUnitId });
    byUser.set(g.user.id, person);
  }
  return [...byUser.values()];
}

/**
 * What the accounts say of the people an action names, for the approval step's rule that each is
 * an active person of the matter's county (`namedPeopleRefusal`): active or not, and every grant
 * with its unit's path. Unknown ids are left out, so the step refuses them as people without facts.
 */
export async function namedPeopleFacts(prisma: TPrisma, userIds: readonly string[]): Promise<TNamedPerson[]> {
  if (userIds.length === 0) return [];
  const users = await prisma.user.findMany({
    where: { id: { in: [...new Set(userIds)] } },
    select: { id: true, active: true, roles: { select: { role: true, orgUnitId: true, orgUnit: { select: { path: true } } } } },
  });
  return users.map((u) => ({
    userId: u.id,
    active: u.active,
    grants: u.roles.map((g) => ({ role: g.role, orgUnitId: g.orgUnitId, orgPath: g.orgUnit.path })),
  }));
}
