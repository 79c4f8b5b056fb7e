import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { createTestModel, getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  APPROVAL_STATE_VALUES,
  approvalMachine,
  activeTasks,
  checkApprovalAction,
  phaseOf,
  type TActor,
  type TApprovalEvent,
  type TApprovalMode,
  type TApprovalSnapshot,
  type TApprovalStepConfigInput,
} from '../../../src/domain/approval';
import { ZApprovalEvent } from '../../../src/domain/zod-schemas';
import { actorHoldsSlot } from '../../../src/domain/approval/org-scope';
import { actors, approvalStateKey, DAY, T0, township, user } from './fixtures';

/**
 * Model-based tests: xstate/graph walks the machine with a generated event set (valid actions plus
 * deliberately invalid ones), and we check that every state and every transition is reached in
 * each mode, and that machine and validator agree on every event offered in every reached state.
 */

const CAST: TActor[] = [actors.tom, actors.tina, actors.cara, actors.carl, actors.lee, actors.outsider];

const modeConfig = (mode: TApprovalMode): TApprovalStepConfigInput => ({
  stepId: 's',
  mode,
  // A role slot (claimable, transferable, escalates to county level) and a named user.
  candidates: [township, user('carl')],
  applicantId: 'ann',
  returnTargets: [{ stepId: 'earlier' }],
  withdrawUntil: 'FIRST_DECISION',
});

/** Abstract state for the graph: what changes behaviour, and whether anyone has decided yet. */
const serialize = (snapshot: TApprovalSnapshot): string =>
  approvalStateKey(snapshot, { decided: snapshot.context.history.some((h) => ['APPROVE', 'REJECT', 'RETURN'].includes(h.event.type)) });

let seq = 0;
function events(snapshot: TApprovalSnapshot): TApprovalEvent[] {
  const { context } = snapshot;
  const now = (context.history.at(-1)?.event.at ?? T0) + DAY;
  const base = (actor: TActor) => ({ actor, requestId: `m-${++seq}`, at: now });
  const list: TApprovalEvent[] = [];
  const bounded = context.tasks.length < 3; // keeps transfer / add-signer / escalation finite
  for (const task of activeTasks(context)) {
    const holders = CAST.filter((a) => actorHoldsSlot(a, task.slot));
    for (const actor of holders.slice(0, 1)) {
      list.push({ type: 'APPROVE', ...base(actor) });
      list.push({ type: 'REJECT', ...base(actor), reason: '不同意' });
      list.push({ type: 'RETURN', ...base(actor), reason: '补充', target: { to: 'APPLICANT' } });
      list.push({ type: 'RETURN', ...base(actor), reason: '补充', target: { to: 'STEP', stepId: 'earlier' } });
      if (task.slot.kind === 'role') list.push({ type: task.claimedBy ? 'UNCLAIM' : 'CLAIM', ...base(actors[task.claimedBy as 'tom'] ?? actor) });
      if (bounded) {
        const other = CAST.find((a) => a.userId !== actor.userId && actorHoldsSlot(a, task.origin)) ?? actors.tina;
        list.push({ type: 'TRANSFER', ...base(actor), toUserId: other.userId, toRoles: other.roles });
        list.push({ type: 'ADD_SIGNER', ...base(actor), position: 'BEFORE', signer: user('lee') });
        list.push({ type: 'ADD_SIGNER', ...base(actor), position: 'AFTER', signer: user('lee') });
      }
    }
  }
  // Invalid on purpose: the graph must not move on these.
  list.push({ type: 'APPROVE', ...base(actors.outsider) });
  list.push({ type: 'APPROVE', ...base(actors.ann) });
  list.push({ type: 'REJECT', ...base(actors.tom), reason: ' ' });
  list.push({ type: 'URGE', ...base(actors.tom) });
  // Applicant, workflow and bystanders.
  list.push({ type: 'COMMENT', ...base(actors.ann), text: '说明' });
  list.push({ type: 'CC', ...base(actors.ann), recipientIds: ['mon'] });
  list.push({ type: 'URGE', ...base(actors.ann) });
  list.push({ type: 'WITHDRAW', ...base(actors.ann) });
  list.push({ type: 'RESUBMIT', ...base(actors.ann) });
  list.push({ type: 'RESUBMIT', ...base(actors.system) });
  list.push({ type: 'WITHDRAW', ...base(actors.system) });
  list.push({ type: 'DEADLINE_REMINDER', ...base(actors.system) });
  if (bounded) list.push({ type: 'DEADLINE_EXPIRED', ...base(actors.system) });
  return list;
}

