import { covers, findGrant, type TActor, type TRoleGrant } from '../domain/actor';
import { AppError } from '../domain/errors';

/**
 * Who an administrator may see and change. An ADMIN grant at unit U covers U's subtree. An account
 * is visible when its home unit or any of its grants lies in the subtree; it is manageable only
 * when its home unit (if it has one) and every one of its grants do, so a township administrator
 * can never reset or deactivate a county official who happens to hold a village role too.
 */
export function requireAdminGrants(actor: TActor): TRoleGrant[] {
  const grants = actor.roles.filter((g) => g.role === 'ADMIN');
  if (grants.length === 0) throw new AppError('ROLE_NOT_ALLOWED', 'only an administrator may do this');
  return grants;
}

/** The admin grant covering an org unit, or 403 OUT_OF_SCOPE naming the offending field. */
export function requireAdminScope(actor: TActor, orgPath: string, field: string): TRoleGrant {
  requireAdminGrants(actor);
  const grant = findGrant(actor, 'ADMIN', orgPath);
  if (!grant) throw new AppError('OUT_OF_SCOPE', 'this org unit is outside your administration', [{ path: field, message: 'out of scope' }]);
  return grant;
}

export interface TAccountPlacement {
  homeOrgPath: string | null;
  grantPaths: string[];
}

/** The admin grant under which `actor` may change the account, or undefined. */
export function manageGrantFor(actor: TActor, account: TAccountPlacement): TRoleGrant | undefined {
  const paths = [...(account.homeOrgPath ? [account.homeOrgPath] : []), ...account.grantPaths];
  if (paths.length === 0) return undefined;
  if (!paths.every((p) => findGrant(actor, 'ADMIN', p))) return undefined;
  return findGrant(actor, 'ADMIN', paths[0]!);
}

export function requireManageGrant(actor: TActor, account: TAccountPlacement): TRoleGrant {
  requireAdminGrants(actor);
  const grant = manageGrantFor(actor, account);
  if (!grant)
    throw new AppError('OUT_OF_SCOPE', 'this account belongs (at least partly) outside your administration', [{ path: 'params.id', message: 'out of scope' }]);
  return grant;
}

/** The smallest set of subtree roots covering the grants: a grant inside another adds nothing. */
export function scopeRoots(grants: TRoleGrant[]): TRoleGrant[] {
  return grants.filter((g, i) => !grants.some((o, j) => j !== i && covers(o, g.orgPath) && (o.orgPath !== g.orgPath || j < i)));
}
