import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { lifecycleMachine, type TLifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-machine';

const input = { projectId: 'p', proposerId: 'proposer', budgetFen: 1_000 };
const APPROVE: TLifecycleEvent = { type: 'APPROVE', actorId: 'reviewer' };
const ENDED: TLifecycleEvent = { type: 'PUBLICITY_ENDED' };

function run(...events: TLifecycleEvent[]) {
  let [s] = initialTransition(lifecycleMachine, input);
  for (const e of events) [s] = transition(lifecycleMachine, s, e);
  return s;
}

describe('lifecycle machine (pure)', () => {
  it('moves proposal → village publicity → township review → township publicity → county review → approval → pool → funded', () => {
    let [s] = initialTransition(lifecycleMachine, input);
    expect(s.value).toBe('PROPOSED');
    const expected: Array<[TLifecycleEvent, string]> = [
      [{ type: 'SUBMIT' }, 'VILLAGE_PUBLICITY'],
      [ENDED, 'TOWNSHIP_REVIEW'],
      [APPROVE, 'TOWNSHIP_PUBLICITY'],
      [ENDED, 'COUNTY_JOINT_REVIEW'],
      [{ type: 'APPROVE', actorId: 'agri' }, 'COUNTY_APPROVAL'],
      [{ type: 'APPROVE', actorId: 'leader' }, 'IN_POOL'],
      [{ type: 'ALLOCATE', actorId: 'finance', fiscalYear: 2027, amountFen: 1_000 }, 'FUNDED'],
    ];
    for (const [event, stage] of expected) {
      [s] = transition(lifecycleMachine, s, event);
      expect(s.value).toBe(stage);
    }
    expect(s.context.reviewRound).toBe(1);
    expect(s.context.allocation).toEqual({ actorId: 'finance', fiscalYear: 2027, amountFen: 1_000 });
    expect(s.status).toBe('done');
  });

  it('an objection during a publicity period returns the project; resubmission posts it again', () => {
    let s = run({ type: 'SUBMIT' }, { type: 'OBJECTION', actorId: 'villager', text: '占用基本农田' });
    expect(s.value).toBe('RETURNED');
    expect(s.context.objection).toEqual({ actorId: 'villager', text: '占用基本农田' });
    [s] = transition(lifecycleMachine, s, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('VILLAGE_PUBLICITY');
    expect(s.context.objection).toBeNull();
    // After the township publicity, an objection leads to a new township review round.
    s = run({ type: 'SUBMIT' }, ENDED, APPROVE, { type: 'OBJECTION', actorId: 'x', text: 't' }, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    expect(s.context.reviewRound).toBe(2);
  });

  it('objections are taken only during publicity', () => {
    const review = run({ type: 'SUBMIT' }, ENDED);
    expect(review.can({ type: 'OBJECTION', actorId: 'x', text: 't' })).toBe(false);
    expect(run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED).can({ type: 'OBJECTION', actorId: 'x', text: 't' })).toBe(false);
  });

  it('a return goes back to the village; resubmission resumes the review that returned it', () => {
    let s = run({ type: 'SUBMIT' }, ENDED, { type: 'RETURN', actorId: 'reviewer', reason: '补充材料' });
    expect(s.value).toBe('RETURNED');
    [s] = transition(lifecycleMachine, s, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    s = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, APPROVE, { type: 'RETURN', actorId: 'leader', reason: '用地' }, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('COUNTY_APPROVAL');
  });

  it('refuses the proposer approving their own project (separation of duties)', () => {
    const s = run({ type: 'SUBMIT' }, ENDED);
    expect(s.can({ type: 'APPROVE', actorId: 'proposer' })).toBe(false);
    expect(transition(lifecycleMachine, s, { type: 'APPROVE', actorId: 'proposer' })[0].value).toBe('TOWNSHIP_REVIEW');
  });

  it('only the proposer withdraws, and a rejection at county level ends the project', () => {
    const s = run({ type: 'SUBMIT' }, ENDED);
    expect(s.can({ type: 'WITHDRAW', actorId: 'reviewer' })).toBe(false);
    expect(transition(lifecycleMachine, s, { type: 'WITHDRAW', actorId: 'proposer' })[0].value).toBe('WITHDRAWN');
    const rejected = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, { type: 'REJECT', actorId: 'finance', reason: '不符合政策' });
    expect(rejected.value).toBe('REJECTED');
    expect(rejected.status).toBe('done');
  });

  it('an allocation above the budget, or outside the pool, is refused', () => {
    const pool = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, APPROVE, APPROVE);
    expect(pool.value).toBe('IN_POOL');
    expect(pool.can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 1_001 })).toBe(false);
    expect(pool.can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 0 })).toBe(false);
    expect(run({ type: 'SUBMIT' }).can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 1 })).toBe(false);
  });

  it('ignores events that are out of order', () => {
    const [s] = initialTransition(lifecycleMachine, input);
    expect(s.can({ type: 'APPROVE', actorId: 'reviewer' })).toBe(false);
    expect(s.can({ type: 'RESUBMIT', actorId: 'proposer' })).toBe(false);
    expect(s.can(ENDED)).toBe(false);
  });

  it('xstate/graph reaches every state', () => {
    const paths = getShortestPaths(lifecycleMachine, {
      input,
      // Rounds count up forever; states are told apart by value and where a return came from.
      serializeState: (state) => JSON.stringify([state.value, state.context.returnedFrom]),
      events: [
        { type: 'SUBMIT' },
        ENDED,
        APPROVE,
        { type: 'OBJECTION', actorId: 'villager', text: 't' },
        { type: 'RETURN', actorId: 'reviewer', reason: 'r' },
        { type: 'RESUBMIT', actorId: 'proposer' },
        { type: 'REJECT', actorId: 'reviewer', reason: 'r' },
        { type: 'WITHDRAW', actorId: 'proposer' },
        { type: 'ALLOCATE', actorId: 'finance', fiscalYear: 2027, amountFen: 500 },
      ],
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect(reached).toEqual(new Set(Object.keys(lifecycleMachine.config.states!)));
  });
});
