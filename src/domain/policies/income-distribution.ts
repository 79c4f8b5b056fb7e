import * as z from '../shape';
import { toDayNumber, ZCalendarDate } from './calendar-date';
import { allocateFen, bpOfFen, bpOfFenCeil, ZBasisPoints, ZFen } from './money';
import { parseOrThrow } from './validate';

/**
 * Distribution of an operating asset's income for one period (运营与收益分配, domain.md §2.11,
 * 联农带农 ledger §4).
 *
 * Rule: the plan first keeps `retainedBp` for the village collective (公益岗位, maintenance,
 * reinvestment: the domain asks for consolidation, not plain handouts). The rest is split among
 * linked households in proportion to household-days: each day a household is linked it counts
 * `shares × weight`, where the weight is `monitoredWeight` on days it is under monitoring (防返贫
 * 监测户) and `regularWeight` otherwise. A household that enters or leaves monitoring or the
 * beneficiary list mid-period is thus counted for exactly the days it qualified. A plan with
 * `regularWeight: 0` pays monitored households only.
 *
 * Amounts are integer fen, floored; the leftover fen go to the largest fractional remainders,
 * ties by household id, so the allocations plus the retained part equal the income exactly.
 *
 * Date ranges are calendar dates, `from` inclusive and `until` exclusive (the day the household
 * left); the period likewise.
 */

const ZDateRange = z.strictObject({
  from: ZCalendarDate,
  /** Exclusive; absent = still ongoing. */
  until: ZCalendarDate.optional(),
});

export const ZBeneficiaryHousehold = z.strictObject({
  householdId: z.string().min(1),
  /** Distribution shares (e.g. by household members or land contributed), decided democratically. */
  shares: z.int().min(1).default(1),
  /** When the household was linked to the project (联农带农); absent = linked all period. */
  linked: ZDateRange.optional(),
  /** Spells under 防返贫 monitoring. */
  monitoring: z.array(ZDateRange).default([]),
});

export const ZDistributionPlan = z.strictObject({
  /** Share kept by the village collective, in bp of the income. */
  retainedBp: ZBasisPoints.default(0),
  /** Weight per share per day for households not under monitoring. */
  regularWeight: z.int().min(0).max(100).default(1),
  /** Weight per share per day for households under monitoring (priority for 监测户). */
  monitoredWeight: z.int().min(0).max(100).default(1),
});

export const ZIncomeDistributionInput = z
  .strictObject({
    /** Income (e.g. the dividend paid by the operator) received for the period. */
    incomeFen: ZFen,
    /** Fiscal principal invested in the operating asset, the base of the dividend rate. */
    investedPrincipalFen: ZFen,
    period: z.strictObject({ from: ZCalendarDate, until: ZCalendarDate }),
    households: z.array(ZBeneficiaryHousehold),
    plan: ZDistributionPlan.prefault({}),
    /** The county's minimum dividend rate for the period (settings.income.minDividendRateBp). */
    minDividendRateBp: ZBasisPoints,
  })
  .superRefine((input, ctx) => {
    if (input.period.until <= input.period.from) {
      ctx.addIssue({ code: 'custom', path: ['period', 'until'], message: 'must be after period.from' });
    }
    const seen = new Set<string>();
    input.households.forEach((household, index) => {
      if (seen.has(household.householdId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['households', index, 'householdId'],
          message: `household ${household.householdId} is listed twice`,
        });
      }
      seen.add(household.householdId);
    });
  });
export type TIncomeDistributionInput = z.input<typeof ZIncomeDistributionInput>;

export interface THouseholdAllocation {
  householdId: string;
  /** Days in the period the household was linked. */
  linkedDays: number;
  /** Of those, days under monitoring. */
  monitoredDays: number;
  /** shares × weighted days: the household's claim relative to the others. */
  units: number;
  amountFen: number;
}

