import { getNextTransitions, type SnapshotFrom } from 'xstate';
import { ALLOWED, type TRefusedCheck } from './refusal';
import type { TReviewMachine } from './review-machine';
import { outOfStateRefusal, refusalFor, validationRefusal } from './review-rules';
import { ZReviewEvent, type TReviewEvent } from './schemas';

export type TReviewSnapshot = SnapshotFrom<TReviewMachine>;
export type TReviewCheck = { ok: true; event: TReviewEvent } | TRefusedCheck;

/**
 * May this action be taken now? Pure: it never steps the machine, so a Temporal Update validator
 * can call it and reject the update before anything enters history. It runs the same rule function
 * as the machine's guards, so "ok" here means the machine will take the transition.
 *
 * Accepts an unparsed event (straight from an update's arguments) and returns the parsed one, with
 * defaults applied, for the workflow to step with.
 */
export function checkReviewAction(snapshot: TReviewSnapshot, rawEvent: unknown): TReviewCheck {
  const invalid = validationRefusal(rawEvent);
  if (invalid) return invalid;
  const event = ZReviewEvent.parse(rawEvent);
  const state = String(snapshot.value);
  const accepted = snapshot.status === 'active' && getNextTransitions(snapshot).some((transition) => transition.eventType === event.type);
  if (!accepted) return outOfStateRefusal({ context: snapshot.context, state, event });
  const refusal = refusalFor(snapshot.context, event);
  return refusal ?? { ...ALLOWED, event };
}
