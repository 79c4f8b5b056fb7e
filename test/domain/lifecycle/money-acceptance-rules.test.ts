import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { approvalMachine, checkApprovalAction, type TRecordedChecks } from '../../../src/domain/approval';
import { decideAcceptanceVote } from '../../../src/domain/lifecycle/acceptance-vote';
import { allocationBySource, allocationRefusal, paymentSource } from '../../../src/domain/lifecycle/fiscal-funding';
import { lifecycleMachine } from '../../../src/domain/lifecycle/lifecycle-machine';
import { reviewStep } from '../../../src/domain/lifecycle/township-review';
import { paymentRequestRefusal, planDisbursement } from '../../../src/domain/policies/disbursement-schedule';
import { outcomeOverrideRefusal } from '../../../src/domain/policies/evaluation-scoring';
import { DEFAULT_COUNTY_SETTINGS, resolveSettingsOrThrow } from '../../../src/domain/policies/settings';

/** Issue #13's rules as pure policies: what the workflow's validators and the machines' guards call. */
const SOURCES = [
  { source: 'CENTRAL_LINKAGE' as const, amountFen: 30_000_000 },
  { source: 'LOCAL' as const, amountFen: 10_000_000 },
  { source: 'OWN_CAPITAL' as const, amountFen: 10_000_000 },
  { source: 'BANK_LOAN' as const, amountFen: 5_000_000 },
];

describe('payments are capped at what the tranche may release now', () => {
  const accepted = planDisbursement({
    approvedBudgetFen: 40_000_000,
    schedule: DEFAULT_COUNTY_SETTINGS.disbursement,
    verifiedProgressPercent: 100,
    ownCapitalRequiredFen: 0,
    ownCapitalInvestedFen: 0,
    acceptancePassed: true,
    handoverDate: null,
    openDefects: 0,
    asOfDate: '2028-01-10',
  });
  it('an ACCEPTANCE request that carries the retention is refused on body.command.amountFen', () => {
    expect(paymentRequestRefusal({ plan: accepted, tranche: 'ACCEPTANCE', amountFen: 4_000_000 })).toMatchObject({
      code: 'AMOUNT_EXCEEDS_RELEASABLE',
      field: 'body.command.amountFen',
    });
    expect(paymentRequestRefusal({ plan: accepted, tranche: 'ACCEPTANCE', amountFen: 2_000_000 })).toBeNull();
    expect(paymentRequestRefusal({ plan: accepted, tranche: 'RETENTION', amountFen: 1 })).toMatchObject({
      code: 'TRANCHE_NOT_RELEASABLE',
      field: 'body.command.tranche',
    });
  });
});

describe('fiscal allocation and the source of each payment', () => {
  it('the allocation is capped by the fiscal sources (not own capital, not a bank loan)', () => {
    expect(allocationRefusal({ amountFen: 40_000_001, fundingSources: SOURCES })).toMatchObject({ code: 'FISCAL_SOURCES_EXCEEDED', field: 'body.amountFen' });
    expect(allocationRefusal({ amountFen: 40_000_000, fundingSources: SOURCES })).toBeNull();
  });
  it('the lifecycle machine refuses an allocation beyond the fiscal cap', () => {
    const [s0] = initialTransition(lifecycleMachine, { projectId: 'p', proposerId: 'v', budgetFen: 50_000_000, fiscalCapFen: 40_000_000 });
    const inPool = lifecycleMachine.resolveState({ value: 'IN_POOL', context: s0.context });
    expect(inPool.can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 45_000_000 })).toBe(false);
    expect(transition(lifecycleMachine, inPool, { type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 40_000_000 })[0].value).toBe('IMPLEMENTATION');
  });
  it('central 衔接资金 is allocated first, and a payment comes from one source with enough left', () => {
    expect(allocationBySource({ allocatedFen: 35_000_000, fundingSources: SOURCES })).toEqual({ CENTRAL_LINKAGE: 30_000_000, LOCAL: 5_000_000, OTHER: 0 });
    const args = { allocatedFen: 40_000_000, fundingSources: SOURCES };
    expect(paymentSource({ ...args, amountFen: 16_000_000, usedFen: {} })).toEqual({ source: 'CENTRAL_LINKAGE' });
    expect(paymentSource({ ...args, amountFen: 16_000_000, usedFen: { CENTRAL_LINKAGE: 16_000_000 } })).toMatchObject({
      refusal: { code: 'FISCAL_SOURCE_EXHAUSTED', field: 'body.command.amountFen' },
    });
    expect(paymentSource({ ...args, amountFen: 8_000_000, usedFen: { CENTRAL_LINKAGE: 25_000_000 } })).toEqual({ source: 'LOCAL' });
    expect(paymentSource({ ...args, amountFen: 11_000_000, requested: 'LOCAL', usedFen: {} })).toMatchObject({
      refusal: { field: 'body.command.fiscalSource' },
    });
  });
});