/** Every (source state node, event type) the machine definition handles. */
function definedTransitions(): Set<string> {
  const result = new Set<string>();
  const visit = (node: (typeof approvalMachine)['root']) => {
    for (const [type, transitions] of node.transitions) {
      for (const t of transitions) {
        const target = t.target?.[0]?.path.join('.') ?? 'self';
        result.add(`${node.path.join('.')}|${type}|${target}`);
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(approvalMachine.root);
  return result;
}

/** The transition that handled `event` in `before`, described like definedTransitions(). */
function takenTransition(before: TApprovalSnapshot, after: TApprovalSnapshot, event: TApprovalEvent): string {
  const source = phaseOf(before.value);
  const afterValue = typeof after.value === 'string' ? after.value : `pending.${Object.values(after.value)[0]}`;
  let target = 'self';
  if (phaseOf(after.value) !== phaseOf(before.value) || event.type === 'RESUBMIT') target = phaseOf(after.value);
  if (event.type === 'DEADLINE_REMINDER' || event.type === 'DEADLINE_EXPIRED') target = afterValue;
  return `${source}|${event.type}|${target}`;
}

describe.each(['SEQUENTIAL', 'COUNTERSIGN', 'ANY_ONE'] as const)('model: %s', (mode) => {
  const input = modeConfig(mode);
  const options = { input, events, serializeState: serialize, limit: 50_000 };

  const paths = getShortestPaths(approvalMachine, options);
  const reached = paths.map((p) => p.state as TApprovalSnapshot);

  it('reaches every state', () => {
    const values = new Set(reached.map((s) => (typeof s.value === 'string' ? s.value : `pending.${Object.values(s.value)[0]}`)));
    expect([...values].sort()).toEqual([...APPROVAL_STATE_VALUES].sort());
  });

  it('takes every transition, and machine and validator agree on every event offered', () => {
    const taken = new Set<string>();
    let accepted = 0;
    let refused = 0;
    for (const before of reached) {
      for (const event of events(before)) {
        const check = checkApprovalAction({ snapshot: before, event });
        const [after] = transition(approvalMachine, before, event);
        if (check.status === 'ok') {
          accepted += 1;
          expect(after.context.history).toHaveLength(before.context.history.length + 1);
          expect(after.context.history.at(-1)?.result).toBe(phaseOf(after.value));
          taken.add(takenTransition(before, after, event));
        } else {
          refused += 1;
          expect(after.value).toEqual(before.value);
          expect(after.context).toEqual(before.context);
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect([...definedTransitions()].filter((t) => !taken.has(t))).toEqual([]);
  });

  it('every path replays through a host that validates before stepping (createTestModel)', async () => {
    const model = createTestModel(approvalMachine, options);
    const modelPaths = model.getShortestPaths();
    expect(modelPaths.length).toBeGreaterThan(0);
    const statesChecked = new Set<string>();
    for (const path of modelPaths) {
      // The "system under test" is what the workflow will do: validate, then step.
      let host = initialTransition(approvalMachine, input)[0];
      await path.test({
        // Every event the schema defines (not the validator's own phase table, which is under test).
        events: Object.fromEntries(
          ZApprovalEvent.options
            .map((o) => o.shape.type.value)
            .map((type) => [
              type,
              ({ event }: { event: TApprovalEvent }) => {
                const check = checkApprovalAction({ snapshot: host, event });
                expect(check.status).toBe('ok');
                host = transition(approvalMachine, host, event)[0];
              },
            ]),
        ),
        states: Object.fromEntries(
          APPROVAL_STATE_VALUES.map((value) => [
            value,
            (state: TApprovalSnapshot) => {
              statesChecked.add(value);
              expect(host.value).toEqual(state.value);
              expect(serialize(host)).toBe(serialize(state));
            },
          ]),
        ),
      });
      expect(serialize(host)).toBe(serialize(path.state as TApprovalSnapshot));
    }
    expect([...statesChecked].sort()).toEqual([...APPROVAL_STATE_VALUES].sort());
  });
});

describe('model: simple paths', () => {
  it('every simple path of a one-signer ANY_ONE step ends consistently', () => {
    const input: TApprovalStepConfigInput = { stepId: 's', mode: 'ANY_ONE', candidates: [user('carl')], applicantId: 'ann', returnTargets: [] };
    const simple = getSimplePaths(approvalMachine, {
      input,
      serializeState: serialize,
      events: (s: TApprovalSnapshot) => events(s).filter((e) => !['TRANSFER', 'ADD_SIGNER', 'DEADLINE_EXPIRED', 'CC'].includes(e.type)),
      toState: (s: TApprovalSnapshot) => s.status === 'done',
    });
    const endings = new Set(simple.map((p) => (typeof p.state.value === 'string' ? p.state.value : JSON.stringify(p.state.value))));
    expect(endings).toEqual(new Set(['approved', 'rejected', 'withdrawn']));
    for (const path of simple) {
      // Graph states are representatives of an abstract state, so replay the events for real: each
      // step must be accepted and recorded exactly once, ending where the graph said.
      let host = initialTransition(approvalMachine, input)[0];
      for (const step of path.steps.slice(1)) host = transition(approvalMachine, host, step.event)[0];
      expect(host.context.history).toHaveLength(path.steps.length - 1);
      expect(host.value).toEqual(path.state.value);
    }
  });
});
