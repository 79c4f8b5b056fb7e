import { describe, expect, it } from 'vitest';
import { ZCountySettings } from '../../../src/domain/policies/settings';
import { constituteAppealBody, constituteFirstBody, honourRefusal, majorityOutcome, reviewSettingsFor, voteStatus, type TReviewRound } from './imports';
import { APPROVER, DAY, makeInput, OFFICIAL, OTHER_OFFICIAL, start } from './fixtures';

const county = { id: 'c-danfeng', name: '丹凤县' };
const holder = (userId: string, day: number) => ({ userId, grantedAt: Date.UTC(2020, 0, day) });
const context = makeInput() as Parameters<typeof constituteFirstBody>[0]['context'];

describe('the official under review chooses their judges: the body is drawn from the county', () => {
  it('takes the larger half of the holders free of conflict, longest-serving first, at the county', () => {
    const holders = [holder('d4', 4), holder('d1', 1), holder(OFFICIAL, 0), holder(APPROVER, 0), holder('d3', 3), holder('d2', 2), holder('d1', 9)];
    const result = constituteFirstBody({ county, holders, context });
    expect(result).toEqual({ ok: true, body: { name: '丹凤县容错纠错认定组', level: 'COUNTY', orgUnitId: 'c-danfeng', memberIds: ['d1', 'd2'] } });
  });

  it('refuses to constitute a body when every holder is in conflict', () => {
    const result = constituteFirstBody({ county, holders: [holder(OFFICIAL, 1), holder(OTHER_OFFICIAL, 2), holder(APPROVER, 3)], context });
    expect(result).toMatchObject({ ok: false, code: 'DECIDING_BODY_UNAVAILABLE' });
  });

  it('the appeal body is every holder new to the case; none left is a typed refusal', () => {
    const snapshot = start(makeInput({ decidingBody: { name: 'x', level: 'COUNTY', memberIds: ['d1', 'd2'] } }));
    const holders = [holder('d1', 1), holder('d2', 2), holder('d3', 3), holder('d4', 4), holder(APPROVER, 5)];
    expect(constituteAppealBody({ county, holders, context: snapshot.context })).toEqual({
      ok: true,
      body: { name: '丹凤县容错纠错复核组', level: 'COUNTY', orgUnitId: 'c-danfeng', memberIds: ['d3', 'd4'] },
    });
    expect(constituteAppealBody({ county, holders: holders.slice(0, 2), context: snapshot.context })).toMatchObject({
      ok: false,
      code: 'DECIDING_BODY_UNAVAILABLE',
    });
  });
});

describe('county settings that do nothing: the case takes faultTolerance.* and collectiveDecision.*', () => {
  it('copies the windows, the quorum and the majority threshold', () => {
    const settings = ZCountySettings.parse({
      faultTolerance: { applicationWindowDays: 40, appealWindowDays: 20 },
      collectiveDecision: { quorum: { numerator: 1, denominator: 1 }, majorityMoreThan: { numerator: 2, denominator: 3 } },
    });
    expect(reviewSettingsFor({ county: settings })).toEqual({
      applicationWindowDays: 40,
      appealWindowDays: 20,
      quorum: { numerator: 1, denominator: 1 },
      majorityMoreThan: { numerator: 2, denominator: 3 },
    });
    // An eligibility's recorded window wins over the county's current one.
    expect(reviewSettingsFor({ county: settings, applicationWindowDays: 30 }).applicationWindowDays).toBe(30);
  });

  it('a threshold of 2/3 leaves a 2 to 1 vote undecided; a simple majority decides it', () => {
    const tally = { EXEMPT: 2, LENIENT: 0, NOT_EXEMPT: 1 };
    expect(majorityOutcome(tally)).toBe('EXEMPT');
    expect(majorityOutcome(tally, { numerator: 2, denominator: 3 })).toBeNull();
    // Below a half, a single leader still decides; a tie never does.
    expect(majorityOutcome({ EXEMPT: 2, LENIENT: 1, NOT_EXEMPT: 1 }, { numerator: 1, denominator: 3 })).toBe('EXEMPT');
    expect(majorityOutcome({ EXEMPT: 2, LENIENT: 2, NOT_EXEMPT: 0 }, { numerator: 0, denominator: 1 })).toBeNull();
  });

  it('a quorum of 1/1 needs every member', () => {
    const round: TReviewRound = {
      body: { name: 'x', level: 'COUNTY', memberIds: ['a', 'b', 'c'] },
      findings: {},
      investigatorIds: [],
      ballots: [],
      ballotRound: 1,
    };
    const settings = reviewSettingsFor({ county: ZCountySettings.parse({ collectiveDecision: { quorum: { numerator: 1, denominator: 1 } } }) });
    expect(voteStatus({ round, settings }).quorumRequired).toBe(3);
  });
});

describe('honours ignore adverse review outcomes: honourRefusal', () => {
  const at = Date.UTC(2026, 5, 1);
  const outcome = (o: string, impactPeriodEndsAt: number | null = null) => ({
    caseId: 'FT-1',
    officialId: OFFICIAL,
    outcome: o,
    decidedAt: at - 10 * DAY,
    impactPeriodEndsAt,
  });

  it('refuses during a lenient outcome’s impact period and after a not-exempt one; allows once the period ends or when exempt', () => {
    expect(honourRefusal({ latestGrade: 'EXCELLENT', reviewOutcomes: [outcome('LENIENT', at + DAY)], at })).toMatchObject({
      code: 'HONOURS_SUSPENDED',
      field: 'params.userId',
    });
    expect(honourRefusal({ latestGrade: 'EXCELLENT', reviewOutcomes: [outcome('NOT_EXEMPT')], at })).toMatchObject({ code: 'HONOURS_SUSPENDED' });
    expect(honourRefusal({ latestGrade: 'EXCELLENT', reviewOutcomes: [outcome('LENIENT', at)], at })).toBeNull();
    expect(honourRefusal({ latestGrade: 'EXCELLENT', reviewOutcomes: [outcome('EXEMPT')], at })).toBeNull();
    expect(honourRefusal({ latestGrade: 'GOOD', reviewOutcomes: [], at })).toMatchObject({ code: 'GRADE_NOT_EXCELLENT', field: 'body.projectId' });
  });
});
