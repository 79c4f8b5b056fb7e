import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  approvalEffectsIn,
  approvalMachine,
  checkApprovalAction,
  type TApprovalEffect,
  type TApprovalEvent,
  type TApprovalSnapshot,
} from '../../../src/domain/approval';
import { actors, agriculture, DAY, ev, finance, start, T0, township, user } from './fixtures';

/** Steps an accepted event and returns the effects `transition()` named, in order. */
function effectsOf(snapshot: TApprovalSnapshot, event: TApprovalEvent): { next: TApprovalSnapshot; effects: TApprovalEffect[] } {
  expect(checkApprovalAction({ snapshot, event }).status).toBe('ok');
  const [next, actions] = transition(approvalMachine, snapshot, event);
  return { next, effects: approvalEffectsIn(actions) };
}

const rowsOf = (effects: TApprovalEffect[]) =>
  effects.flatMap((effect) => (effect.type === 'writeTaskRows' ? effect.params.rows.map((row) => [row.taskKey, row.status, row.claimedBy]) : []));

describe('the approval machine names its effects (the host runs them; it diffs nothing)', () => {
  it('a 会签 rejection writes the rejected task and the one no longer needed, nothing else', () => {
    const { effects } = effectsOf(start({ mode: 'COUNTERSIGN', candidates: [agriculture, finance] }), ev('REJECT', actors.carl, { reason: '用地不合规' }));
    expect(effects.map((e) => e.type)).toEqual(['writeTaskRows']);
    expect(rowsOf(effects)).toEqual([
      ['township-review#1', 'REJECTED', null],
      ['township-review#2', 'NO_LONGER_NEEDED', null],
    ]);
  });

  it('an approval in a 依次 chain writes the approved task and the next one, now pending', () => {
    const { effects } = effectsOf(start({ mode: 'SEQUENTIAL', candidates: [township, agriculture] }), ev('APPROVE', actors.tom, {}));
    expect(rowsOf(effects)).toEqual([
      ['township-review#1', 'APPROVED', null],
      ['township-review#2', 'PENDING', null],
    ]);
  });

  it('a claim writes the claimed row; a comment names no effect at all', () => {
    const claimed = effectsOf(start(), ev('CLAIM', actors.tom, {}));
    expect(rowsOf(claimed.effects)).toEqual([['township-review#1', 'PENDING', 'tom']]);
    expect(effectsOf(claimed.next, ev('COMMENT', actors.tom, { text: '现场核实中' })).effects).toEqual([]);
  });

  it('returned to the applicant: rows suspended and a resubmission task opened, named by the return entry', () => {
    const first = effectsOf(start({ mode: 'SEQUENTIAL', candidates: [township, agriculture] }), ev('APPROVE', actors.tom, {}));
    const returned = effectsOf(first.next, ev('RETURN', actors.carl, { reason: '补充绩效目标', target: { to: 'APPLICANT' } }));
    expect(returned.effects.map((e) => e.type)).toEqual(['writeTaskRows', 'openResubmitTask']);
    expect(rowsOf(returned.effects)).toEqual([['township-review#2', 'SUSPENDED', null]]);
    expect(returned.effects[1]).toEqual({ type: 'openResubmitTask', params: { seq: returned.next.context.history.at(-1)!.seq } });

    // Resubmitted: the clock first (the rows' due date counts from it), then the rows, then the applicant's task closes.
    const at = T0 + 3 * DAY;
    const resubmitted = effectsOf(returned.next, ev('RESUBMIT', actors.ann, { comment: '已补充', at }));
    expect(resubmitted.effects.map((e) => e.type)).toEqual(['restartDeadlineClock', 'writeTaskRows', 'closeResubmitTask']);
    expect(resubmitted.effects[0]).toEqual({ type: 'restartDeadlineClock', params: { at } });
    expect(rowsOf(resubmitted.effects)).toEqual([['township-review#2', 'PENDING', null]]);
    expect(resubmitted.effects[2]).toEqual({ type: 'closeResubmitTask', params: { status: 'DONE', outcome: 'RESUBMITTED' } });
  });

  it('withdrawn while with the applicant: the resubmission task is cancelled', () => {
    const returned = effectsOf(start(), ev('RETURN', actors.tom, { reason: 'x', target: { to: 'APPLICANT' } }));
    const withdrawn = effectsOf(returned.next, ev('WITHDRAW', actors.ann, {}));
    expect(withdrawn.effects.at(-1)).toEqual({ type: 'closeResubmitTask', params: { status: 'CANCELLED', outcome: 'WITHDRAWN' } });
  });

  it('returned to an earlier step: no resubmission task (the host resumes the step), none to close', () => {
    const returned = effectsOf(start(), ev('RETURN', actors.tom, { reason: '公示期不足', target: { to: 'STEP', stepId: 'village-publicity' } }));
    expect(returned.effects.map((e) => e.type)).toEqual(['writeTaskRows']);
    const resumed = effectsOf(returned.next, ev('RESUBMIT', actors.system, {}));
    expect(resumed.effects.map((e) => e.type)).toEqual(['restartDeadlineClock', 'writeTaskRows']);
  });

  it('an escalation that opens a task restarts the clock; one with nowhere to go does not', () => {
    const at = T0 + 5 * DAY;
    const escalated = effectsOf(start(), ev('DEADLINE_EXPIRED', actors.system, { at }));
    expect(escalated.effects[0]).toEqual({ type: 'restartDeadlineClock', params: { at } });
    expect(rowsOf(escalated.effects).map(([, status]) => status)).toEqual(['ESCALATED', 'PENDING']);
    const stuck = effectsOf(start({ candidates: [user('tom')] }), ev('DEADLINE_EXPIRED', actors.system, { at }));
    expect(stuck.effects).toEqual([]);
  });

  it('a refused event names no effect', () => {
    const [, actions] = transition(approvalMachine, start(), ev('APPROVE', actors.carl, {}));
    expect(approvalEffectsIn(actions)).toEqual([]);
  });
});
