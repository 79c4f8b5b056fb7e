import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { computeTrancheAmounts, planDisbursement, type TDisbursementInput } from '../../../src/domain/policies/disbursement-schedule';
import { DEFAULT_COUNTY_SETTINGS } from '../../../src/domain/policies/settings';

const schedule = DEFAULT_COUNTY_SETTINGS.disbursement; // 40/50/10, 5% retention, 80%, 12 months

/** A project just approved: nothing done, nothing paid. */
function facts(overrides: Partial<TDisbursementInput> = {}): TDisbursementInput {
  return {
    approvedBudgetFen: 1_000_000,
    schedule,
    verifiedProgressPercent: 0,
    ownCapitalRequiredFen: 200_000,
    ownCapitalInvestedFen: 0,
    acceptancePassed: false,
    handoverDate: null,
    openDefects: 0,
    asOfDate: '2025-03-01',
    paidFenByTranche: {},
    ...overrides,
  };
}

const byTranche = (plan: ReturnType<typeof planDisbursement>) => Object.fromEntries(plan.tranches.map((t) => [t.tranche, t]));
const codes = (plan: ReturnType<typeof planDisbursement>, tranche: string) => byTranche(plan)[tranche].blocks.map((b) => b.code);

describe('computeTrancheAmounts', () => {
  it('1,000,000 fen at 40/50/10 with 5% retention', () => {
    expect(computeTrancheAmounts({ approvedBudgetFen: 1_000_000, schedule })).toEqual({
      START: 400_000,
      SUBSTANTIAL_COMPLETION: 500_000,
      ACCEPTANCE: 50_000,
      RETENTION: 50_000,
    });
  });

  it('odd fen: floors each share, remainder to the acceptance tranche, sums exactly', () => {
    const amounts = computeTrancheAmounts({ approvedBudgetFen: 1_000_001, schedule });
    expect(amounts).toEqual({ START: 400_000, SUBSTANTIAL_COMPLETION: 500_000, ACCEPTANCE: 50_001, RETENTION: 50_000 });
    const odd = computeTrancheAmounts({ approvedBudgetFen: 999_999_999, schedule });
    expect(odd).toEqual({
      START: 399_999_999,
      SUBSTANTIAL_COMPLETION: 499_999_999,
      ACCEPTANCE: 50_000_002,
      RETENTION: 49_999_999,
    });
    expect(Object.values(odd).reduce((a, b) => a + b, 0)).toBe(999_999_999);
  });

  it('full 10% retention leaves nothing for acceptance', () => {
    const amounts = computeTrancheAmounts({ approvedBudgetFen: 1_000_000, schedule: { ...schedule, retentionBp: 1000 } });
    expect(amounts.ACCEPTANCE).toBe(0);
    expect(amounts.RETENTION).toBe(100_000);
  });

  it('refuses an inconsistent schedule with the field path', () => {
    try {
      computeTrancheAmounts({ approvedBudgetFen: 1, schedule: { ...schedule, startShareBp: 6000 } });
      throw new Error('expected failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details.map((d) => d.path)).toEqual(['substantialCompletionShareBp']);
    }
  });
});

describe('planDisbursement', () => {
  it('at start with no own capital: START blocked by OWN_CAPITAL_SHORT (40% of 200,000 required)', () => {
    const plan = planDisbursement(facts());
    expect(plan.releasable).toEqual([]);
    expect(plan.totalReleasableFen).toBe(0);
    expect(byTranche(plan).START.blocks).toEqual([
      {
        code: 'OWN_CAPITAL_SHORT',
        message: expect.any(String),
        requiredFen: 80_000,
        investedFen: 0,
        shortfallFen: 80_000,
      },
    ]);
    expect(codes(plan, 'SUBSTANTIAL_COMPLETION')).toEqual(['PROGRESS_BELOW_THRESHOLD', 'OWN_CAPITAL_SHORT']);
    expect(codes(plan, 'ACCEPTANCE')).toEqual(['ACCEPTANCE_NOT_PASSED', 'OWN_CAPITAL_SHORT']);
    expect(codes(plan, 'RETENTION')).toEqual(['ACCEPTANCE_NOT_PASSED', 'NOT_HANDED_OVER', 'OWN_CAPITAL_SHORT']);
    expect(plan.retentionReleasableOn).toBeNull();
  });

  it('at start with proportional own capital: START releasable, 400,000 fen', () => {
    const plan = planDisbursement(facts({ ownCapitalInvestedFen: 80_000 }));
    expect(plan.releasable.map((t) => [t.tranche, t.releasableFen])).toEqual([['START', 400_000]]);
    expect(plan.totalReleasableFen).toBe(400_000);
  });

  it('own capital requirement rounds up: 1 fen short is short', () => {
    // 40% of 200,001 = 80,000.4 → 80,001 required.
    const plan = planDisbursement(facts({ ownCapitalRequiredFen: 200_001, ownCapitalInvestedFen: 80_000 }));
    expect(byTranche(plan).START.blocks).toMatchObject([{ code: 'OWN_CAPITAL_SHORT', requiredFen: 80_001, shortfallFen: 1 }]);
  });

  it('79% progress blocks tranche 2; 80% releases it once 90% of own capital is in', () => {
    const at79 = planDisbursement(facts({ verifiedProgressPercent: 79, ownCapitalInvestedFen: 180_000, paidFenByTranche: { START: 400_000 } }));
    expect(byTranche(at79).SUBSTANTIAL_COMPLETION.blocks).toEqual([
      { code: 'PROGRESS_BELOW_THRESHOLD', message: expect.any(String), requiredPercent: 80, verifiedPercent: 79 },
    ]);
    expect(codes(at79, 'START')).toEqual(['ALREADY_PAID']);

    const at80short = planDisbursement(facts({ verifiedProgressPercent: 80, ownCapitalInvestedFen: 179_999, paidFenByTranche: { START: 400_000 } }));
    expect(byTranche(at80short).SUBSTANTIAL_COMPLETION.blocks).toMatchObject([
      { code: 'OWN_CAPITAL_SHORT', requiredFen: 180_000, investedFen: 179_999, shortfallFen: 1 },
    ]);

    const at80 = planDisbursement(facts({ verifiedProgressPercent: 80, ownCapitalInvestedFen: 180_000, paidFenByTranche: { START: 400_000 } }));
    expect(at80.releasable.map((t) => [t.tranche, t.releasableFen])).toEqual([['SUBSTANTIAL_COMPLETION', 500_000]]);
  });

  it('tranches are independent: an undrawn START is releasable alongside tranche 2', () => {
    const plan = planDisbursement(facts({ verifiedProgressPercent: 85, ownCapitalInvestedFen: 200_000 }));
    expect(plan.releasable.map((t) => t.tranche)).toEqual(['START', 'SUBSTANTIAL_COMPLETION']);
    expect(plan.totalReleasableFen).toBe(900_000);
  });

  it('a partly paid tranche releases only the outstanding part', () => {
    const plan = planDisbursement(facts({ ownCapitalInvestedFen: 80_000, paidFenByTranche: { START: 150_000 } }));
    expect(byTranche(plan).START).toMatchObject({ amountFen: 400_000, paidFen: 150_000, outstandingFen: 250_000, releasableFen: 250_000 });
  });

  it('after acceptance: the acceptance tranche minus retention; retention held', () => {
    const plan = planDisbursement(
      facts({
        verifiedProgressPercent: 100,
        ownCapitalInvestedFen: 200_000,
        acceptancePassed: true,
        paidFenByTranche: { START: 400_000, SUBSTANTIAL_COMPLETION: 500_000 },
      }),
    );
    expect(plan.releasable.map((t) => [t.tranche, t.releasableFen])).toEqual([['ACCEPTANCE', 50_000]]);
    expect(codes(plan, 'RETENTION')).toEqual(['NOT_HANDED_OVER']);
  });

  it('acceptance tranche needs all own capital', () => {
    const plan = planDisbursement(facts({ verifiedProgressPercent: 100, ownCapitalInvestedFen: 199_999, acceptancePassed: true }));
    expect(byTranche(plan).ACCEPTANCE.blocks).toMatchObject([{ code: 'OWN_CAPITAL_SHORT', requiredFen: 200_000, shortfallFen: 1 }]);
  });

  const afterHandover = (asOfDate: string, openDefects = 0) =>
    planDisbursement(
      facts({
        verifiedProgressPercent: 100,
        ownCapitalInvestedFen: 200_000,
        acceptancePassed: true,
        handoverDate: '2025-06-30',
        asOfDate,
        openDefects,
        paidFenByTranche: { START: 400_000, SUBSTANTIAL_COMPLETION: 500_000, ACCEPTANCE: 50_000 },
      }),
    );

  it('retention is held until one year after handover', () => {
    const plan = afterHandover('2026-06-29');
    expect(plan.retentionReleasableOn).toBe('2026-06-30');
    expect(byTranche(plan).RETENTION.blocks).toEqual([{ code: 'RETENTION_HOLD_NOT_ELAPSED', message: expect.any(String), releasableOn: '2026-06-30' }]);
    expect(plan.totalReleasableFen).toBe(0);
  });

  it('retention is released on the anniversary when no defect was reported', () => {
    const plan = afterHandover('2026-06-30');
    expect(plan.releasable.map((t) => [t.tranche, t.releasableFen])).toEqual([['RETENTION', 50_000]]);
  });

  it('an open defect blocks retention even after the year', () => {
    expect(codes(afterHandover('2027-01-01', 1), 'RETENTION')).toEqual(['DEFECTS_OPEN']);
    expect(byTranche(afterHandover('2027-01-01', 1)).RETENTION.blocks).toMatchObject([{ code: 'DEFECTS_OPEN', openDefects: 1 }]);
    expect(codes(afterHandover('2026-01-01', 2), 'RETENTION')).toEqual(['RETENTION_HOLD_NOT_ELAPSED', 'DEFECTS_OPEN']);
  });

  it('a reported defect withheld the retention for ever: once its repair is verified (no open defect) the retention is releasable', () => {
    expect(afterHandover('2027-01-01', 0).releasable.map((t) => [t.tranche, t.releasableFen])).toEqual([['RETENTION', 50_000]]);
  });

  it('handover on 29 February: retention due on 28 February next year', () => {
    const plan = planDisbursement(facts({ handoverDate: '2024-02-29' }));
    expect(plan.retentionReleasableOn).toBe('2025-02-28');
  });

  it('everything paid: ALREADY_PAID on every tranche', () => {
    const plan = planDisbursement(
      facts({
        verifiedProgressPercent: 100,
        ownCapitalInvestedFen: 200_000,
        acceptancePassed: true,
        handoverDate: '2024-01-01',
        paidFenByTranche: { START: 400_000, SUBSTANTIAL_COMPLETION: 500_000, ACCEPTANCE: 50_000, RETENTION: 50_000 },
      }),
    );
    expect(plan.tranches.map((t) => t.blocks.map((b) => b.code))).toEqual([['ALREADY_PAID'], ['ALREADY_PAID'], ['ALREADY_PAID'], ['ALREADY_PAID']]);
  });

  it('a zero tranche is NOTHING_DUE, not releasable', () => {
    const plan = planDisbursement(
      facts({ schedule: { ...schedule, retentionBp: 0 }, acceptancePassed: true, ownCapitalInvestedFen: 200_000, handoverDate: '2024-01-01' }),
    );
    expect(codes(plan, 'RETENTION')).toEqual(['NOTHING_DUE']);
    expect(byTranche(plan).ACCEPTANCE.amountFen).toBe(100_000);
  });

  it('ownCapitalMatching NONE skips the capital checks', () => {
    const plan = planDisbursement(facts({ schedule: { ...schedule, ownCapitalMatching: 'NONE' } }));
    expect(plan.releasable.map((t) => t.tranche)).toEqual(['START']);
  });

  it('uses a county progress threshold', () => {
    const plan = planDisbursement(
      facts({ schedule: { ...schedule, substantialCompletionProgressPercent: 60 }, verifiedProgressPercent: 60, ownCapitalInvestedFen: 200_000 }),
    );
    expect(plan.releasable.map((t) => t.tranche)).toEqual(['START', 'SUBSTANTIAL_COMPLETION']);
  });

  it('refuses invalid input with paths', () => {
    try {
      planDisbursement(facts({ verifiedProgressPercent: 101, approvedBudgetFen: 1.5, asOfDate: '2025-13-01' }));
      throw new Error('expected failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details.map((d) => d.path).sort()).toEqual(['approvedBudgetFen', 'asOfDate', 'verifiedProgressPercent']);
    }
  });
});
