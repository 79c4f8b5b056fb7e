import { and, assign, setup } from 'xstate';
import type { TRiskFlagCode } from '../policies/risk-checks';
import type { TRole } from '../roles';

/**
 * One payment (拨付, domain.md §2.8): request → verification (主管部门) → risk screening (风险排查)
 * → [flags: the finance bureau dismisses or confirms them] → [overspend beyond the tolerance
 * (批小建大): the county leading group's 项目变更 approval, a new 批复] → finance approval → paid;
 * or rejected, or withdrawn by the applicant during verification.
 *
 * Pure: `workflows/project-operation.ts` (runPayment) hosts it, one snapshot per payment, and turns
 * each step's outcome into an event; it records a status only when the machine moved to it, and
 * runs the step or activity the new state asks for. Each decision names the role whose step
 * decided it, and the machine accepts it only from the role that state belongs to
 * (PAYMENT_DECIDING_ROLES): the finance bureau cannot clear an overspend flag.
 */
export const PAYMENT_STATES = [
  'VERIFYING',
  'RISK_CHECK',
  'FLAGGED',
  'CHANGE_APPROVAL',
  'FINANCE_APPROVAL',
  'APPROVED',
  'PAID',
  'REJECTED',
  'WITHDRAWN',
] as const;
export type TPaymentState = (typeof PAYMENT_STATES)[number];
export const FINAL_PAYMENT_STATES: readonly TPaymentState[] = ['PAID', 'REJECTED', 'WITHDRAWN'];

export const OVERSPEND_FLAG = 'OVERSPEND_NEEDS_NEW_APPROVAL' satisfies TRiskFlagCode;

/** Who decides the approval step of each deciding state (the step's candidate role at the county). */
export const PAYMENT_DECIDING_ROLES = {
  VERIFYING: 'COUNTY_AGRICULTURE',
  FLAGGED: 'COUNTY_FINANCE',
  CHANGE_APPROVAL: 'COUNTY_LEADING_GROUP',
  FINANCE_APPROVAL: 'COUNTY_FINANCE',
} as const satisfies Partial<Record<TPaymentState, TRole>>;

export type TPaymentEvent =
  | { type: 'VERIFICATION_APPROVED'; role: TRole }
  | { type: 'VERIFICATION_REJECTED'; role: TRole }
  /** The applicant withdrew the request while it was being verified. */
  | { type: 'WITHDRAWN' }
  /**
   * Risk screening's result. `leadingGroupReviewsOverspend`: the rule of issue #13 item 10 is in
   * force for this payment (patch `payment-overspend-leading-group`); without it an overspend flag
   * is the finance bureau's like any other, as the payments flagged before the rule recorded.
   */
  | { type: 'SCREENED'; flags: readonly string[]; leadingGroupReviewsOverspend: boolean }
  | { type: 'FLAGS_DISMISSED'; role: TRole }
  | { type: 'FLAGS_CONFIRMED'; role: TRole }
  | { type: 'CHANGE_APPROVED'; role: TRole }
  | { type: 'CHANGE_REJECTED'; role: TRole }
  | { type: 'FINANCE_APPROVED'; role: TRole }
  | { type: 'FINANCE_REJECTED'; role: TRole }
  | { type: 'PAID' };

export interface TPaymentContext {
  /** The open risk flags (codes), as the monitor sees them. */
  flags: string[];
  leadingGroupReviewsOverspend: boolean;
}

const needsLeadingGroup = (flags: readonly string[], leadingGroup: boolean) => leadingGroup && flags.includes(OVERSPEND_FLAG);

/** The flags the finance bureau reviews in FLAGGED: all of them, but the overspend when it is the leading group's. */
export const financeReviewedFlags = (context: TPaymentContext) =>
  context.leadingGroupReviewsOverspend ? context.flags.filter((c) => c !== OVERSPEND_FLAG) : context.flags;

