import { initialTransition } from 'xstate';
import type { TActor } from '../actor';
import { refusal, type TErrorCode, type TRefusal } from '../errors';
import { checkReviewAction, type TReviewSnapshot } from './check-review-action';
import { reviewMachine } from './review-machine';
import { reviewEventFor, reviewRoleRefusal, type TReviewScope } from './review-actions';
import type { TReviewContext, TReviewInput } from './schemas';

/** The machine's snapshot of a case as its row stores it (stage and context). */
export function snapshotOfCase(row: { stage: string; context: unknown }): TReviewSnapshot {
  return reviewMachine.resolveState({ value: row.stage, context: row.context as TReviewContext }) as TReviewSnapshot;
}

/**
 * Sample contents for probing whether an action is open to the caller now (GET /api/reviews/:id,
 * mayAct): the machine is asked with these; a refusal about the contents alone (VALIDATION_FAILED,
 * EXEMPTION_NOT_JUSTIFIED) still means the caller may take the action with other contents.
 */
export const ACTION_PROBES: Record<string, Record<string, unknown>> = {
  ACCEPT: {},
  REFUSE: { reasons: ['—'] },
  RECORD_FINDING: { criterion: 'FORCE_MAJEURE', value: 'UNCLEAR', evidence: [] },
  RECORD_EXCLUSION: { exclusion: { kind: 'SERIOUS_INCIDENT', description: '—' } },
  COMPLETE_INVESTIGATION: {},
  CAST_VOTE: { choice: 'NOT_EXEMPT' },
  CALL_REVOTE: {},
  DECIDE: {},
  SERVE_NOTICE: {},
  PUBLICISE_AND_FILE: {},
  APPEAL: { grounds: '—' },
  OPEN_APPEAL_REVIEW: { body: { name: '—', level: 'PROVINCE', memberIds: ['—'] } },
};
const CONTENT_REFUSALS = new Set<TErrorCode>(['VALIDATION_FAILED', 'EXEMPTION_NOT_JUSTIFIED']);

export interface TCaseForActions {
  stage: string;
  context: unknown;
  concernedUserIds: string[];
}

/** The scope of the role checks on a stored case: its county, its officials and its rounds so far. */
function scopeOfCase(row: TCaseForActions, countyOrgPath: string): TReviewScope {
  return { countyOrgPath, concernedUserIds: row.concernedUserIds, rounds: (row.context as Partial<TReviewContext> | null)?.rounds };
}

/** The actions the caller may take on the case now: role, state and person, as the workflow would check them. */
export function actionsOpenTo(actor: TActor, row: TCaseForActions, countyOrgPath: string, at: number): string[] {
  const snapshot = snapshotOfCase(row);
  return Object.entries(ACTION_PROBES)
    .filter(([type, probe]) => {
      if (reviewRoleRefusal(actor, type, scopeOfCase(row, countyOrgPath))) return false;
      const checked = checkReviewAction(snapshot, reviewEventFor({ type, ...probe }, actor.userId, at));
      return checked.ok || CONTENT_REFUSALS.has(checked.code);
    })
    .map(([type]) => type);
}

/**
 * Why an action on a case whose workflow has ended is refused, from its stored final state: the
 * role first, then the machine's own answer. Null when neither refuses it: then only the case
 * being closed does (the host says so).
 */
export function closedCaseRefusal(actor: TActor, row: TCaseForActions, action: { type: string }, countyOrgPath: string, at: number): TRefusal | null {
  const role = reviewRoleRefusal(actor, action.type, scopeOfCase(row, countyOrgPath));
  if (role) return role;
  const checked = checkReviewAction(snapshotOfCase(row), reviewEventFor(action, actor.userId, at));
  return checked.ok ? null : checked;
}

/**
 * Whether the system may constitute an appeal body for OPEN_APPEAL_REVIEW now (null) or why not:
 * the action must be the caller's, and an appeal must await review (the sender names nobody: the
 * host refuses a sent body first). A refusal about the body never hides that the action was not
 * the caller's or not due, as the body is formed only after this.
 */
export function appealBodyRefusal(
  actor: TActor,
  sent: { type: string; [k: string]: unknown },
  row: TCaseForActions,
  countyOrgPath: string,
  at: number,
): TRefusal | null {
  const role = reviewRoleRefusal(actor, sent.type, scopeOfCase(row, countyOrgPath));
  if (role) return role;
  if (row.stage === 'appeal') return null;
  const checked = checkReviewAction(snapshotOfCase(row), reviewEventFor({ ...sent, ...ACTION_PROBES.OPEN_APPEAL_REVIEW }, actor.userId, at));
  return checked.ok ? refusal('TRANSITION_NOT_ALLOWED', `no appeal awaits review (${row.stage})`) : checked;
}

/**
 * Why the opening event (APPLY / OPEN_BY_BODY) would be refused by a case starting from `review`,
 * or null: checked before anything starts, with the machine the workflow then runs.
 */
export function openingRefusal(review: TReviewInput, event: Record<string, unknown>): TRefusal | null {
  const [initial] = initialTransition(reviewMachine, review);
  const checked = checkReviewAction(initial as TReviewSnapshot, event);
  return checked.ok ? null : checked;
}
