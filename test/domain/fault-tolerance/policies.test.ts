import { describe, expect, it } from 'vitest';
import { DAY, OFFICIAL } from './fixtures';
import {
  ZReviewInput,
  ZReviewSettings,
  exemptionBlockers,
  formatDateZh,
  isAdverseAt,
  majorityOutcome,
  officialRecordEffect,
  quorumRequired,
  windowClosesAt,
  type TFinding,
  type TReviewRound,
} from './imports';
import { makeInput } from './fixtures';

const twoThirds = { numerator: 2, denominator: 3 };

describe('fault-tolerance policies', () => {
  it('settings default to 30-day application, 15-day appeal, quorum 2/3, simple majority', () => {
    expect(ZReviewSettings.parse({})).toEqual({
      applicationWindowDays: 30,
      appealWindowDays: 15,
      quorum: twoThirds,
      majorityMoreThan: { numerator: 1, denominator: 2 },
    });
    // Inputs of cases started before the county's threshold was carried keep their simple majority.
    expect(ZReviewSettings.parse({ majority: 'SIMPLE' }).majorityMoreThan).toEqual({ numerator: 1, denominator: 2 });
    expect(ZReviewInput.parse(makeInput()).settings.appealWindowDays).toBe(15);
    expect(ZReviewSettings.safeParse({ quorum: { numerator: 4, denominator: 3 } }).success).toBe(false);
  });

  it.each([
    [1, 1],
    [3, 2],
    [4, 3],
    [5, 4],
    [6, 4],
    [7, 5],
    [9, 6],
  ])('quorum of %i members at 2/3 is %i', (members, expected) => {
    expect(quorumRequired({ membersCount: members, quorum: twoThirds })).toBe(expected);
  });

  it('a simple majority is more than half of the votes cast; ties and pluralities decide nothing', () => {
    expect(majorityOutcome({ EXEMPT: 2, LENIENT: 1, NOT_EXEMPT: 0 })).toBe('EXEMPT');
    expect(majorityOutcome({ EXEMPT: 2, LENIENT: 0, NOT_EXEMPT: 2 })).toBeNull();
    expect(majorityOutcome({ EXEMPT: 3, LENIENT: 2, NOT_EXEMPT: 2 })).toBeNull();
    expect(majorityOutcome({ EXEMPT: 0, LENIENT: 0, NOT_EXEMPT: 0 })).toBeNull();
  });

  it('windows close at midnight Asia/Shanghai after the last calendar day', () => {
    // Notified 2026-03-01 23:30 Shanghai (15:30 UTC): 15 days → closes 2026-03-17 00:00 Shanghai.
    const openedAt = Date.UTC(2026, 2, 1, 15, 30);
    expect(windowClosesAt({ openedAt, days: 15 })).toBe(Date.UTC(2026, 2, 16, 16, 0));
    // 00:30 Shanghai on 2026-03-02 is still 2026-03-01 in UTC, but counts from 03-02 locally.
    expect(windowClosesAt({ openedAt: Date.UTC(2026, 2, 1, 16, 30), days: 15 })).toBe(Date.UTC(2026, 2, 17, 16, 0));
    expect(formatDateZh(Date.UTC(2026, 2, 1, 16, 30))).toBe('2026年3月2日');
  });

  it('exemption blockers: strict criteria cannot be excused by force majeure', () => {
    const round = (values: Record<string, TFinding['value']>) =>
      ({
        findings: Object.fromEntries(
          Object.entries(values).map(([criterion, value]) => [criterion, { criterion, value, evidence: [], investigatorId: 'i', at: 0 }]),
        ),
      }) as Pick<TReviewRound, 'findings'>;
    const allMet = {
      NOT_PROHIBITED_AT_THE_TIME: 'MET',
      PROCEDURE_FOLLOWED: 'MET',
      NO_IMPROPER_GAIN: 'MET',
      DILIGENCE_AND_LOSS_RECOVERY: 'MET',
      FORCE_MAJEURE: 'NOT_MET',
    } as const;
    expect(exemptionBlockers(round(allMet))).toEqual([]);
    expect(exemptionBlockers(round({ ...allMet, PROCEDURE_FOLLOWED: 'NOT_MET', DILIGENCE_AND_LOSS_RECOVERY: 'UNCLEAR', FORCE_MAJEURE: 'MET' }))).toEqual([]);
    expect(exemptionBlockers(round({ ...allMet, PROCEDURE_FOLLOWED: 'NOT_MET', DILIGENCE_AND_LOSS_RECOVERY: 'UNCLEAR' }))).toEqual([
      'PROCEDURE_FOLLOWED',
      'DILIGENCE_AND_LOSS_RECOVERY',
    ]);
    expect(exemptionBlockers(round({ ...allMet, NO_IMPROPER_GAIN: 'UNCLEAR', FORCE_MAJEURE: 'MET' }))).toEqual(['NO_IMPROPER_GAIN']);
  });

  it('official record effect: exempt never counts, lenient counts until the impact period ends, not-exempt counts', () => {
    const decidedAt = Date.UTC(2026, 5, 1);
    const base = { officialId: OFFICIAL, caseId: 'FT-1', decidedAt };
    const exempt = officialRecordEffect({ ...base, outcome: 'EXEMPT' });
    expect(exempt).toMatchObject({ noNegativeEffect: true, affectsAppraisal: false, affectsPromotion: false, affectsHonours: false });
    expect(isAdverseAt(exempt, decidedAt + 1000 * DAY)).toBe(false);

    const ends = decidedAt + 180 * DAY;
    const lenient = officialRecordEffect({ ...base, outcome: 'LENIENT', impactPeriodEndsAt: ends });
    expect(lenient).toMatchObject({ noNegativeEffect: false, impactPeriodEndsAt: ends, summaryZh: '从轻/减轻：影响期至2026年11月28日' });
    expect(isAdverseAt(lenient, ends - 1)).toBe(true);
    expect(isAdverseAt(lenient, ends)).toBe(false);
    expect(() => officialRecordEffect({ ...base, outcome: 'LENIENT' })).toThrow();

    const notExempt = officialRecordEffect({ ...base, outcome: 'NOT_EXEMPT' });
    expect(notExempt.impactPeriodEndsAt).toBeUndefined();
    expect(isAdverseAt(notExempt, decidedAt + 1000 * DAY)).toBe(true);
  });
});
