import { describe, expect, it } from 'vitest';
import { initialTransition, transition as xstateTransition, type AnyStateMachine } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { transition } from '../../workflows/machine-transition';
import { lifecycleMachine } from '../../src/domain/lifecycle/lifecycle-machine';
import { EXPLORATION, input } from './lifecycle/exploration';
import { approvalMachine } from '../../src/domain/approval';
import { actors, agriculture, ev, finance, township } from './approval/fixtures';

/** What a host reads of a transition: the snapshot and the named actions with their params. */
function outcome(machine: AnyStateMachine, step: typeof transition, snapshot: unknown, event: unknown) {
  const [next, actions] = step(machine, snapshot as never, event as never);
  return { value: next.value, context: next.context, status: next.status, actions: actions.map(({ type, params }) => ({ type, params })) };
}

/** Walks every shortest path and checks the workflows' `transition` against XState's at each step. */
function samePaths(machine: AnyStateMachine, paths: ReturnType<typeof getShortestPaths>, input: unknown): number {
  let steps = 0;
  for (const path of paths) {
    let [snapshot] = initialTransition(machine, input);
    for (const { event } of path.steps) {
      expect(outcome(machine, transition, snapshot, event)).toEqual(outcome(machine, xstateTransition, snapshot, event));
      [snapshot] = xstateTransition(machine, snapshot, event);
      steps += 1;
    }
  }
  return steps;
}

describe("the workflows' transition (one inert actor scope per machine) gives XState's own results", () => {
  it('on every shortest path of the lifecycle machine', () => {
    const paths = getShortestPaths(lifecycleMachine, EXPLORATION);
    expect(samePaths(lifecycleMachine, paths, input)).toBeGreaterThan(50);
  });

  it('on every shortest path of a 会签 approval step, effects included', () => {
    const input = { stepId: 'joint-review', mode: 'COUNTERSIGN' as const, candidates: [township, agriculture, finance], applicantId: 'ann', returnTargets: [] };
    const events = [
      ev('APPROVE', actors.tom, { requestId: 'a1' }),
      ev('APPROVE', actors.carl, { requestId: 'a2' }),
      ev('CLAIM', actors.fay, { requestId: 'c1' }),
      ev('RETURN', actors.fay, { requestId: 'r1', reason: '补充', target: { to: 'APPLICANT' } }),
      ev('RESUBMIT', actors.ann, { requestId: 's1' }),
      ev('REJECT', actors.fay, { requestId: 'x1', reason: '不符合' }),
      ev('DEADLINE_EXPIRED', actors.system, { requestId: 'd1' }),
    ];
    const paths = getShortestPaths(approvalMachine, {
      input,
      events,
      serializeState: (s) => JSON.stringify([s.value, s.context.tasks.map((t) => [t.outcome, t.claimedBy])]),
    });
    expect(samePaths(approvalMachine, paths, input)).toBeGreaterThan(20);
  });
});
