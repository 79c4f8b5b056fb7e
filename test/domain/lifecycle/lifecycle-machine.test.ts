import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { lifecycleMachine } from '../../../src/domain/lifecycle/lifecycle-machine';

const input = { projectId: 'p', proposerId: 'proposer' };

describe('lifecycle machine (pure)', () => {
  it('moves proposal → township review → approved', () => {
    let [s] = initialTransition(lifecycleMachine, input);
    expect(s.value).toBe('PROPOSED');
    [s] = transition(lifecycleMachine, s, { type: 'SUBMIT' });
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    expect(s.context.reviewRound).toBe(1);
    [s] = transition(lifecycleMachine, s, { type: 'APPROVE', actorId: 'reviewer' });
    expect(s.value).toBe('APPROVED');
    expect(s.status).toBe('done');
  });

  it('a return goes back to the village, a resubmission opens a new review round', () => {
    let [s] = initialTransition(lifecycleMachine, input);
    [s] = transition(lifecycleMachine, s, { type: 'SUBMIT' });
    [s] = transition(lifecycleMachine, s, { type: 'RETURN', actorId: 'reviewer', reason: '补充材料' });
    expect(s.value).toBe('RETURNED');
    [s] = transition(lifecycleMachine, s, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    expect(s.context.reviewRound).toBe(2);
  });

  it('refuses the proposer approving their own project (separation of duties)', () => {
    let [s] = initialTransition(lifecycleMachine, input);
    [s] = transition(lifecycleMachine, s, { type: 'SUBMIT' });
    expect(s.can({ type: 'APPROVE', actorId: 'proposer' })).toBe(false);
    const [after] = transition(lifecycleMachine, s, { type: 'APPROVE', actorId: 'proposer' });
    expect(after.value).toBe('TOWNSHIP_REVIEW');
  });

  it('only the proposer withdraws, and a rejection ends the project', () => {
    let [s] = initialTransition(lifecycleMachine, input);
    [s] = transition(lifecycleMachine, s, { type: 'SUBMIT' });
    expect(s.can({ type: 'WITHDRAW', actorId: 'reviewer' })).toBe(false);
    expect(transition(lifecycleMachine, s, { type: 'WITHDRAW', actorId: 'proposer' })[0].value).toBe('WITHDRAWN');
    const [rejected] = transition(lifecycleMachine, s, { type: 'REJECT', actorId: 'reviewer', reason: '不符合政策' });
    expect(rejected.value).toBe('REJECTED');
    expect(rejected.status).toBe('done');
  });

  it('ignores events that are out of order', () => {
    const [s] = initialTransition(lifecycleMachine, input);
    expect(s.can({ type: 'APPROVE', actorId: 'reviewer' })).toBe(false);
    expect(s.can({ type: 'RESUBMIT', actorId: 'proposer' })).toBe(false);
  });

  it('xstate/graph reaches every state', () => {
    const paths = getShortestPaths(lifecycleMachine, {
      input,
      // The review round counts up forever; states are told apart by value alone.
      serializeState: (state) => JSON.stringify(state.value),
      events: [
        { type: 'SUBMIT' },
        { type: 'APPROVE', actorId: 'reviewer' },
        { type: 'RETURN', actorId: 'reviewer', reason: 'r' },
        { type: 'RESUBMIT', actorId: 'proposer' },
        { type: 'REJECT', actorId: 'reviewer', reason: 'r' },
        { type: 'WITHDRAW', actorId: 'proposer' },
      ],
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect(reached).toEqual(new Set(Object.keys(lifecycleMachine.config.states!)));
  });
});
