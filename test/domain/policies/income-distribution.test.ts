import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { distributeIncome, type TIncomeDistributionInput } from '../../../src/domain/policies/income-distribution';

// 2025 is not a leap year: 365 days from 2025-01-01 to 2026-01-01.
const year2025 = { from: '2025-01-01', until: '2026-01-01' };

function input(overrides: Partial<TIncomeDistributionInput> = {}): TIncomeDistributionInput {
  return {
    incomeFen: 8_000_000,
    investedPrincipalFen: 100_000_000,
    period: year2025,
    households: [{ householdId: 'h1' }, { householdId: 'h2' }, { householdId: 'h3' }],
    minDividendRateBp: 800,
    ...overrides,
  };
}

const amounts = (result: ReturnType<typeof distributeIncome>) => Object.fromEntries(result.allocations.map((a) => [a.householdId, a.amountFen]));
const total = (result: ReturnType<typeof distributeIncome>) => result.retainedFen + result.allocations.reduce((sum, a) => sum + a.amountFen, 0);

describe('distributeIncome', () => {
  it('equal households split evenly; odd fen go by household id; sums exactly', () => {
    const result = distributeIncome(input({ incomeFen: 100 }));
    expect(amounts(result)).toEqual({ h1: 34, h2: 33, h3: 33 });
    expect(total(result)).toBe(100);
    expect(result.retainedFen).toBe(0);
    expect(result.distributedFen).toBe(100);
  });

  it('is independent of the order households are listed in', () => {
    const a = distributeIncome(input({ incomeFen: 1_000_001 }));
    const b = distributeIncome(input({ incomeFen: 1_000_001, households: [{ householdId: 'h3' }, { householdId: 'h1' }, { householdId: 'h2' }] }));
    expect(amounts(a)).toEqual(amounts(b));
    expect(amounts(a)).toEqual({ h1: 333_334, h2: 333_334, h3: 333_333 });
  });

  it('keeps the collective share (floored) and splits the rest', () => {
    // 30% of 1,000,001 = 300,000.3 → 300,000 retained; 700,001 to households.
    const result = distributeIncome(input({ incomeFen: 1_000_001, plan: { retainedBp: 3000 } }));
    expect(result.retainedFen).toBe(300_000);
    expect(result.distributedFen).toBe(700_001);
    expect(amounts(result)).toEqual({ h1: 233_334, h2: 233_334, h3: 233_333 });
    expect(total(result)).toBe(1_000_001);
  });

  it('weights monitored households by the days they are monitored', () => {
    const result = distributeIncome(
      input({
        incomeFen: 1_000_003,
        plan: { monitoredWeight: 2, regularWeight: 1 },
        households: [
          { householdId: 'h1', monitoring: [{ from: '2024-06-01' }] }, // all 365 days monitored
          { householdId: 'h2', monitoring: [{ from: '2025-07-02' }] }, // 183 days monitored
          { householdId: 'h3' },
        ],
      }),
    );
    const byId = Object.fromEntries(result.allocations.map((a) => [a.householdId, a]));
    expect(byId.h1).toMatchObject({ linkedDays: 365, monitoredDays: 365, units: 730 });
    expect(byId.h2).toMatchObject({ linkedDays: 365, monitoredDays: 183, units: 548 });
    expect(byId.h3).toMatchObject({ linkedDays: 365, monitoredDays: 0, units: 365 });
    // 1,000,003 × 730/1643 = 444,310.52, × 548/1643 = 333,537.21, × 365/1643 = 222,155.26:
    // floors sum to 1,000,002; the leftover fen goes to the largest remainder (h1).
    expect(amounts(result)).toEqual({ h1: 444_311, h2: 333_537, h3: 222_155 });
    expect(total(result)).toBe(1_000_003);
  });

  it('counts only the days a household was linked; a household that left before the period gets nothing', () => {
    const result = distributeIncome(
      input({
        incomeFen: 999,
        households: [
          { householdId: 'h1' },
          { householdId: 'h2', linked: { from: '2025-07-02' } }, // 183 days
          { householdId: 'h3', linked: { from: '2020-01-01', until: '2024-12-31' } }, // left before
          { householdId: 'h4', shares: 2, linked: { from: '2024-01-01', until: '2025-01-11' } }, // 10 days × 2
        ],
      }),
    );
    const byId = Object.fromEntries(result.allocations.map((a) => [a.householdId, a]));
    expect(byId.h3).toMatchObject({ linkedDays: 0, units: 0, amountFen: 0 });
    expect(byId.h4).toMatchObject({ linkedDays: 10, units: 20 });
    // units 365 / 183 / 0 / 20 of 568: 641.98…, 321.86…, 0, 35.17… → 641+321+35 = 997, +1 to h1 (.98), +1 to h2 (.86)
    expect(amounts(result)).toEqual({ h1: 642, h2: 322, h3: 0, h4: 35 });
    expect(total(result)).toBe(999);
  });

  it('monitored-only plans pay monitored days only; overlapping monitoring spells count once', () => {
    const result = distributeIncome(
      input({
        incomeFen: 10_001,
        plan: { regularWeight: 0, monitoredWeight: 1 },
        households: [
          {
            householdId: 'h1',
            monitoring: [
              { from: '2025-01-01', until: '2025-03-01' },
              { from: '2025-02-01', until: '2025-04-01' },
            ],
          }, // Jan–Mar = 90 days
          { householdId: 'h2', monitoring: [{ from: '2025-10-03', until: '2026-05-01' }] }, // 90 days in period
          { householdId: 'h3' },
        ],
      }),
    );
    const byId = Object.fromEntries(result.allocations.map((a) => [a.householdId, a]));
    expect(byId.h1.monitoredDays).toBe(90);
    expect(byId.h2.monitoredDays).toBe(90);
    expect(amounts(result)).toEqual({ h1: 5001, h2: 5000, h3: 0 });
  });

  it('with nobody eligible, the income stays with the collective', () => {
    const result = distributeIncome(input({ incomeFen: 5000, plan: { regularWeight: 0, monitoredWeight: 1 } }));
    expect(result.noEligibleHouseholds).toBe(true);
    expect(result.retainedFen).toBe(5000);
    expect(result.distributedFen).toBe(0);
    expect(total(result)).toBe(5000);
  });

  describe('dividend rate', () => {
    it('8,000,000 on 100,000,000 principal is exactly 8%: meets the minimum', () => {
      const result = distributeIncome(input());
      expect(result).toMatchObject({
        dividendRateBp: 800,
        minDividendRateBp: 800,
        minimumIncomeFen: 8_000_000,
        meetsMinimumDividendRate: true,
        shortfallFen: 0,
      });
    });

    it('one fen less misses it', () => {
      const result = distributeIncome(input({ incomeFen: 7_999_999 }));
      expect(result).toMatchObject({ dividendRateBp: 799, meetsMinimumDividendRate: false, shortfallFen: 1 });
    });

    it('minimum income rounds up on an odd principal', () => {
      // 8% of 1,000,001 = 80,000.08 → 80,001 needed.
      const result = distributeIncome(input({ investedPrincipalFen: 1_000_001, incomeFen: 80_000 }));
      expect(result).toMatchObject({ minimumIncomeFen: 80_001, meetsMinimumDividendRate: false, shortfallFen: 1 });
    });

    it('no principal: no rate, trivially met', () => {
      const result = distributeIncome(input({ investedPrincipalFen: 0 }));
      expect(result.dividendRateBp).toBeNull();
      expect(result.meetsMinimumDividendRate).toBe(true);
    });
  });

  const detailPaths = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).details.map((d) => d.path).sort();
    }
    throw new Error('expected failure');
  };

  it('refuses fractional fen', () => {
    expect(detailPaths(() => distributeIncome(input({ incomeFen: 10.5 })))).toEqual(['incomeFen']);
  });

  it('refuses a household listed twice and an empty period', () => {
    expect(
      detailPaths(() =>
        distributeIncome(
          input({
            period: { from: '2025-01-01', until: '2025-01-01' },
            households: [{ householdId: 'h1' }, { householdId: 'h1' }],
          }),
        ),
      ),
    ).toEqual(['households.1.householdId', 'period.until']);
  });
});
