import type { TRole } from '../roles';
import type { TReviewEventType } from './schemas';

/**
 * Who may send each event, for the API layer and the workflow's validators (the machine itself
 * checks people by user id: membership, conflict of interest, new people on appeal).
 * - ROLE: a user holding one of the roles in scope of the case's county;
 * - CONCERNED_OFFICIAL: an official named in the case, whatever their roles;
 * - WORKFLOW_TIMER: only the workflow's own timers, never a user.
 */
export type TReviewActor = { kind: 'ROLE'; roles: readonly TRole[] } | { kind: 'CONCERNED_OFFICIAL' } | { kind: 'WORKFLOW_TIMER' };

/** The roles whose county holders form the deciding body (deciding-body.ts) and act for it. */
export const DECIDING_BODY_ROLES = ['DISCIPLINE_INSPECTION'] as const satisfies readonly TRole[];

const decidingBody = { kind: 'ROLE', roles: DECIDING_BODY_ROLES } as const;

export const REVIEW_EVENT_ACTORS: Record<TReviewEventType, TReviewActor> = {
  APPLY: { kind: 'CONCERNED_OFFICIAL' },
  OPEN_BY_BODY: decidingBody,
  APPLICATION_WINDOW_CLOSED: { kind: 'WORKFLOW_TIMER' },
  ACCEPT: decidingBody,
  REFUSE: decidingBody,
  RECORD_FINDING: decidingBody,
  RECORD_EXCLUSION: decidingBody,
  COMPLETE_INVESTIGATION: decidingBody,
  CAST_VOTE: decidingBody,
  CALL_REVOTE: decidingBody,
  DECIDE: decidingBody,
  SERVE_NOTICE: { kind: 'ROLE', roles: ['DISCIPLINE_INSPECTION', 'ADMIN'] },
  PUBLICISE_AND_FILE: { kind: 'ROLE', roles: ['DISCIPLINE_INSPECTION', 'ADMIN'] },
  APPEAL: { kind: 'CONCERNED_OFFICIAL' },
  APPEAL_WINDOW_CLOSED: { kind: 'WORKFLOW_TIMER' },
  OPEN_APPEAL_REVIEW: decidingBody,
};