export const paymentMachine = setup({
  types: {
    context: {} as TPaymentContext,
    events: {} as TPaymentEvent,
  },
  guards: {
    /** A decision counts only from the role its state belongs to (PAYMENT_DECIDING_ROLES). */
    decidedBy: ({ event }, params: { role: TRole }) => 'role' in event && event.role === params.role,
    clean: ({ event }) => event.type === 'SCREENED' && event.flags.length === 0,
    /** Overspend flags need the leading group: with no other flag, straight to its 项目变更 approval. */
    onlyOverspendForLeadingGroup: ({ event }) =>
      event.type === 'SCREENED' && needsLeadingGroup(event.flags, event.leadingGroupReviewsOverspend) && event.flags.every((c) => c === OVERSPEND_FLAG),
    /** The finance bureau dismissed the other flags; an overspend flag is still the leading group's to clear. */
    overspendLeftForLeadingGroup: ({ context }) => needsLeadingGroup(context.flags, context.leadingGroupReviewsOverspend),
  },
  actions: {
    raiseFlags: assign(({ event }) =>
      event.type === 'SCREENED' ? { flags: [...event.flags], leadingGroupReviewsOverspend: event.leadingGroupReviewsOverspend } : {},
    ),
    onlyOverspendOpen: assign({ flags: () => [OVERSPEND_FLAG] }),
    clearFlags: assign({ flags: () => [] }),
  },
}).createMachine({
  id: 'payment',
  context: { flags: [], leadingGroupReviewsOverspend: false },
  initial: 'VERIFYING',
  states: {
    VERIFYING: {
      on: {
        VERIFICATION_APPROVED: { target: 'RISK_CHECK', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.VERIFYING } } },
        VERIFICATION_REJECTED: { target: 'REJECTED', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.VERIFYING } } },
        WITHDRAWN: { target: 'WITHDRAWN' },
      },
    },
    RISK_CHECK: {
      on: {
        SCREENED: [
          { target: 'FINANCE_APPROVAL', guard: 'clean' },
          { target: 'CHANGE_APPROVAL', guard: 'onlyOverspendForLeadingGroup', actions: 'raiseFlags' },
          { target: 'FLAGGED', actions: 'raiseFlags' },
        ],
      },
    },
    FLAGGED: {
      on: {
        FLAGS_DISMISSED: [
          {
            target: 'CHANGE_APPROVAL',
            guard: and([{ type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.FLAGGED } }, 'overspendLeftForLeadingGroup']),
            actions: 'onlyOverspendOpen',
          },
          { target: 'FINANCE_APPROVAL', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.FLAGGED } }, actions: 'clearFlags' },
        ],
        FLAGS_CONFIRMED: { target: 'REJECTED', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.FLAGGED } }, actions: 'clearFlags' },
      },
    },
    CHANGE_APPROVAL: {
      on: {
        CHANGE_APPROVED: {
          target: 'FINANCE_APPROVAL',
          guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.CHANGE_APPROVAL } },
          actions: 'clearFlags',
        },
        CHANGE_REJECTED: { target: 'REJECTED', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.CHANGE_APPROVAL } }, actions: 'clearFlags' },
      },
    },
    FINANCE_APPROVAL: {
      on: {
        FINANCE_APPROVED: { target: 'APPROVED', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.FINANCE_APPROVAL } } },
        FINANCE_REJECTED: { target: 'REJECTED', guard: { type: 'decidedBy', params: { role: PAYMENT_DECIDING_ROLES.FINANCE_APPROVAL } } },
      },
    },
    APPROVED: { on: { PAID: { target: 'PAID' } } },
    PAID: { type: 'final' },
    REJECTED: { type: 'final' },
    WITHDRAWN: { type: 'final' },
  },
});

export type TDecidingPaymentState = keyof typeof PAYMENT_DECIDING_ROLES;

/**
 * The event an approval step's outcome is, for the state whose step it was (decided by that
 * state's role). A withdrawal counts only in verification, the one step that allows it; any other
 * outcome than approval refuses the payment, as it always did.
 */
export function paymentStepEvent(state: TDecidingPaymentState, outcome: 'approved' | 'rejected' | 'withdrawn'): TPaymentEvent {
  const role = PAYMENT_DECIDING_ROLES[state];
  const approved = outcome === 'approved';
  switch (state) {
    case 'VERIFYING':
      return approved ? { type: 'VERIFICATION_APPROVED', role } : outcome === 'withdrawn' ? { type: 'WITHDRAWN' } : { type: 'VERIFICATION_REJECTED', role };
    case 'FLAGGED':
      return { type: approved ? 'FLAGS_DISMISSED' : 'FLAGS_CONFIRMED', role };
    case 'CHANGE_APPROVAL':
      return { type: approved ? 'CHANGE_APPROVED' : 'CHANGE_REJECTED', role };
    case 'FINANCE_APPROVAL':
      return { type: approved ? 'FINANCE_APPROVED' : 'FINANCE_REJECTED', role };
  }
}
