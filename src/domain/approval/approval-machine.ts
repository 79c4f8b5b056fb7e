import { and, assign, setup, type SnapshotFrom } from 'xstate';
import { ZApprovalStepConfig, type TApprovalStepConfigInput } from './approval-config';
import { createInitialContext, type TApprovalContext, type TApprovalPhase } from './approval-context';
import type { TApprovalEvent } from './approval-events';
import { applyApprovalEvent } from './apply-approval-action';
import { checkInPhase } from './check-approval-action';

type TPhaseParams = { phase: TApprovalPhase };

/**
 * One approval step (审批环节). Pure: no invoke, no delays, no side effects; only `assign`. The
 * hosting workflow owns time (raises DEADLINE_* events) and effects (Task rows, notifications),
 * reading what to do from the snapshot (see pending-signers.ts) after each `transition()`.
 *
 * Every guard is `checkInPhase`, the same function the Update validator calls through
 * `checkApprovalAction`, and the only action is `applyApprovalEvent`, which also decides where
 * an approval lands; so "validator says ok" and "machine transitions" are the same statement.
 */
export const approvalMachine = setup({
  types: {
    context: {} as TApprovalContext,
    events: {} as TApprovalEvent,
    input: {} as TApprovalStepConfigInput,
  },
  guards: {
    allowed: ({ context, event }, params: TPhaseParams) => checkInPhase({ context, phase: params.phase, event }).status === 'ok',
    approvalFinishesStep: ({ context, event }, params: TPhaseParams) => applyApprovalEvent({ context, phase: params.phase, event }).phase === 'approved',
  },
  actions: {
    apply: assign(({ context, event }, params: TPhaseParams) => applyApprovalEvent({ context, phase: params.phase, event }).context),
  },
}).createMachine({
  id: 'approvalStep',
  context: ({ input }) => createInitialContext(ZApprovalStepConfig.parse(input)),
  initial: 'pending',
  states: {
    pending: {
      // Deadline bookkeeping only; every signer action is handled on the parent and keeps the
      // current substate. A resubmission starts a fresh clock (re-entering `onTime`).
      initial: 'onTime',
      states: {
        onTime: {},
        reminded: {},
        escalated: {},
      },
      on: {
        APPROVE: [
          {
            guard: and([
              { type: 'allowed', params: { phase: 'pending' as const } },
              { type: 'approvalFinishesStep', params: { phase: 'pending' as const } },
            ]),
            target: 'approved',
            actions: { type: 'apply', params: { phase: 'pending' } },
          },
          { guard: { type: 'allowed', params: { phase: 'pending' } }, actions: { type: 'apply', params: { phase: 'pending' } } },
        ],
        REJECT: pendingTo('rejected'),
        RETURN: pendingTo('returned'),
        WITHDRAW: pendingTo('withdrawn'),
        TRANSFER: pendingStay(),
        ADD_SIGNER: pendingStay(),
        CLAIM: pendingStay(),
        UNCLAIM: pendingStay(),
        COMMENT: pendingStay(),
        CC: pendingStay(),
        URGE: pendingStay(),
        DEADLINE_REMINDER: pendingTo('.reminded'),
        DEADLINE_EXPIRED: pendingTo('.escalated'),
      },
    },
    returned: {
      on: {
        RESUBMIT: returnedTo('pending'),
        WITHDRAW: returnedTo('withdrawn'),
        COMMENT: returnedStay(),
        CC: returnedStay(),
      },
    },
    approved: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
  output: ({ context }) => ({ history: context.history }),
});

function pendingTo(target: string) {
  return {
    guard: { type: 'allowed', params: { phase: 'pending' } },
    target,
    actions: { type: 'apply', params: { phase: 'pending' } },
  } as const;
}
function pendingStay() {
  return { guard: { type: 'allowed', params: { phase: 'pending' } }, actions: { type: 'apply', params: { phase: 'pending' } } } as const;
}
function returnedTo(target: string) {
  return {
    guard: { type: 'allowed', params: { phase: 'returned' } },
    target,
    actions: { type: 'apply', params: { phase: 'returned' } },
  } as const;
}
function returnedStay() {
  return { guard: { type: 'allowed', params: { phase: 'returned' } }, actions: { type: 'apply', params: { phase: 'returned' } } } as const;
}

export type TApprovalMachine = typeof approvalMachine;
export type TApprovalSnapshot = SnapshotFrom<typeof approvalMachine>;

/** All leaf state ids, for coverage assertions and for the workflow's search attributes. */
export const APPROVAL_STATE_VALUES = ['pending.onTime', 'pending.reminded', 'pending.escalated', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
