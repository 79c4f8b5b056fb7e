import { and, enqueueActions, setup, type SnapshotFrom } from 'xstate';
import { ZApprovalStepConfig, type TApprovalStepConfigInput } from './approval-config';
import { createInitialContext, type TApprovalContext, type TApprovalPhase } from './approval-context';
import type { TApprovalEvent, TApprovalEventOf, TApprovalEventType } from './approval-events';
import { applyApprovalEvent } from './apply-approval-action';
import { approvalEffects, type TApprovalEffect } from './approval-effects';
import { APPROVAL_RULES, preconditionCheck } from './check-approval-action';

/** The phase (top-level state) a transition leaves from: the rules and the reducer depend on it. */
type TPhaseParams = { phase: TApprovalPhase };
type TArgs = { context: TApprovalContext; event: TApprovalEvent };

/**
 * The guard of one event: the event passes what every event must (shape, request id, phase;
 * `preconditionCheck`) and then its own rule (APPROVAL_RULES). Together exactly `checkInPhase`,
 * which the Update validator runs.
 */
function passes<T extends TApprovalEventType>(type: T) {
  return ({ context, event }: TArgs, { phase }: TPhaseParams): boolean => {
    if (event.type !== type) return false;
    const check = preconditionCheck({ context, phase, event }) ?? APPROVAL_RULES[type](context, event as TApprovalEventOf<T>);
    return check.status === 'ok';
  };
}

/** The named guards, one per event (plus where an approval lands). */
const APPROVAL_GUARDS = {
  canApprove: passes('APPROVE'),
  /** The approval closes the last open task: the step is approved. */
  approvalFinishesStep: ({ context, event }: TArgs, params: TPhaseParams) => applyApprovalEvent({ context, phase: params.phase, event }).phase === 'approved',
  canReject: passes('REJECT'),
  canReturn: passes('RETURN'),
  canResubmit: passes('RESUBMIT'),
  canWithdraw: passes('WITHDRAW'),
  canTransfer: passes('TRANSFER'),
  canAddSigner: passes('ADD_SIGNER'),
  canClaim: passes('CLAIM'),
  canUnclaim: passes('UNCLAIM'),
  canComment: passes('COMMENT'),
  canCc: passes('CC'),
  canUrge: passes('URGE'),
  reminderIsDue: passes('DEADLINE_REMINDER'),
  deadlineHasExpired: passes('DEADLINE_EXPIRED'),
};

type TEffectParams<T extends TApprovalEffect['type']> = Extract<TApprovalEffect, { type: T }>['params'];
/** The part of XState's `enqueue` an action uses: assign and named effects. */
interface TEnqueue {
  (effect: TApprovalEffect): void;
  assign(assignment: () => TApprovalContext): void;
}

type TGuardName = keyof typeof APPROVAL_GUARDS;

/**
 * The named action of one event: its reducer (apply-approval-action.ts) gives the next context and
 * phase; the action assigns the context and enqueues the effects of the change (approval-effects.ts),
 * which `transition()` hands to the host with their params.
 */
function reduce<T extends TApprovalEventType>(type: T, { context, event, enqueue }: TArgs & { enqueue: TEnqueue }, { phase }: TPhaseParams): void {
  if (event.type !== type) return;
  const after = applyApprovalEvent({ context, phase, event });
  enqueue.assign(() => after.context);
  for (const effect of approvalEffects({ context, phase }, after, event)) enqueue(effect);
}
/** `reduce` as a named action; its enqueue takes the effects (TApprovalEffect) as named actions with params. */
function reducing<T extends TApprovalEventType>(type: T) {
  return enqueueActions<TApprovalContext, TApprovalEvent, TPhaseParams, TApprovalEvent, never, TApprovalEffect, { type: TGuardName; params: TPhaseParams }>(
    (args, params) => reduce(type, args, params),
  );
}

/**
 * One approval step (审批环节). Pure: no invoke, no delays; context changes are `assign`s and every
 * effect is a named action without a body (`writeTaskRows`, `restartDeadlineClock`, the
 * resubmission task's open and close) that `transition()` returns with its params for the hosting
 * workflow to run (workflows/approval-step.ts). The host owns time (raises DEADLINE_* events).
 *
 * Each event has a named guard that runs its rule and a named action that runs its reducer, with
 * the phase it leaves from as params. The guards run what the Update validator runs
 * (`checkApprovalAction`), and the reducer also decides where an approval lands
 * (`approvalFinishesStep`); so "validator says ok" and "machine transitions" are the same statement.
 */
