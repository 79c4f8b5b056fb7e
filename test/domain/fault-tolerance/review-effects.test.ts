import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { CLERK, DAY, FILED_AT, T0, decide, steps, toAppealWindow, toDecision, votes } from './fixtures';
import { officialRecordEffects, reviewMachine, type TReviewEvent, type TReviewSnapshot } from './imports';

/** Steps the machine and returns the effects `transition()` hands the workflow, by name and params. */
function effectsOf(snapshot: TReviewSnapshot, event: TReviewEvent) {
  const [next, actions] = transition(reviewMachine, snapshot, event);
  return { next, effects: actions.map((action) => ({ type: action.type, params: action.params })) };
}

describe('review machine effects: what transition() asks the workflow to do', () => {
  it('asks to write the official records once, when the appeal window closes on a final result', () => {
    const s = toAppealWindow(steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT', m3: 'LENIENT' })));
    const { next, effects } = effectsOf(s, { type: 'APPEAL_WINDOW_CLOSED', at: s.context.appealClosesAt as number });
    expect(next.value).toBe('resultApplied');
    expect(effects).toEqual([{ type: 'writeOfficialRecords', params: { records: officialRecordEffects(next.context) } }]);
    expect(officialRecordEffects(next.context)).toHaveLength(2);
  });

  it('asks for nothing on the steps before the result is final, nor on a refused event', () => {
    let s = steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT' }));
    const events: TReviewEvent[] = [
      decide(),
      { type: 'SERVE_NOTICE', actorId: CLERK, at: T0 + 6 * DAY },
      { type: 'PUBLICISE_AND_FILE', actorId: CLERK, at: FILED_AT },
    ];
    for (const event of events) {
      const stepped = effectsOf(s, event);
      expect(stepped.effects).toEqual([]);
      s = stepped.next;
    }
    expect(s.value).toBe('appealWindow');
    // The window is still open: the machine refuses, stays, and asks for nothing.
    const early = effectsOf(s, { type: 'APPEAL_WINDOW_CLOSED', at: FILED_AT + DAY });
    expect(early.next.value).toBe('appealWindow');
    expect(early.effects).toEqual([]);
  });
});
