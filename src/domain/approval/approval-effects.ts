import type { TApprovalContext, TApprovalPhase } from './approval-context';
import type { TApprovalEvent } from './approval-events';
import { taskRowsOf, type TTaskRow } from './pending-signers';

/** A step as the machine sees it on either side of a transition: its context and the phase it is in. */
export interface TApprovalSide {
  context: TApprovalContext;
  phase: TApprovalPhase;
}

/**
 * What a transition asks its host to do, named and with everything the host needs, so the host
 * runs effects instead of re-deriving them from snapshots. In the order the host must run them:
 * the clock first, because the rows' due dates are counted from it.
 */
export type TApprovalEffect =
  /** The deadline clock starts again at `at` (a resubmission, or an escalation that opened tasks). */
  | { type: 'restartDeadlineClock'; params: { at: number } }
  /** Task rows whose status or claim changed, and tasks the transition created. */
  | { type: 'writeTaskRows'; params: { rows: TTaskRow[] } }
  /** Returned to the applicant: the applicant gets a resubmission task, named after the return's history entry. */
  | { type: 'openResubmitTask'; params: { seq: number } }
  /** The matter left the applicant's hands: their resubmission task closes. */
  | { type: 'closeResubmitTask'; params: { status: 'DONE' | 'CANCELLED'; outcome: 'RESUBMITTED' | 'WITHDRAWN' } };

export type TApprovalEffectType = TApprovalEffect['type'];

function changedRows(before: TApprovalSide, after: TApprovalSide): TTaskRow[] {
  const previous = new Map(taskRowsOf(before.context, before.phase).map((row) => [row.taskKey, row]));
  return taskRowsOf(after.context, after.phase).filter((row) => {
    const old = previous.get(row.taskKey);
    return !old || old.status !== row.status || old.claimedBy !== row.claimedBy;
  });
}

/**
 * The effects of one accepted event, computed by the machine's action from both sides of the
 * transition (the target's phase is known only to the reducer, so a host reading the snapshot
 * afterwards would have to diff). Pure; empty for an event that changes nothing a host keeps.
 */
export function approvalEffects(before: TApprovalSide, after: TApprovalSide, event: TApprovalEvent): TApprovalEffect[] {
  const effects: TApprovalEffect[] = [];
  const entry = after.context.history.at(-1);
  if (event.type === 'RESUBMIT' || (event.type === 'DEADLINE_EXPIRED' && (entry?.createdTaskKeys.length ?? 0) > 0)) {
    effects.push({ type: 'restartDeadlineClock', params: { at: event.at } });
  }
  const rows = changedRows(before, after);
  if (rows.length > 0) effects.push({ type: 'writeTaskRows', params: { rows } });
  const toApplicant = (side: TApprovalSide) => side.phase === 'returned' && side.context.returned?.target.to === 'APPLICANT';
  if (after.phase === 'returned' && before.phase !== 'returned' && toApplicant(after) && entry) {
    effects.push({ type: 'openResubmitTask', params: { seq: entry.seq } });
  } else if (before.phase === 'returned' && after.phase !== 'returned' && toApplicant(before)) {
    effects.push({
      type: 'closeResubmitTask',
      params: { status: after.phase === 'withdrawn' ? 'CANCELLED' : 'DONE', outcome: event.type === 'RESUBMIT' ? 'RESUBMITTED' : 'WITHDRAWN' },
    });
  }
  return effects;
}

const EFFECT_TYPES: ReadonlySet<string> = new Set<TApprovalEffectType>(['restartDeadlineClock', 'writeTaskRows', 'openResubmitTask', 'closeResubmitTask']);

/** The approval effects among the actions `transition()` returned, in their order, as plain `{ type, params }`. */
export function approvalEffectsIn(actions: readonly { type: string; params?: unknown }[]): TApprovalEffect[] {
  return actions.filter((action): action is TApprovalEffect => EFFECT_TYPES.has(action.type)).map(({ type, params }) => ({ type, params }) as TApprovalEffect);
}
