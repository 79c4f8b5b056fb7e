import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import {
  acceptanceTrancheShareBp,
  DEFAULT_COUNTY_SETTINGS,
  resolveSettings,
  resolveSettingsOrThrow,
  ZCountySettings,
} from '../../../src/domain/policies/settings';
import { STATE_COUNCIL_CALENDAR } from '../../../src/domain/policies/working-days';

function errorPaths(overrides: unknown): string[] {
  const result = resolveSettings(overrides);
  if (result.ok) throw new Error('expected invalid settings');
  expect(result.error).toBeInstanceOf(AppError);
  expect(result.error.code).toBe('VALIDATION_FAILED');
  return result.error.details.map((detail) => detail.path);
}

describe('county settings defaults', () => {
  it('are the numbers of domain.md', () => {
    expect(DEFAULT_COUNTY_SETTINGS).toEqual({
      publicity: { villageDays: 10, townshipDays: 10, acceptanceDays: 7 },
      budget: { overspendToleranceBp: 1000 },
      disbursement: {
        startShareBp: 4000,
        substantialCompletionShareBp: 5000,
        retentionBp: 500,
        substantialCompletionProgressPercent: 80,
        retentionHoldMonths: 12,
        ownCapitalMatching: 'PROPORTIONAL',
      },
      acceptance: { maxReinspections: 3, rectificationDays: 30, minSatisfactionPercent: 90 },
      evaluation: {
        weights: { output: 50, benefit: 30, satisfaction: 10, budgetExecution: 10 },
        gradeThresholds: { excellentMin: 90, goodMin: 80, fairMin: 60 },
        satisfactionTargetPercent: 90,
        intervalMonths: 12,
      },
      income: { minDividendRateBp: 800 },
      faultTolerance: { applicationWindowDays: 30, appealWindowDays: 15, appealLevel: 'CITY' },
      collectiveDecision: {
        quorum: { numerator: 2, denominator: 3 },
        majorityMoreThan: { numerator: 1, denominator: 2 },
      },
      approvalTiming: { reminderAfterHours: 72, escalateAfterHours: 168, urgeIntervalHours: 24 },
      workingDays: { calendar: STATE_COUNCIL_CALENDAR },
    });
  });

  it('resolve from no overrides at all', () => {
    expect(resolveSettings()).toEqual({ ok: true, settings: DEFAULT_COUNTY_SETTINGS });
    expect(resolveSettings(undefined)).toEqual({ ok: true, settings: DEFAULT_COUNTY_SETTINGS });
    expect(ZCountySettings.parse({})).toEqual(DEFAULT_COUNTY_SETTINGS);
  });
});

