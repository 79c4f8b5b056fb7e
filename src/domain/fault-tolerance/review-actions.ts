import { covers, orgPathOf, orgPathSegments, type TActor } from '../actor';
import { refusal, type TRefusal } from '../errors';
import { DECIDING_BODY_ROLES, REVIEW_EVENT_ACTORS } from './permissions';
import type { TReviewEvent, TReviewEventType } from './schemas';

/** The event field that names the acting person, filled in by the workflow from the actor. */
const ACTOR_FIELD: Partial<Record<TReviewEventType, string>> = {
  APPLY: 'applicantId',
  RECORD_FINDING: 'investigatorId',
  CAST_VOTE: 'memberId',
  APPEAL: 'appellantId',
  APPLICATION_WINDOW_CLOSED: '',
  APPEAL_WINDOW_CLOSED: '',
};
const PERSON_FIELDS = ['actorId', 'applicantId', 'investigatorId', 'memberId', 'appellantId', 'at'] as const;

type TOmitPerson<E> = E extends unknown ? Omit<E, (typeof PERSON_FIELDS)[number]> : never;
/** One action as a client sends it: the machine event without who and when (the workflow knows). */
export type TReviewAction = TOmitPerson<TReviewEvent>;

/** The machine event for an action taken by `userId` at `at`: client-sent person fields are overwritten. */
export function reviewEventFor(action: { type: string }, userId: string, at: number): Record<string, unknown> {
  const event: Record<string, unknown> = { ...action };
  for (const field of PERSON_FIELDS) delete event[field];
  const field = ACTOR_FIELD[action.type as TReviewEventType] ?? 'actorId';
  if (field) event[field] = userId;
  event.at = at;
  return event;
}

/** What scopes a role check on a case: its county, the officials it names, and its rounds so far. */
export interface TReviewScope {
  countyOrgPath: string;
  concernedUserIds: readonly string[];
  /** The case's rounds (context.rounds): an appeal round's body may sit above the county. */
  rounds?: ReadonlyArray<{ body: { orgUnitId?: string } }>;
}

/**
 * Where the body now hearing the case sits: the county, or, once an appeal round is heard by a
 * body at a unit above it (the county's city or province: deciding-body.ts), that unit's path, a
 * prefix of the county's.
 */
export function hearingOrgPath({ countyOrgPath, rounds }: Pick<TReviewScope, 'countyOrgPath' | 'rounds'>): string {
  const unitId = rounds && rounds.length > 1 ? rounds[rounds.length - 1]!.body.orgUnitId : undefined;
  const segments = orgPathSegments(countyOrgPath);
  const at = unitId === undefined ? -1 : segments.indexOf(unitId);
  return at < 0 ? countyOrgPath : orgPathOf(segments.slice(0, at + 1));
}

/**
 * Who may send this action (REVIEW_EVENT_ACTORS): a role granted over the case's county, an
 * official named in the case, or nobody (the workflow's own timers). The deciding body's own
 * actions during an appeal heard above the county need the role granted over the hearing unit (a
 * city grant covers its counties; a county grant does not cover its city), so the county's holders
 * cannot act for the city's body. Null when allowed; the machine then checks the person
 * (membership, conflict of interest, new people on appeal).
 */
export function reviewRoleRefusal(actor: TActor, type: string, scope: TReviewScope): TRefusal | null {
  const rule = REVIEW_EVENT_ACTORS[type as TReviewEventType];
  if (!rule) return null; // an unknown type is the schema's to refuse
  if (rule.kind === 'WORKFLOW_TIMER') return refusal('ROLE_NOT_ALLOWED', `${type} is raised by the case's own timer, never by a person`, 'event.type');
  if (rule.kind === 'CONCERNED_OFFICIAL') {
    return scope.concernedUserIds.includes(actor.userId) ? null : refusal('ROLE_NOT_ALLOWED', `${type} is for the officials named in the case`, 'actor');
  }
  const withRole = actor.roles.filter((g) => rule.roles.includes(g.role));
  if (withRole.length === 0) return refusal('ROLE_NOT_ALLOWED', `${type} needs one of the roles ${rule.roles.join(', ')}`, 'actor.roles');
  if (!withRole.some((g) => covers(g, scope.countyOrgPath)))
    return refusal('OUT_OF_SCOPE', `the case's county is outside the actor's ${withRole[0]!.role} scope`, 'actor.roles');
  const hearing = rule.roles === DECIDING_BODY_ROLES ? hearingOrgPath(scope) : scope.countyOrgPath;
  return hearing === scope.countyOrgPath || withRole.some((g) => covers(g, hearing))
    ? null
    : refusal('OUT_OF_SCOPE', `the appeal is heard at ${hearing}, above the actor's ${withRole[0]!.role} scope`, 'actor.roles');
}
