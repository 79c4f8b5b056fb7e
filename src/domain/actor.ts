import { z } from 'zod';
import { ZRole, type TRole } from './roles';

/**
 * Who is acting, as the workflow sees it: the user and every role they hold, each with the
 * materialised path of its org unit so scope checks are a prefix match and need no database.
 */
export const ZRoleGrant = z.object({
  role: ZRole,
  orgUnitId: z.string().min(1),
  orgPath: z.string().startsWith('/'),
});
export type TRoleGrant = z.infer<typeof ZRoleGrant>;

export const ZActor = z.object({
  userId: z.string().min(1),
  displayName: z.string().optional(),
  roles: z.array(ZRoleGrant),
});
export type TActor = z.infer<typeof ZActor>;

/** A grant covers an org unit when the unit is the grant's unit or lies below it. */
export function grantCovers(grant: Pick<TRoleGrant, 'orgPath'>, targetOrgPath: string): boolean {
  return targetOrgPath.startsWith(grant.orgPath);
}

/** The path of the county an org path lies in (its first unit): `/c-qingshan/t-hexi/` → `/c-qingshan/`. */
export function countyPathOf(orgPath: string): string {
  return `/${orgPath.split('/').filter(Boolean)[0] ?? ''}/`;
}

/** The grant under which the actor may act as `role` on something at `targetOrgPath`, if any. */
export function findGrant(actor: TActor, role: TRole, targetOrgPath: string): TRoleGrant | undefined {
  return actor.roles.find((g) => g.role === role && grantCovers(g, targetOrgPath));
}

export function hasRole(actor: TActor, role: TRole): boolean {
  return actor.roles.some((g) => g.role === role);
}

/**
 * The actor's grants with every grant another one of the same role already covers left out (a role
 * at the county makes the same role at one of its townships redundant). What remains selects
 * disjoint sets of candidate-group tasks: different roles differ in the task's role, and two
 * paths of one role that are not prefixes of each other cannot both prefix the same path, since
 * every path ends in '/'. The inbox relies on that to add branches up without duplicates.
 */
export function outermostGrants(actor: Pick<TActor, 'roles'>): Array<Pick<TRoleGrant, 'role' | 'orgPath'>> {
  const out: Array<Pick<TRoleGrant, 'role' | 'orgPath'>> = [];
  for (const g of actor.roles) {
    const covered = actor.roles.some((o) => o.role === g.role && o.orgPath !== g.orgPath && g.orgPath.startsWith(o.orgPath));
    const repeated = out.some((o) => o.role === g.role && o.orgPath === g.orgPath);
    if (!covered && !repeated) out.push({ role: g.role, orgPath: g.orgPath });
  }
  return out;
}
