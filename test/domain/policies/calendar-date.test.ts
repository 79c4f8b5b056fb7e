import { describe, expect, it } from 'vitest';
import { addMonths, fromDayNumber, toDayNumber } from '../../../src/domain/policies/calendar-date';
import * as policies from '../../../src/domain/policies';

describe('calendar dates', () => {
  it.each([
    ['2025-06-30', 12, '2026-06-30'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-11-15', 3, '2026-02-15'],
    ['2025-03-31', -1, '2025-02-28'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths({ date, months })).toBe(expected);
  });

  it('day numbers count calendar days', () => {
    expect(toDayNumber('2026-01-01') - toDayNumber('2025-01-01')).toBe(365);
    expect(toDayNumber('2025-01-01') - toDayNumber('2024-01-01')).toBe(366);
    expect(fromDayNumber(toDayNumber('2025-07-02'))).toBe('2025-07-02');
  });

  it('the index re-exports every policy', () => {
    for (const name of ['resolveSettings', 'parseYuanToFen', 'planDisbursement', 'runRiskChecks', 'scoreEvaluation', 'distributeIncome', 'decideVote']) {
      expect(typeof (policies as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