describe("the villagers' vote decides the inspection", () => {
  const vote = { representatives: 45, votesFor: 38, votesAgainst: 2, abstentions: 1, satisfactionPercent: 95 };
  it('a majority in favour with a quorum and satisfaction at the line passes; against, short of quorum or below the line fails', () => {
    expect(decideAcceptanceVote({ vote, settings: DEFAULT_COUNTY_SETTINGS }).passed).toBe(true);
    expect(decideAcceptanceVote({ vote: { ...vote, votesFor: 10, votesAgainst: 30 }, settings: DEFAULT_COUNTY_SETTINGS }).passed).toBe(false);
    expect(decideAcceptanceVote({ vote: { ...vote, representatives: 90 }, settings: DEFAULT_COUNTY_SETTINGS })).toMatchObject({
      passed: false,
      quorumMet: false,
    });
    expect(decideAcceptanceVote({ vote: { ...vote, satisfactionPercent: 89 }, settings: DEFAULT_COUNTY_SETTINGS })).toMatchObject({
      passed: false,
      satisfied: false,
    });
    expect(
      decideAcceptanceVote({ vote: { ...vote, satisfactionPercent: 85 }, settings: resolveSettingsOrThrow({ acceptance: { minSatisfactionPercent: 80 } }) })
        .passed,
    ).toBe(true);
  });
});

describe("the township's five checks in the step's guard", () => {
  const step = reviewStep('TOWNSHIP_REVIEW', {
    proposerId: 'ann',
    township: { id: 'T1', path: '/C/T1/' },
    village: { id: 'V1', path: '/C/T1/V1/' },
    requireChecks: true,
  });
  const [snapshot] = initialTransition(approvalMachine, step.config);
  const tom = { userId: 'tom', roles: [{ role: 'TOWNSHIP_REVIEWER' as const, orgUnitId: 'T1' }] };
  const pass = { result: 'PASS' as const };
  const all = { authenticity: pass, necessity: pass, soundness: pass, completeness: pass, feasibility: pass };
  const approve = (checks?: TRecordedChecks) => ({ type: 'APPROVE' as const, actor: tom, requestId: 'r1', at: 1, ...(checks ? { checks } : {}) });
  it('an approval without them, or with one failed, is refused and changes nothing; with all five passed it approves', () => {
    expect(checkApprovalAction({ snapshot, event: approve() })).toMatchObject({
      status: 'refused',
      refusal: { code: 'CHECKS_REQUIRED', field: 'body.checks.authenticity' },
    });
    expect(checkApprovalAction({ snapshot, event: approve({ ...all, soundness: { result: 'FAIL' } }) })).toMatchObject({
      refusal: { code: 'CHECKS_REQUIRED', field: 'body.checks.soundness.result' },
    });
    expect(transition(approvalMachine, snapshot, approve())[0].value).toEqual(snapshot.value);
    expect(transition(approvalMachine, snapshot, approve(all))[0].value).toBe('approved');
  });
  it('a step started before the rule (no requiredChecks) approves without them', () => {
    const [old] = initialTransition(
      approvalMachine,
      reviewStep('TOWNSHIP_REVIEW', { proposerId: 'ann', township: { id: 'T1', path: '/C/T1/' }, village: { id: 'V1', path: '/C/T1/V1/' } }).config,
    );
    expect(transition(approvalMachine, old, approve())[0].value).toBe('approved');
  });
});

describe('an outcome override needs a reason', () => {
  it('another class than the suggestion without a reason is refused on body.command.outcomeReason', () => {
    expect(outcomeOverrideRefusal({ suggested: 'CONSOLIDATE', chosen: 'UPGRADE' })).toMatchObject({
      code: 'REASON_REQUIRED',
      field: 'body.command.outcomeReason',
    });
    expect(outcomeOverrideRefusal({ suggested: 'CONSOLIDATE', chosen: 'UPGRADE', reason: '   ' })).not.toBeNull();
    expect(outcomeOverrideRefusal({ suggested: 'CONSOLIDATE', chosen: 'UPGRADE', reason: '订单已签' })).toBeNull();
    expect(outcomeOverrideRefusal({ suggested: 'CONSOLIDATE', chosen: 'CONSOLIDATE' })).toBeNull();
  });
});
