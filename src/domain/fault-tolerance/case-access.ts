import { covers, onOneLine, orgPathSegments, type TActor, type TRoleGrant } from '../actor';
import { refusal, type TRefusal } from '../errors';
import type { TRole } from '../roles';
import type { TReviewContext } from './schemas';

/** Roles that see every case of their county: the deciding body, the leading group, administrators. */
export const OVERSIGHT_ROLES: readonly TRole[] = ['DISCIPLINE_INSPECTION', 'COUNTY_LEADING_GROUP', 'ADMIN'];

/** The actor's oversight grants (the deciding body, the leading group, administrators). */
export function oversightGrants(actor: Pick<TActor, 'roles'>): TRoleGrant[] {
  return actor.roles.filter((g) => OVERSIGHT_ROLES.includes(g.role));
}

/**
 * Whether the actor oversees the cases of a county: an oversight grant at the county or inside it
 * (its path names the county), or above it, at its city or province (it covers `countyPath`, when
 * the caller knows it).
 */
export function overseesCounty(actor: Pick<TActor, 'roles'>, county: { countyId: string; countyPath?: string }): boolean {
  return oversightGrants(actor).some(
    (g) => orgPathSegments(g.orgPath).includes(county.countyId) || (county.countyPath !== undefined && onOneLine(g.orgPath, county.countyPath)),
  );
}

/** The members of every deciding body the case has had (first review and appeal). */
export function bodyMembers(context: TReviewContext): string[] {
  return context.rounds.flatMap((r) => r.body.memberIds);
}

export interface TCaseReaders {
  countyId: string;
  /** The county's path; without it only grants at or below the county oversee the case. */
  countyPath?: string;
  concernedUserIds: string[];
  context: unknown;
}

/** Who may read a case: its concerned officials, the county's oversight roles, its bodies' members. */
export function canReadCase(actor: TActor, row: TCaseReaders): boolean {
  return row.concernedUserIds.includes(actor.userId) || overseesCounty(actor, row) || bodyMembers(row.context as TReviewContext).includes(actor.userId);
}

/** The inbox a corrective measure's task sits in: its role over its org unit. */
export interface TMeasureInbox {
  candidateRole: string | null;
  candidateOrgUnitId: string | null;
  candidateOrgPath: string | null;
}

/** The grant under which the actor may complete a measure's task (the inbox's role over its unit), if any. */
export function measureGrant(actor: TActor, task: TMeasureInbox): TRoleGrant | undefined {
  return actor.roles.find((g) => g.role === task.candidateRole && task.candidateOrgPath !== null && covers(g, task.candidateOrgPath));
}

/** Why the actor may not complete the measure, or the grant they complete it under. */
export function measureCompletionGrant(actor: TActor, task: TMeasureInbox): { grant: TRoleGrant } | { refusal: TRefusal } {
  const grant = measureGrant(actor, task);
  return grant
    ? { grant }
    : { refusal: refusal('NOT_A_CANDIDATE', `the measure is tracked by ${task.candidateRole} of ${task.candidateOrgUnitId}`, 'actor.roles') };
}

/**
 * Who sees an official's record (review outcomes and honours): the official and the oversight
 * roles; who records an honour: an administrator. Null when allowed.
 */
export function officialRecordRefusal(actor: TActor, userId: string, forWrite: boolean): TRefusal | null {
  if (forWrite) return actor.roles.some((g) => g.role === 'ADMIN') ? null : refusal('ROLE_NOT_ALLOWED', 'recording honours needs the ADMIN role');
  return actor.userId === userId || oversightGrants(actor).length > 0 ? null : refusal('FORBIDDEN', 'only the official and oversight roles see this record');
}

/** An honour is recorded by an administrator whose scope covers the project. */
export function honourScopeRefusal(actor: TActor, projectOrgPath: string): TRefusal | null {
  return actor.roles.some((g) => g.role === 'ADMIN' && covers(g, projectOrgPath))
    ? null
    : refusal('OUT_OF_SCOPE', "the project is outside the administrator's scope", 'body.projectId');
}