export interface TIncomeDistribution {
  incomeFen: number;
  retainedFen: number;
  distributedFen: number;
  allocations: THouseholdAllocation[];
  /** Nobody qualified, so the whole income stays with the collective (retainedFen = incomeFen). */
  noEligibleHouseholds: boolean;
  /** income / principal, floored, in bp; null when there is no principal. */
  dividendRateBp: number | null;
  minDividendRateBp: number;
  /** The income needed to reach the minimum rate (rounded up). */
  minimumIncomeFen: number;
  meetsMinimumDividendRate: boolean;
  shortfallFen: number;
}

/** Intersection of two half-open day ranges, or null when they do not meet. */
function overlapDays(range: { from: number; until: number }, other: { from: number; until: number }): { from: number; until: number } | null {
  const from = Math.max(range.from, other.from);
  const until = Math.min(range.until, other.until);
  return until > from ? { from, until } : null;
}

export function distributeIncome(input: TIncomeDistributionInput): TIncomeDistribution {
  const facts = parseOrThrow(ZIncomeDistributionInput, input, 'income distribution input');
  const period = { from: toDayNumber(facts.period.from), until: toDayNumber(facts.period.until) };
  const { plan } = facts;

  const claims = facts.households.map((household) => {
    const linkedRange = overlapDays(
      {
        from: household.linked ? toDayNumber(household.linked.from) : period.from,
        until: household.linked?.until ? toDayNumber(household.linked.until) : period.until,
      },
      period,
    );
    let linkedDays = 0;
    let monitoredDays = 0;
    if (linkedRange) {
      linkedDays = linkedRange.until - linkedRange.from;
      // Monitoring spells may overlap in sloppy records; count each day once.
      const monitoredDayNumbers = new Set<number>();
      for (const spell of household.monitoring) {
        const overlap = overlapDays(
          {
            from: toDayNumber(spell.from),
            until: spell.until ? toDayNumber(spell.until) : linkedRange.until,
          },
          linkedRange,
        );
        if (!overlap) continue;
        for (let day = overlap.from; day < overlap.until; day += 1) monitoredDayNumbers.add(day);
      }
      monitoredDays = monitoredDayNumbers.size;
    }
    const weightedDays = monitoredDays * plan.monitoredWeight + (linkedDays - monitoredDays) * plan.regularWeight;
    return {
      householdId: household.householdId,
      linkedDays,
      monitoredDays,
      units: household.shares * weightedDays,
    };
  });

  const totalUnits = claims.reduce((sum, claim) => sum + claim.units, 0);
  const noEligibleHouseholds = totalUnits === 0;
  const plannedRetainedFen = bpOfFen({ fen: facts.incomeFen, bp: plan.retainedBp });
  const distributableFen = noEligibleHouseholds ? 0 : facts.incomeFen - plannedRetainedFen;
  const amounts = allocateFen({
    totalFen: distributableFen,
    weights: claims.map((claim) => claim.units),
    keys: claims.map((claim) => claim.householdId),
  });

  const allocations = claims
    .map((claim, index) => ({ ...claim, amountFen: amounts[index] }))
    .sort((a, b) => (a.householdId < b.householdId ? -1 : a.householdId > b.householdId ? 1 : 0));

  const minimumIncomeFen = bpOfFenCeil({ fen: facts.investedPrincipalFen, bp: facts.minDividendRateBp });
  const dividendRateBp = facts.investedPrincipalFen === 0 ? null : Number((BigInt(facts.incomeFen) * 10_000n) / BigInt(facts.investedPrincipalFen));

  return {
    incomeFen: facts.incomeFen,
    retainedFen: facts.incomeFen - distributableFen,
    distributedFen: distributableFen,
    allocations,
    noEligibleHouseholds,
    dividendRateBp,
    minDividendRateBp: facts.minDividendRateBp,
    minimumIncomeFen,
    meetsMinimumDividendRate: facts.incomeFen >= minimumIncomeFen,
    shortfallFen: Math.max(0, minimumIncomeFen - facts.incomeFen),
  };
}