describe('resolveSettings', () => {
  it('merges deep partial overrides over the defaults', () => {
    const settings = resolveSettingsOrThrow({
      publicity: { villageDays: 15 },
      disbursement: { startShareBp: 3000, substantialCompletionShareBp: 5000, retentionBp: 1000 },
      evaluation: { weights: { output: 40, benefit: 40 } },
    });
    expect(settings.publicity).toEqual({ villageDays: 15, townshipDays: 10, acceptanceDays: 7 });
    expect(acceptanceTrancheShareBp(settings.disbursement)).toBe(2000);
    expect(settings.disbursement.substantialCompletionProgressPercent).toBe(80);
    expect(settings.evaluation.weights).toEqual({ output: 40, benefit: 40, satisfaction: 10, budgetExecution: 10 });
    expect(settings.income.minDividendRateBp).toBe(800);
  });

  it('does not mutate the defaults', () => {
    resolveSettingsOrThrow({ publicity: { villageDays: 30 } });
    expect(DEFAULT_COUNTY_SETTINGS.publicity.villageDays).toBe(10);
  });

  it('refuses start and substantial completion shares above 100% together', () => {
    expect(errorPaths({ disbursement: { startShareBp: 6000 } })).toEqual(['disbursement.substantialCompletionShareBp']);
  });

  it('drops the retired acceptanceShareBp of a stored or carried settings object, which a PUT refuses as unknown', () => {
    const stored = { disbursement: { startShareBp: 3000, substantialCompletionShareBp: 5000, acceptanceShareBp: 2000, retentionBp: 1000 } };
    expect(resolveSettingsOrThrow(stored).disbursement).not.toHaveProperty('acceptanceShareBp');
    expect(acceptanceTrancheShareBp(resolveSettingsOrThrow(stored).disbursement)).toBe(2000);
    expect(ZCountySettings.safeParse(stored).success).toBe(false);
  });

  it('refuses retention above the acceptance tranche or above 10%', () => {
    expect(errorPaths({ disbursement: { startShareBp: 4000, substantialCompletionShareBp: 5500, retentionBp: 800 } })).toEqual(['disbursement.retentionBp']);
    expect(errorPaths({ disbursement: { retentionBp: 1500 } })).toContain('disbursement.retentionBp');
  });

  it('refuses evaluation weights that do not sum to 100', () => {
    expect(errorPaths({ evaluation: { weights: { output: 60 } } })).toEqual(['evaluation.weights']);
  });

  it('refuses grade thresholds out of order', () => {
    expect(errorPaths({ evaluation: { gradeThresholds: { goodMin: 95 } } })).toEqual(['evaluation.gradeThresholds.goodMin']);
    expect(errorPaths({ evaluation: { gradeThresholds: { fairMin: 85 } } })).toEqual(['evaluation.gradeThresholds.fairMin']);
  });

  it('refuses an escalation before the reminder', () => {
    expect(errorPaths({ approvalTiming: { reminderAfterHours: 200 } })).toEqual(['approvalTiming.escalateAfterHours']);
  });

  it('refuses a quorum above 1 and a majority of 1 or more', () => {
    expect(errorPaths({ collectiveDecision: { quorum: { numerator: 4, denominator: 3 } } })).toEqual(['collectiveDecision.quorum']);
    expect(errorPaths({ collectiveDecision: { majorityMoreThan: { numerator: 1, denominator: 1 } } })).toEqual(['collectiveDecision.majorityMoreThan']);
  });

  it('refuses substantial completion at 0% progress', () => {
    expect(errorPaths({ disbursement: { substantialCompletionProgressPercent: 0 } })).toEqual(['disbursement.substantialCompletionProgressPercent']);
  });

  it('names misspelt keys, wrong types and out-of-range values by path', () => {
    expect(errorPaths({ publicity: { villageDay: 12 } })).toEqual(['publicity.villageDay']);
    expect(errorPaths({ publicity: { villageDays: '10' } })).toEqual(['publicity.villageDays']);
    expect(errorPaths({ publicity: { villageDays: 0 } })).toEqual(['publicity.villageDays']);
    expect(errorPaths({ budget: { overspendToleranceBp: 10.5 } })).toEqual(['budget.overspendToleranceBp']);
    expect(errorPaths({ faultTolerance: { appealWindowDays: -1 } })).toEqual(['faultTolerance.appealWindowDays']);
    expect(errorPaths({ surprise: true })).toEqual(['surprise']);
  });

  it('reports every offending field at once', () => {
    expect(errorPaths({ publicity: { townshipDays: 0 }, evaluation: { weights: { output: 10 } } }).sort()).toEqual([
      'evaluation.weights',
      'publicity.townshipDays',
    ]);
  });

  it('throws the same AppError from resolveSettingsOrThrow', () => {
    expect(() => resolveSettingsOrThrow({ income: { minDividendRateBp: 20_000 } })).toThrow(AppError);
  });
});

describe('the working-day calendar setting', () => {
  const year2025 = STATE_COUNCIL_CALENDAR['2025']!;

  it("takes a county's corrected year and a year it adds", () => {
    const settings = resolveSettingsOrThrow({
      workingDays: {
        calendar: {
          '2025': { holidays: year2025.holidays.filter((d) => !d.startsWith('2025-10')), adjustedWorkdays: ['2025-01-26'] },
          '2027': { holidays: ['2027-01-01'], adjustedWorkdays: [] },
        },
      },
    });
    expect(Object.keys(settings.workingDays.calendar).sort()).toEqual(['2025', '2027']);
    expect(settings.workingDays.calendar['2025']!.holidays).not.toContain('2025-10-01');
  });

  it('refuses a date both a holiday and an adjusted workday, with its path', () => {
    expect(errorPaths({ workingDays: { calendar: { '2025': { holidays: ['2025-09-28'], adjustedWorkdays: ['2025-09-28'] } } } })).toEqual([
      'workingDays.calendar.2025.adjustedWorkdays.0',
    ]);
  });

  it('refuses a date filed under another year and a weekday as an adjusted workday', () => {
    expect(errorPaths({ workingDays: { calendar: { '2025': { holidays: ['2025-10-01', '2026-01-01'], adjustedWorkdays: ['2025-09-29'] } } } })).toEqual([
      'workingDays.calendar.2025.holidays.1',
      'workingDays.calendar.2025.adjustedWorkdays.0',
    ]);
  });

  it('refuses a date that does not exist and a year that is not YYYY', () => {
    expect(
      errorPaths({
        workingDays: { calendar: { '2026': { holidays: ['2026-02-30'], adjustedWorkdays: [] }, '26': { holidays: [], adjustedWorkdays: [] } } },
      }).sort(),
    ).toEqual(['workingDays.calendar.2026.holidays.0', 'workingDays.calendar.26'].sort());
  });
});
