import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  financeReviewedFlags,
  OVERSPEND_FLAG,
  PAYMENT_DECIDING_ROLES,
  PAYMENT_STATES,
  paymentMachine,
  paymentStepEvent,
  type TPaymentEvent,
  type TPaymentState,
} from '../../../src/domain/payment/payment-machine';

/** The payment pipeline (issue #13): every transition the machine allows, and every one it refuses. */
type TSnapshot = ReturnType<typeof initialTransition<typeof paymentMachine>>[0];

const start = () => initialTransition(paymentMachine)[0];
const step = (snap: TSnapshot, event: TPaymentEvent) => transition(paymentMachine, snap, event)[0];
const run = (...events: TPaymentEvent[]) => events.reduce(step, start());

const AGRI = 'COUNTY_AGRICULTURE';
const FIN = 'COUNTY_FINANCE';
const LEAD = 'COUNTY_LEADING_GROUP';
const verified: TPaymentEvent = { type: 'VERIFICATION_APPROVED', role: AGRI };
const screened = (flags: string[], leadingGroupReviewsOverspend = true): TPaymentEvent => ({ type: 'SCREENED', flags, leadingGroupReviewsOverspend });

/** A snapshot in each state, reached by the machine's own events (two for FLAGGED and CHANGE_APPROVAL). */
const IN: Record<string, () => TSnapshot> = {
  VERIFYING: () => start(),
  RISK_CHECK: () => run(verified),
  FLAGGED: () => run(verified, screened(['DUPLICATE_INVOICE'])),
  FLAGGED_WITH_OVERSPEND: () => run(verified, screened(['PAYEE_NOT_IMPLEMENTER', OVERSPEND_FLAG])),
  FLAGGED_OVERSPEND_BEFORE_RULE: () => run(verified, screened([OVERSPEND_FLAG], false)),
  CHANGE_APPROVAL: () => run(verified, screened([OVERSPEND_FLAG])),
  FINANCE_APPROVAL: () => run(verified, screened([])),
  APPROVED: () => run(verified, screened([]), { type: 'FINANCE_APPROVED', role: FIN }),
  PAID: () => run(verified, screened([]), { type: 'FINANCE_APPROVED', role: FIN }, { type: 'PAID' }),
  REJECTED: () => run({ type: 'VERIFICATION_REJECTED', role: AGRI }),
  WITHDRAWN: () => run({ type: 'WITHDRAWN' }),
};

const EVENTS: Record<string, TPaymentEvent> = {
  VERIFICATION_APPROVED: verified,
  VERIFICATION_REJECTED: { type: 'VERIFICATION_REJECTED', role: AGRI },
  WITHDRAWN: { type: 'WITHDRAWN' },
  SCREENED_CLEAN: screened([]),
  FLAGS_DISMISSED: { type: 'FLAGS_DISMISSED', role: FIN },
  FLAGS_CONFIRMED: { type: 'FLAGS_CONFIRMED', role: FIN },
  CHANGE_APPROVED: { type: 'CHANGE_APPROVED', role: LEAD },
  CHANGE_REJECTED: { type: 'CHANGE_REJECTED', role: LEAD },
  FINANCE_APPROVED: { type: 'FINANCE_APPROVED', role: FIN },
  FINANCE_REJECTED: { type: 'FINANCE_REJECTED', role: FIN },
  PAID: { type: 'PAID' },
};

/** Where each event leads from each state; absent: refused (the snapshot does not move). */
const ALLOWED: Record<string, Partial<Record<keyof typeof EVENTS, TPaymentState>>> = {
  VERIFYING: { VERIFICATION_APPROVED: 'RISK_CHECK', VERIFICATION_REJECTED: 'REJECTED', WITHDRAWN: 'WITHDRAWN' },
  RISK_CHECK: { SCREENED_CLEAN: 'FINANCE_APPROVAL' },
  FLAGGED: { FLAGS_DISMISSED: 'FINANCE_APPROVAL', FLAGS_CONFIRMED: 'REJECTED' },
  FLAGGED_WITH_OVERSPEND: { FLAGS_DISMISSED: 'CHANGE_APPROVAL', FLAGS_CONFIRMED: 'REJECTED' },
  FLAGGED_OVERSPEND_BEFORE_RULE: { FLAGS_DISMISSED: 'FINANCE_APPROVAL', FLAGS_CONFIRMED: 'REJECTED' },
  CHANGE_APPROVAL: { CHANGE_APPROVED: 'FINANCE_APPROVAL', CHANGE_REJECTED: 'REJECTED' },
  FINANCE_APPROVAL: { FINANCE_APPROVED: 'APPROVED', FINANCE_REJECTED: 'REJECTED' },
  APPROVED: { PAID: 'PAID' },
  PAID: {},
  REJECTED: {},
  WITHDRAWN: {},
};

