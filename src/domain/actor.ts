import * as z from './shape';
import { ZRole, type TRole } from './roles';

/**
 * The one encoding of a place in the org tree: the ids of the units from the tree's root down, each
 * between slashes (`/c-qingshan/t-hexi/v-dongcun/` under a root county, `/p-demo/m-dongchuan/c-baishui/`
 * under a province and a city). It is what the database stores (OrgUnit.path,
 * Project.orgPath, Task.candidateOrgPath) and what scope checks compare. The approval steps' config
 * carries paths as id arrays (`ZOrgPath`, recorded in running steps' inputs): convert at that edge
 * with `orgPathOf` / `orgPathSegments`, and compare only encoded paths.
 */
export const ZOrgPathString = z.string().startsWith('/');

/** An id-array path (the approval config's wire form) as the one encoding. */
export function orgPathOf(segments: readonly string[]): string {
  return `/${segments.join('/')}/`;
}

/** The ids of an encoded path, root first. */
export function orgPathSegments(orgPath: string): string[] {
  return orgPath.split('/').filter(Boolean);
}

/**
 * Who is acting, as the workflow sees it: the user and every role they hold, each with the
 * materialised path of its org unit so scope checks are a prefix match and need no database.
 */
export const ZRoleGrant = z.object({
  role: ZRole,
  orgUnitId: z.string().min(1),
  orgPath: ZOrgPathString,
});
export type TRoleGrant = z.infer<typeof ZRoleGrant>;

/**
 * A grant as the approval machine records it: role and unit, no path (its events were recorded so
 * in running steps' histories). The same grant, with fewer fields; `covers` reads either.
 */
export const ZGrantRef = ZRoleGrant.pick({ role: true, orgUnitId: true });
export type TGrantRef = z.infer<typeof ZGrantRef>;

export const ZActor = z.object({
  userId: z.string().min(1),
  displayName: z.string().optional(),
  roles: z.array(ZRoleGrant),
});
export type TActor = z.infer<typeof ZActor>;

/** The actor the approval machine records: the same actor with path-less grants (`ZGrantRef`). */
export const ZActorRef = z.object({
  userId: z.string().min(1),
  roles: z.array(ZGrantRef),
});
export type TActorRef = z.infer<typeof ZActorRef>;

/**
 * Role covers org unit, written once: a grant covers an encoded org path when the grant's unit is
 * on it (the target is the unit or lies below it). A grant that carries its own path compares by
 * prefix; a recorded approval grant carries only its unit id and is looked for among the path's
 * ids. For a grant whose path ends in its unit (as the server builds every actor) both give the
 * same answer, so each caller keeps the answer it always had.
 */
export function covers(grant: { orgUnitId?: string; orgPath?: string }, orgPath: string): boolean {
  if (grant.orgPath !== undefined) return orgPath.startsWith(grant.orgPath);
  return grant.orgUnitId !== undefined && orgPathSegments(orgPath).includes(grant.orgUnitId);
}

/** @deprecated use `covers`. */
export const grantCovers = (grant: Pick<TRoleGrant, 'orgPath'>, targetOrgPath: string): boolean => covers(grant, targetOrgPath);

/**
 * The path of the unit `levelsUp` levels above the end of an encoded path (`/p/m/c/t/`, 1 → `/p/m/c/`).
 * Paths start at the tree's root, which may be a province, a city or a county, so a level is found
 * by its distance from a unit whose level is known, never by counting from the root.
 */
export function ancestorPathOf(orgPath: string, levelsUp: number): string {
  const segments = orgPathSegments(orgPath);
  return orgPathOf(segments.slice(0, Math.max(0, segments.length - levelsUp)));
}

/** Whether two encoded paths lie on one line of the tree (one is the other's ancestor or itself). */
export function onOneLine(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** The paths of the units whose grants cover `orgPath`: the unit itself and each unit above it. */
export function coveringPathsOf(orgPath: string): string[] {
  const segments = orgPathSegments(orgPath);
  return segments.map((_, i) => orgPathOf(segments.slice(0, i + 1)));
}

/** Whether the actor holds `role` (or, given a list, one of them) at a unit covering `orgPath`. */
export function holdsRoleOver(actor: Pick<TActor, 'roles'>, role: TRole | readonly TRole[], orgPath: string): boolean {
  const roles: readonly TRole[] = typeof role === 'string' ? [role] : role;
  return actor.roles.some((g) => roles.includes(g.role) && covers(g, orgPath));
}

/** The grant under which the actor may act as `role` on something at `targetOrgPath`, if any. */
export function findGrant(actor: TActor, role: TRole, targetOrgPath: string): TRoleGrant | undefined {
  return actor.roles.find((g) => g.role === role && covers(g, targetOrgPath));
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
    const covered = actor.roles.some((o) => o.role === g.role && o.orgPath !== g.orgPath && covers(o, g.orgPath));
    const repeated = out.some((o) => o.role === g.role && o.orgPath === g.orgPath);
    if (!covered && !repeated) out.push({ role: g.role, orgPath: g.orgPath });
  }
  return out;
}
