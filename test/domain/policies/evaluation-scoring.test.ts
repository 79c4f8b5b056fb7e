import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { decideOutcome, gradeForScoreTenths, scoreEvaluation, type TEvaluationIndicators } from '../../../src/domain/policies/evaluation-scoring';
import { DEFAULT_COUNTY_SETTINGS } from '../../../src/domain/policies/settings';

const settings = DEFAULT_COUNTY_SETTINGS.evaluation;

/** Every indicator at `value`, satisfaction at or above target so it scores like the others. */
function uniform(value: number, satisfactionPercent = 100): TEvaluationIndicators {
  return {
    output: { quantity: value, quality: value, timeliness: value, cost: value },
    benefit: { economic: value, social: value, ecological: value, sustainability: value },
    satisfactionPercent,
    budgetExecutionPercent: value,
  };
}

describe('gradeForScoreTenths', () => {
  it.each([
    [1000, 'EXCELLENT'],
    [900, 'EXCELLENT'],
    [899, 'GOOD'],
    [890, 'GOOD'],
    [800, 'GOOD'],
    [799, 'FAIR'],
    [790, 'FAIR'],
    [600, 'FAIR'],
    [599, 'POOR'],
    [0, 'POOR'],
  ])('%i tenths → %s', (scoreTenths, grade) => {
    expect(gradeForScoreTenths({ scoreTenths, thresholds: settings.gradeThresholds })).toBe(grade);
  });
});

describe('scoreEvaluation', () => {
  it('weights categories 50/30/10/10', () => {
    const result = scoreEvaluation({
      indicators: {
        output: { quantity: 100, quality: 90, timeliness: 80, cost: 70 }, // 85
        benefit: { economic: 60, social: 70, ecological: 80, sustainability: 90 }, // 75
        satisfactionPercent: 95, // ≥ 90 target → 100
        budgetExecutionPercent: 80,
      },
      settings,
    });
    // 0.5·85 + 0.3·75 + 0.1·100 + 0.1·80 = 42.5 + 22.5 + 10 + 8 = 83.0
    expect(result).toEqual({
      scoreTenths: 830,
      score: 83,
      grade: 'GOOD',
      gradeLabel: '良',
      suggestedOutcome: 'CONSOLIDATE',
      satisfactionTargetMet: true,
      categoryScores: { output: 85, benefit: 75, satisfaction: 100, budgetExecution: 80 },
    });
  });

  it.each([
    [59.9, 599, 'POOR', '差', 'ADJUST'],
    [60, 600, 'FAIR', '中', 'REVITALISE'],
    [79, 790, 'FAIR', '中', 'REVITALISE'],
    [79.9, 799, 'FAIR', '中', 'REVITALISE'],
    [80, 800, 'GOOD', '良', 'CONSOLIDATE'],
    [89, 890, 'GOOD', '良', 'CONSOLIDATE'],
    [89.9, 899, 'GOOD', '良', 'CONSOLIDATE'],
    [90, 900, 'EXCELLENT', '优', 'UPGRADE'],
    [100, 1000, 'EXCELLENT', '优', 'UPGRADE'],
  ])('uniform %s → %i tenths, %s', (value, scoreTenths, grade, label, outcome) => {
    // With a 100% satisfaction target, satisfaction scores its own value, so a uniform set of
    // indicators scores exactly that value.
    const result = scoreEvaluation({
      indicators: uniform(value, value),
      settings: { ...settings, satisfactionTargetPercent: 100 },
    });
    expect(result.scoreTenths).toBe(scoreTenths);
    expect(result.score).toBe(value);
    expect(result.grade).toBe(grade);
    expect(result.gradeLabel).toBe(label);
    expect(result.suggestedOutcome).toBe(outcome);
  });

  it('rounds down, never up into the next grade (89.9625 → 89.9 良)', () => {
    const result = scoreEvaluation({
      indicators: {
        output: { quantity: 90, quality: 90, timeliness: 90, cost: 89.7 }, // mean 89.925 × 0.5 = 44.9625
        benefit: { economic: 90, social: 90, ecological: 90, sustainability: 90 }, // × 0.3 = 27
        satisfactionPercent: 81, // 81 / 90 target = 90 points × 0.1 = 9
        budgetExecutionPercent: 90, // × 0.1 = 9
      },
      settings,
    });
    // 89.9625: half-up rounding would give 90.0 (优); flooring keeps it 89.9 (良).
    expect(result.scoreTenths).toBe(899);
    expect(result.score).toBe(89.9);
    expect(result.grade).toBe('GOOD');
  });

  it('scores satisfaction against the target', () => {
    const at = (satisfactionPercent: number) => scoreEvaluation({ indicators: uniform(100, satisfactionPercent), settings });
    expect(at(90).scoreTenths).toBe(1000);
    expect(at(90).satisfactionTargetMet).toBe(true);
    expect(at(45).scoreTenths).toBe(950); // 45/90 → 50 points × 0.1 = 5 lost
    expect(at(45).satisfactionTargetMet).toBe(false);
    expect(at(89.9).categoryScores.satisfaction).toBe(99.8); // 99.888… floored
  });

  it('uses county weights and thresholds', () => {
    const county = {
      ...settings,
      weights: { output: 40, benefit: 40, satisfaction: 10, budgetExecution: 10 },
      gradeThresholds: { excellentMin: 95, goodMin: 85, fairMin: 70 },
    };
    const result = scoreEvaluation({
      indicators: {
        output: { quantity: 100, quality: 100, timeliness: 100, cost: 100 },
        benefit: { economic: 80, social: 80, ecological: 80, sustainability: 80 },
        satisfactionPercent: 100,
        budgetExecutionPercent: 100,
      },
      settings: county,
    });
    expect(result.scoreTenths).toBe(920); // 40 + 32 + 10 + 10
    expect(result.grade).toBe('GOOD');
  });

  it('refuses indicators out of range or with two decimals, and bad weights', () => {
    const paths = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return (error as AppError).details.map((d) => d.path);
      }
      throw new Error('expected failure');
    };
    expect(
      paths(() =>
        scoreEvaluation({
          indicators: { ...uniform(80), satisfactionPercent: 101, budgetExecutionPercent: 80.55 },
          settings,
        }),
      ).sort(),
    ).toEqual(['budgetExecutionPercent', 'satisfactionPercent']);
    expect(paths(() => scoreEvaluation({ indicators: uniform(80), settings: { ...settings, weights: { ...settings.weights, output: 60 } } }))).toEqual([
      'weights',
    ]);
  });
});

describe('decideOutcome', () => {
  it('keeps the suggestion without an override', () => {
    expect(decideOutcome({ suggested: 'CONSOLIDATE' })).toEqual({ outcome: 'CONSOLIDATE', overridden: false });
  });
  it('takes the approver’s override with a reason', () => {
    expect(decideOutcome({ suggested: 'REVITALISE', override: 'ADJUST', overrideReason: 'market collapsed' })).toEqual({
      outcome: 'ADJUST',
      overridden: true,
    });
  });
  it('refuses an override without a reason', () => {
    expect(() => decideOutcome({ suggested: 'REVITALISE', override: 'ADJUST' })).toThrow(AppError);
  });
});
