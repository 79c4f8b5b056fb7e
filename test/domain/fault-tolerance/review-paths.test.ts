import { describe, expect, it } from 'vitest';
import {
  APPEAL_CLERK,
  APPEAL_INVESTIGATOR,
  APPEAL_MEMBERS,
  CLERK,
  DAY,
  DECIDED_AT,
  FILED_AT,
  MEMBERS,
  OFFICIAL,
  OTHER_OFFICIAL,
  T0,
  allFindings,
  decide,
  expectRefused,
  makeInput,
  start,
  step,
  steps,
  toAppealWindow,
  toDecision,
  votes,
} from './fixtures';
import { officialRecordEffects, renderWrittenNotice, windowClosesAt } from './imports';

describe('fault-tolerance review: whole cases', () => {
  it('exempts an official who met every criterion, and records no negative effect', () => {
    let s = toDecision();
    expect(s.value).toBe('collectiveDecision');
    s = steps(s, votes({ m1: 'EXEMPT', m2: 'EXEMPT', m3: 'LENIENT' }));
    s = toAppealWindow(s, decide({ correctiveMeasures: [{ id: 'cm-1', description: '完善市场风险预警机制', dueAt: DECIDED_AT + 60 * DAY }] }));
    expect(s.value).toBe('appealWindow');
    expect(s.context.appealClosesAt).toBe(windowClosesAt({ openedAt: FILED_AT, days: 15 }));
    s = step(s, { type: 'APPEAL_WINDOW_CLOSED', at: s.context.appealClosesAt as number });
    expect(s.value).toBe('resultApplied');
    expect(s.status).toBe('done');
    const effects = officialRecordEffects(s.context);
    expect(effects.map((e) => [e.officialId, e.outcome, e.noNegativeEffect, e.affectsPromotion])).toEqual([
      [OFFICIAL, 'EXEMPT', true, false],
      [OTHER_OFFICIAL, 'EXEMPT', true, false],
    ]);
    expect(effects[0].correctiveMeasures.map((m) => m.id)).toEqual(['cm-1']);
  });

  it('exempts on force majeure even though diligence was not established', () => {
    let s = toDecision({ DILIGENCE_AND_LOSS_RECOVERY: 'UNCLEAR', PROCEDURE_FOLLOWED: 'NOT_MET', FORCE_MAJEURE: 'MET' });
    s = steps(s, votes({ m1: 'EXEMPT', m2: 'EXEMPT' }));
    s = step(s, decide());
    expect(s.context.rounds[0].decision?.outcome).toBe('EXEMPT');
  });

  it('decides a lenient outcome with an impact period', () => {
    let s = toDecision({ DILIGENCE_AND_LOSS_RECOVERY: 'NOT_MET' });
    s = steps(s, votes({ m1: 'LENIENT', m2: 'LENIENT', m3: 'NOT_EXEMPT' }));
    expectRefused(s, decide(), 'VALIDATION_FAILED', 'impactPeriodEndsAt');
    const ends = DECIDED_AT + 365 * DAY;
    s = toAppealWindow(s, decide({ impactPeriodEndsAt: ends }));
    s = step(s, { type: 'APPEAL_WINDOW_CLOSED', at: (s.context.appealClosesAt as number) + 1 });
    const [effect] = officialRecordEffects(s.context);
    expect(effect).toMatchObject({ outcome: 'LENIENT', impactPeriodEndsAt: ends, noNegativeEffect: false });
    expect(renderWrittenNotice(s.context)).toContain('从轻/减轻');
  });

  it('refuses to admit a case when project records show confirmed fund misappropriation, and says why', () => {
    const input = makeInput({
      fundViolationFlags: [{ flagId: 'F-77', projectId: 'P-tea-01', userId: OFFICIAL, kind: 'MISAPPROPRIATION', confirmed: true }],
    });
    let s = step(start(input), { type: 'APPLY', applicantId: OFFICIAL, at: T0 });
    const refusal = expectRefused(s, { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY }, 'CASE_INADMISSIBLE');
    expect(refusal.ok === false && refusal.message).toContain('F-77');
    expect(refusal.ok === false && refusal.message).toContain('挪用');
    s = step(s, { type: 'REFUSE', actorId: CLERK, at: T0 + DAY, reasons: ['挪用衔接资金，不属于容错范围'] });
    expect(s.value).toBe('refused');
    expect(s.status).toBe('done');
    expect(officialRecordEffects(s.context)).toEqual([]);
  });

  it('admits despite an unconfirmed flag: a suspicion is not a finding', () => {
    const input = makeInput({
      fundViolationFlags: [{ flagId: 'F-78', projectId: 'P-tea-01', userId: OFFICIAL, kind: 'FRAUDULENT_CLAIM', confirmed: false }],
    });
    const s = steps(start(input), [
      { type: 'APPLY', applicantId: OFFICIAL, at: T0 },
      { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY },
    ]);
    expect(s.value).toBe('investigation');
  });

  it('ends the case as inadmissible when an exclusion comes to light during the investigation', () => {
    let s = steps(start(), [
      { type: 'APPLY', applicantId: OFFICIAL, at: T0 },
      { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY },
    ]);
    s = step(s, {
      type: 'RECORD_EXCLUSION',
      actorId: CLERK,
      at: T0 + 2 * DAY,
      exclusion: { kind: 'FUND_MISUSE', description: '虚报冒领补贴资金', evidence: ['audit-2026-04'] },
    });
    expect(s.value).toBe('refused');
    expect(s.context.termination?.kind).toBe('EXCLUSION_FOUND');
  });

  it('an exemption at the first level is superseded when the appeal level finds an exclusion', () => {
    let s = steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT' }));
    s = toAppealWindow(s);
    const deadline = s.context.appealClosesAt as number;
    s = steps(s, [
      { type: 'APPEAL', appellantId: OTHER_OFFICIAL, grounds: '对纠错措施有异议', at: deadline - DAY },
      { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at: deadline, body: { name: '市纪委', level: 'CITY', memberIds: APPEAL_MEMBERS } },
      {
        type: 'RECORD_EXCLUSION',
        actorId: APPEAL_CLERK,
        at: deadline + DAY,
        exclusion: { kind: 'FUND_MISUSE', description: '复核中查明截留项目资金', evidence: ['audit-2026-09'] },
      },
    ]);
    expect(s.value).toBe('refused');
    expect(s.context.rounds[0].decision?.outcome).toBe('EXEMPT');
    expect(officialRecordEffects(s.context)).toEqual([]);
  });

  it('refuses an official or an earlier approver as investigator or voter (conflict of interest)', () => {
    let s = steps(start(makeInput({ decidingBody: { name: '县纪委', level: 'COUNTY', memberIds: [...MEMBERS, 'u-approver-zhao'] } })), [
      { type: 'APPLY', applicantId: OFFICIAL, at: T0 },
    ]);
    expectRefused(s, { type: 'ACCEPT', actorId: OTHER_OFFICIAL, at: T0 + DAY }, 'CONFLICT_OF_INTEREST', 'actorId');
    s = step(s, { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY });
    expectRefused(s, allFindings({}, OFFICIAL)[0], 'CONFLICT_OF_INTEREST', 'investigatorId');
    expectRefused(s, allFindings({}, 'u-approver-zhao')[0], 'CONFLICT_OF_INTEREST', 'investigatorId');
    s = steps(s, [...allFindings(), { type: 'COMPLETE_INVESTIGATION', actorId: CLERK, at: T0 + 3 * DAY }]);
    expectRefused(s, votes({ 'u-approver-zhao': 'EXEMPT' })[0], 'CONFLICT_OF_INTEREST', 'memberId');
  });

  it('does not decide without a quorum', () => {
    let s = toDecision();
    s = step(s, votes({ m1: 'EXEMPT' })[0]);
    expectRefused(s, decide(), 'QUORUM_NOT_REACHED');
    s = step(s, votes({ m2: 'EXEMPT' })[0]);
    s = step(s, decide());
    expect(s.value).toBe('writtenNotice');
  });

  it('breaks a tie by voting again, not by falling to either side', () => {
    let s = toDecision();
    s = steps(s, votes({ m1: 'EXEMPT', m2: 'NOT_EXEMPT' }));
    expectRefused(s, decide(), 'NO_MAJORITY');
    s = step(s, { type: 'CALL_REVOTE', actorId: CLERK, at: T0 + 4 * DAY });
    s = steps(s, votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT', m3: 'EXEMPT' }, T0 + 5 * DAY));
    expectRefused(s, { type: 'CALL_REVOTE', actorId: CLERK, at: T0 + 5 * DAY }, 'TRANSITION_NOT_ALLOWED');
    s = step(s, decide());
    expect(s.context.rounds[0].decision).toMatchObject({ outcome: 'NOT_EXEMPT', tally: { EXEMPT: 1, LENIENT: 0, NOT_EXEMPT: 2 } });
    // The first vote stays on record.
    expect(s.context.rounds[0].ballots).toHaveLength(5);
  });

  it('an appeal in time goes to the next level, new people re-run it and the outcome changes', () => {
    let s = toDecision({ DILIGENCE_AND_LOSS_RECOVERY: 'UNCLEAR' });
    s = steps(s, votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT', m3: 'LENIENT' }));
    s = toAppealWindow(s);
    const deadline = s.context.appealClosesAt as number;
    s = step(s, { type: 'APPEAL', appellantId: OFFICIAL, grounds: '已积极追回大部分损失，调查未采信', at: deadline - 1 });
    expect(s.value).toBe('appeal');

    const body = { name: '商洛市纪委监委', level: 'CITY' as const, memberIds: APPEAL_MEMBERS };
    expectRefused(
      s,
      { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at: deadline, body: { ...body, level: 'TOWNSHIP' } },
      'VALIDATION_FAILED',
      'body.level',
    );
    expectRefused(
      s,
      { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at: deadline, body: { ...body, memberIds: ['p1', 'm2'] } },
      'NEW_PEOPLE_REQUIRED',
      'body.memberIds.1',
    );
    expectRefused(s, { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at: deadline, body: { ...body, memberIds: ['p1', 'inv-1'] } }, 'NEW_PEOPLE_REQUIRED');
    expectRefused(
      s,
      { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at: deadline, body: { ...body, memberIds: ['p1', OTHER_OFFICIAL] } },
      'CONFLICT_OF_INTEREST',
    );
    s = step(s, { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at: deadline, body });
    expect(s.value).toBe('reInvestigation');
    expect(s.context.rounds[1].findings).toEqual({});

    // The first round's investigator may not investigate again.
    expectRefused(s, allFindings({}, 'inv-1', deadline + DAY)[0], 'NEW_PEOPLE_REQUIRED', 'investigatorId');
    expectRefused(s, { type: 'APPEAL', appellantId: OFFICIAL, grounds: '再次申诉', at: deadline }, 'APPEAL_ALREADY_USED');
    s = steps(s, [...allFindings({}, APPEAL_INVESTIGATOR, deadline + DAY), { type: 'COMPLETE_INVESTIGATION', actorId: APPEAL_CLERK, at: deadline + 2 * DAY }]);
    expect(s.value).toBe('reDecision');
    // First-round members have no vote at the appeal level.
    expectRefused(s, votes({ m1: 'EXEMPT' }, deadline + 3 * DAY)[0], 'NOT_A_MEMBER', 'memberId');
    s = steps(s, votes({ p1: 'EXEMPT', p2: 'EXEMPT', p3: 'EXEMPT' }, deadline + 3 * DAY));
    s = steps(s, [
      { type: 'DECIDE', actorId: APPEAL_CLERK, at: deadline + 4 * DAY, correctiveMeasures: [] },
      { type: 'SERVE_NOTICE', actorId: APPEAL_CLERK, at: deadline + 5 * DAY },
    ]);
    expect(renderWrittenNotice(s.context)).toContain('本复核决定为最终决定');
    s = step(s, { type: 'PUBLICISE_AND_FILE', actorId: APPEAL_CLERK, at: deadline + 6 * DAY });
    expect(s.value).toBe('resultApplied');
    expect(s.context.rounds.map((r) => r.decision?.outcome)).toEqual(['NOT_EXEMPT', 'EXEMPT']);
    expect(officialRecordEffects(s.context)[0].outcome).toBe('EXEMPT');
    // No second appeal, even by the other official.
    expectRefused(s, { type: 'APPEAL', appellantId: OTHER_OFFICIAL, grounds: '再次申诉', at: deadline + 7 * DAY }, 'APPEAL_ALREADY_USED');
  });

  it('refuses an appeal after the deadline, before and after the workflow closes the window', () => {
    let s = toAppealWindow(steps(toDecision(), votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT' })));
    const deadline = s.context.appealClosesAt as number;
    const late = { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服', at: deadline } as const;
    expectRefused(s, late, 'APPEAL_WINDOW_CLOSED', 'at');
    expectRefused(s, { type: 'APPEAL_WINDOW_CLOSED', at: deadline - 1 }, 'TRANSITION_NOT_ALLOWED', 'at');
    s = step(s, { type: 'APPEAL_WINDOW_CLOSED', at: deadline });
    expect(s.value).toBe('resultApplied');
    expectRefused(s, { ...late, at: deadline - DAY }, 'APPEAL_WINDOW_CLOSED');
  });
});