describe('payment machine: every state × every event', () => {
  for (const [name, reach] of Object.entries(IN)) {
    for (const [eventName, event] of Object.entries(EVENTS)) {
      const target = ALLOWED[name]![eventName as keyof typeof EVENTS];
      it(`${name} + ${eventName} → ${target ?? 'refused'}`, () => {
        const before = reach();
        expect(before.can(event)).toBe(target !== undefined);
        const after = step(before, event);
        expect(after.value).toBe(target ?? before.value);
        if (!target) expect(after.context).toEqual(before.context);
      });
    }
  }
  it('reaches every state', () => {
    expect(new Set(Object.values(IN).map((reach) => reach().value))).toEqual(new Set(PAYMENT_STATES));
  });
});

describe('screening', () => {
  it.each([
    [[], true, 'FINANCE_APPROVAL'],
    [['DUPLICATE_INVOICE'], true, 'FLAGGED'],
    [[OVERSPEND_FLAG], true, 'CHANGE_APPROVAL'],
    [[OVERSPEND_FLAG], false, 'FLAGGED'],
    [['EXCEEDS_VERIFIED_PROGRESS', OVERSPEND_FLAG], true, 'FLAGGED'],
  ] as const)('flags %j (leading group reviews overspend: %s) → %s', (flags, leadingGroup, target) => {
    const after = run(verified, screened([...flags], leadingGroup));
    expect(after.value).toBe(target);
    expect(after.context.flags).toEqual(flags);
  });
  it('the finance bureau reviews every flag but an overspend that is the leading group’s', () => {
    expect(financeReviewedFlags(IN.FLAGGED_WITH_OVERSPEND!().context)).toEqual(['PAYEE_NOT_IMPLEMENTER']);
    expect(financeReviewedFlags(IN.FLAGGED_OVERSPEND_BEFORE_RULE!().context)).toEqual([OVERSPEND_FLAG]);
  });
  it('after the bureau dismisses the others, only the overspend flag stays open; the change approval clears it', () => {
    const change = step(IN.FLAGGED_WITH_OVERSPEND!(), EVENTS.FLAGS_DISMISSED!);
    expect(change.context.flags).toEqual([OVERSPEND_FLAG]);
    expect(step(change, EVENTS.CHANGE_APPROVED!).context.flags).toEqual([]);
    expect(step(IN.FLAGGED!(), EVENTS.FLAGS_CONFIRMED!).context.flags).toEqual([]);
  });
});

describe('a decision counts only from the role its state belongs to', () => {
  it.each([
    ['VERIFYING', { type: 'VERIFICATION_APPROVED', role: FIN }],
    ['FLAGGED', { type: 'FLAGS_DISMISSED', role: LEAD }],
    ['FLAGGED_WITH_OVERSPEND', { type: 'FLAGS_DISMISSED', role: AGRI }],
    // Overspend flags need the leading group: the finance bureau cannot approve the change.
    ['CHANGE_APPROVAL', { type: 'CHANGE_APPROVED', role: FIN }],
    ['CHANGE_APPROVAL', { type: 'CHANGE_REJECTED', role: FIN }],
    ['FINANCE_APPROVAL', { type: 'FINANCE_APPROVED', role: LEAD }],
  ] as const)('%s refuses %j', (state, event) => {
    const before = IN[state]!();
    expect(before.can(event)).toBe(false);
    expect(step(before, event).value).toBe(before.value);
  });
});

describe('step outcomes as events', () => {
  it.each([
    ['VERIFYING', 'approved', { type: 'VERIFICATION_APPROVED', role: AGRI }],
    ['VERIFYING', 'rejected', { type: 'VERIFICATION_REJECTED', role: AGRI }],
    ['VERIFYING', 'withdrawn', { type: 'WITHDRAWN' }],
    ['FLAGGED', 'approved', { type: 'FLAGS_DISMISSED', role: FIN }],
    ['FLAGGED', 'withdrawn', { type: 'FLAGS_CONFIRMED', role: FIN }],
    ['CHANGE_APPROVAL', 'approved', { type: 'CHANGE_APPROVED', role: LEAD }],
    ['CHANGE_APPROVAL', 'rejected', { type: 'CHANGE_REJECTED', role: LEAD }],
    ['FINANCE_APPROVAL', 'approved', { type: 'FINANCE_APPROVED', role: FIN }],
    ['FINANCE_APPROVAL', 'rejected', { type: 'FINANCE_REJECTED', role: FIN }],
  ] as const)('%s %s → %j', (state, outcome, event) => {
    expect(paymentStepEvent(state, outcome)).toEqual(event);
    expect(IN[state]!().can(paymentStepEvent(state, outcome))).toBe(true);
  });
  it('the overspend change is the leading group’s step', () => {
    expect(PAYMENT_DECIDING_ROLES.CHANGE_APPROVAL).toBe('COUNTY_LEADING_GROUP');
  });
});