export const approvalMachine = setup({
  types: {
    context: {} as TApprovalContext,
    events: {} as TApprovalEvent,
    input: {} as TApprovalStepConfigInput,
  },
  guards: APPROVAL_GUARDS,
  actions: {
    recordApproval: reducing('APPROVE'),
    recordRejection: reducing('REJECT'),
    recordReturn: reducing('RETURN'),
    recordResubmission: reducing('RESUBMIT'),
    recordWithdrawal: reducing('WITHDRAW'),
    transferTask: reducing('TRANSFER'),
    addSigner: reducing('ADD_SIGNER'),
    claimTask: reducing('CLAIM'),
    unclaimTask: reducing('UNCLAIM'),
    recordComment: reducing('COMMENT'),
    copyIn: reducing('CC'),
    urgeSigners: reducing('URGE'),
    remindSigners: reducing('DEADLINE_REMINDER'),
    escalateTasks: reducing('DEADLINE_EXPIRED'),
    // Effects: no body here; the host runs them from `transition()`'s actions.
    restartDeadlineClock: (_, _params: TEffectParams<'restartDeadlineClock'>) => undefined,
    writeTaskRows: (_, _params: TEffectParams<'writeTaskRows'>) => undefined,
    openResubmitTask: (_, _params: TEffectParams<'openResubmitTask'>) => undefined,
    closeResubmitTask: (_, _params: TEffectParams<'closeResubmitTask'>) => undefined,
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
              { type: 'canApprove', params: { phase: 'pending' as const } },
              { type: 'approvalFinishesStep', params: { phase: 'pending' as const } },
            ]),
            target: 'approved',
            actions: { type: 'recordApproval', params: { phase: 'pending' } },
          },
          step('pending', 'canApprove', 'recordApproval'),
        ],
        REJECT: step('pending', 'canReject', 'recordRejection', 'rejected'),
        RETURN: step('pending', 'canReturn', 'recordReturn', 'returned'),
        WITHDRAW: step('pending', 'canWithdraw', 'recordWithdrawal', 'withdrawn'),
        TRANSFER: step('pending', 'canTransfer', 'transferTask'),
        ADD_SIGNER: step('pending', 'canAddSigner', 'addSigner'),
        CLAIM: step('pending', 'canClaim', 'claimTask'),
        UNCLAIM: step('pending', 'canUnclaim', 'unclaimTask'),
        COMMENT: step('pending', 'canComment', 'recordComment'),
        CC: step('pending', 'canCc', 'copyIn'),
        URGE: step('pending', 'canUrge', 'urgeSigners'),
        DEADLINE_REMINDER: step('pending', 'reminderIsDue', 'remindSigners', '.reminded'),
        DEADLINE_EXPIRED: step('pending', 'deadlineHasExpired', 'escalateTasks', '.escalated'),
      },
    },
    returned: {
      on: {
        RESUBMIT: step('returned', 'canResubmit', 'recordResubmission', 'pending'),
        WITHDRAW: step('returned', 'canWithdraw', 'recordWithdrawal', 'withdrawn'),
        COMMENT: step('returned', 'canComment', 'recordComment'),
        CC: step('returned', 'canCc', 'copyIn'),
      },
    },
    approved: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
  output: ({ context }) => ({ history: context.history }),
});

/** A transition from `phase`: the event's named guard and action, both told the phase; staying put without a target. */
function step<G extends string, A extends string>(phase: TApprovalPhase, guard: G, action: A, target?: string) {
  return { guard: { type: guard, params: { phase } }, ...(target === undefined ? {} : { target }), actions: { type: action, params: { phase } } } as const;
}

export type TApprovalMachine = typeof approvalMachine;
export type TApprovalSnapshot = SnapshotFrom<typeof approvalMachine>;

/** All leaf state ids, for coverage assertions and for the workflow's search attributes. */
export const APPROVAL_STATE_VALUES = ['pending.onTime', 'pending.reminded', 'pending.escalated', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
