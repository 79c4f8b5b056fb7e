import { describe, expect, it } from 'vitest';
import {
  APPROVER,
  CLERK,
  DAY,
  DECIDED_AT,
  INVESTIGATOR,
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
import { ERROR_STATUS } from '../../../src/domain/errors';
import { EXCLUSION_KINDS, applicationClosesAt, checkReviewAction, type TReviewEvent } from './imports';

const FT_CODES = [
  'APPLICATION_WINDOW_CLOSED',
  'CASE_INADMISSIBLE',
  'NOT_A_CONCERNED_OFFICIAL',
  'CONFLICT_OF_INTEREST',
  'NOT_A_MEMBER',
  'ALREADY_VOTED',
  'QUORUM_NOT_REACHED',
  'NO_MAJORITY',
  'FINDINGS_INCOMPLETE',
  'EXEMPTION_NOT_JUSTIFIED',
  'APPEAL_WINDOW_CLOSED',
  'APPEAL_ALREADY_USED',
  'NEW_PEOPLE_REQUIRED',
] as const;

const admitted = () =>
  steps(start(), [
    { type: 'APPLY', applicantId: OFFICIAL, at: T0 },
    { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY },
  ]);

describe('fault-tolerance review rules: each refusal has its code and changes nothing', () => {
  it('every code has an HTTP status', () => {
    for (const code of FT_CODES) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('APPLICATION_WINDOW_CLOSED: an application after the window, or after the workflow closed it', () => {
    const s = start();
    const closesAt = applicationClosesAt(s.context);
    // 30 days counted as calendar days in Asia/Shanghai: notified 2026-01-10 → open through 2026-02-09.
    expect(closesAt).toBe(Date.UTC(2026, 1, 9, 16, 0));
    expectRefused(s, { type: 'APPLY', applicantId: OFFICIAL, at: closesAt }, 'APPLICATION_WINDOW_CLOSED', 'at');
    expect(checkReviewAction(s, { type: 'APPLY', applicantId: OFFICIAL, at: closesAt - 1 }).ok).toBe(true);
    expectRefused(s, { type: 'APPLICATION_WINDOW_CLOSED', at: closesAt - 1 }, 'TRANSITION_NOT_ALLOWED');
    const lapsed = step(s, { type: 'APPLICATION_WINDOW_CLOSED', at: closesAt });
    expect(lapsed.value).toBe('lapsed');
    expectRefused(lapsed, { type: 'APPLY', applicantId: OFFICIAL, at: closesAt - 1 }, 'APPLICATION_WINDOW_CLOSED');
  });

  it('the deciding body may open a case of its own motion, outside any application window', () => {
    const s = step(start(), { type: 'OPEN_BY_BODY', actorId: CLERK, at: T0 + 400 * DAY });
    expect(s.value).toBe('admissibility');
    expect(s.context.opening).toEqual({ kind: 'DECIDING_BODY', actorId: CLERK, at: T0 + 400 * DAY });
  });

  it('NOT_A_CONCERNED_OFFICIAL: only an official named in the case applies or appeals', () => {
    expectRefused(start(), { type: 'APPLY', applicantId: 'stranger', at: T0 }, 'NOT_A_CONCERNED_OFFICIAL', 'applicantId');
    const s = toAppealWindow(steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT' })));
    expectRefused(
      s,
      { type: 'APPEAL', appellantId: 'stranger', grounds: '代为申诉', at: s.context.appealClosesAt! - 1 },
      'NOT_A_CONCERNED_OFFICIAL',
      'appellantId',
    );
  });

  it.each(EXCLUSION_KINDS)('CASE_INADMISSIBLE: a declared %s exclusion bars admission', (kind) => {
    const s = step(start(makeInput({ exclusions: [{ kind, description: '经查属实', evidence: [] }] })), {
      type: 'APPLY',
      applicantId: OFFICIAL,
      at: T0,
    });
    expectRefused(s, { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY }, 'CASE_INADMISSIBLE');
  });

  it('CASE_INADMISSIBLE: a confirmed flag against any official named in the case, not against a stranger', () => {
    const flag = { flagId: 'F-1', projectId: 'P-tea-01', kind: 'FRAUDULENT_CLAIM', confirmed: true } as const;
    const against = (userId: string) => step(start(makeInput({ fundViolationFlags: [{ ...flag, userId }] })), { type: 'APPLY', applicantId: OFFICIAL, at: T0 });
    expectRefused(against(OTHER_OFFICIAL), { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY }, 'CASE_INADMISSIBLE');
    expect(checkReviewAction(against('someone-else'), { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY }).ok).toBe(true);
  });

  it('CONFLICT_OF_INTEREST: concerned officials and earlier approvers take no part', () => {
    expectRefused(start(), { type: 'OPEN_BY_BODY', actorId: OFFICIAL, at: T0 }, 'CONFLICT_OF_INTEREST', 'actorId');
    const s = step(start(), { type: 'APPLY', applicantId: OFFICIAL, at: T0 });
    expectRefused(s, { type: 'REFUSE', actorId: APPROVER, at: T0, reasons: ['x'] }, 'CONFLICT_OF_INTEREST', 'actorId');
    const inv = admitted();
    expectRefused(inv, { ...allFindings()[0], investigatorId: APPROVER } as TReviewEvent, 'CONFLICT_OF_INTEREST', 'investigatorId');
    const full = steps(inv, allFindings());
    expectRefused(full, { type: 'COMPLETE_INVESTIGATION', actorId: OFFICIAL, at: T0 }, 'CONFLICT_OF_INTEREST', 'actorId');
    const d = steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT' }));
    expectRefused(d, decide({ actorId: APPROVER }), 'CONFLICT_OF_INTEREST', 'actorId');
  });

  it('NOT_A_MEMBER: only members of the deciding body vote', () => {
    expectRefused(toDecision(), votes({ 'inv-1': 'EXEMPT' })[0], 'NOT_A_MEMBER', 'memberId');
  });

  it('ALREADY_VOTED: one vote per member per vote, even for the same choice', () => {
    const s = step(toDecision(), votes({ m1: 'EXEMPT' })[0]);
    expectRefused(s, votes({ m1: 'NOT_EXEMPT' })[0], 'ALREADY_VOTED', 'memberId');
    expectRefused(s, votes({ m1: 'EXEMPT' })[0], 'ALREADY_VOTED');
  });

  it('QUORUM_NOT_REACHED: ceil(3 × 2/3) = 2 members must vote; a revote needs the quorum too', () => {
    const s = step(toDecision(), votes({ m1: 'NOT_EXEMPT' })[0]);
    expectRefused(s, decide(), 'QUORUM_NOT_REACHED');
    expectRefused(s, { type: 'CALL_REVOTE', actorId: CLERK, at: T0 }, 'QUORUM_NOT_REACHED');
  });

  it('NO_MAJORITY: a three-way split decides nothing', () => {
    const s = steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'LENIENT', m3: 'NOT_EXEMPT' }));
    expectRefused(s, decide(), 'NO_MAJORITY');
    const again = step(s, { type: 'CALL_REVOTE', actorId: CLERK, at: T0 + 5 * DAY });
    expect(again.context.rounds[0].ballotRound).toBe(2);
    // Everyone may vote again in the new vote.
    expect(checkReviewAction(again, votes({ m1: 'LENIENT' })[0]).ok).toBe(true);
  });

  it('FINDINGS_INCOMPLETE: no closing the investigation, no vote and no decision before every criterion has a finding', () => {
    const s = steps(admitted(), allFindings().slice(0, 4));
    const refusal = expectRefused(s, { type: 'COMPLETE_INVESTIGATION', actorId: CLERK, at: T0 }, 'FINDINGS_INCOMPLETE');
    expect(refusal.ok === false && refusal.message).toContain('FORCE_MAJEURE');
    expectRefused(s, decide(), 'FINDINGS_INCOMPLETE');
    expectRefused(s, votes({ m1: 'EXEMPT' })[0], 'FINDINGS_INCOMPLETE');
  });

  it('a finding can be corrected during the investigation; MET and NOT_MET need evidence', () => {
    let s = steps(admitted(), allFindings({ FORCE_MAJEURE: 'UNCLEAR' }));
    s = step(s, { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'NOT_MET', evidence: ['气象记录'], investigatorId: 'inv-2', at: T0 + 3 * DAY });
    expect(s.context.rounds[0].findings.FORCE_MAJEURE?.value).toBe('NOT_MET');
    expect(s.context.rounds[0].investigatorIds).toEqual([INVESTIGATOR, 'inv-2']);
    expectRefused(
      s,
      { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'MET', evidence: [], investigatorId: 'inv-2', at: T0 },
      'VALIDATION_FAILED',
      'evidence',
    );
  });

  it.each([
    ['procedure not followed, no force majeure', { PROCEDURE_FOLLOWED: 'NOT_MET' }],
    ['diligence unclear, no force majeure', { DILIGENCE_AND_LOSS_RECOVERY: 'UNCLEAR' }],
    ['improper gain, even with force majeure', { NO_IMPROPER_GAIN: 'NOT_MET', FORCE_MAJEURE: 'MET' }],
    ['acted after a ban unclear, even with force majeure', { NOT_PROHIBITED_AT_THE_TIME: 'UNCLEAR', FORCE_MAJEURE: 'MET' }],
  ] as const)('EXEMPTION_NOT_JUSTIFIED: %s', (_label, values) => {
    const s = toDecision(values);
    expectRefused(s, votes({ m1: 'EXEMPT' })[0], 'EXEMPTION_NOT_JUSTIFIED', 'choice');
    // Lenient and not-exempt remain open to the body.
    expect(checkReviewAction(s, votes({ m1: 'LENIENT' })[0]).ok).toBe(true);
    expect(checkReviewAction(s, votes({ m1: 'NOT_EXEMPT' })[0]).ok).toBe(true);
  });

  it('APPEAL_WINDOW_CLOSED and APPEAL_ALREADY_USED', () => {
    let s = toAppealWindow(steps(toDecision(), votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT' })));
    const closesAt = s.context.appealClosesAt!;
    expectRefused(s, { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服', at: closesAt }, 'APPEAL_WINDOW_CLOSED', 'at');
    s = step(s, { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服', at: closesAt - 1 });
    expectRefused(s, { type: 'APPEAL', appellantId: OTHER_OFFICIAL, grounds: '不服', at: closesAt - 1 }, 'APPEAL_ALREADY_USED');
  });

  it('NEW_PEOPLE_REQUIRED: the appeal body and its investigators are new to the case', () => {
    let s = toAppealWindow(steps(toDecision(), votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT' })));
    s = step(s, { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服', at: s.context.appealClosesAt! - 1 });
    const body = { name: '市纪委', level: 'CITY' as const, memberIds: ['p1', 'p2', MEMBERS[0]] };
    expectRefused(s, { type: 'OPEN_APPEAL_REVIEW', actorId: 'c9', at: T0 + 30 * DAY, body }, 'NEW_PEOPLE_REQUIRED', 'body.memberIds.2');
  });

  it('DECIDE validates the impact period and corrective measures', () => {
    const exempt = steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT' }));
    expectRefused(exempt, decide({ impactPeriodEndsAt: DECIDED_AT + DAY }), 'VALIDATION_FAILED', 'impactPeriodEndsAt');
    const measure = { id: 'cm', description: '整改', dueAt: DECIDED_AT };
    expectRefused(exempt, decide({ correctiveMeasures: [measure] }), 'VALIDATION_FAILED', 'correctiveMeasures.0.dueAt');
    const later = { ...measure, dueAt: DECIDED_AT + DAY };
    expectRefused(exempt, decide({ correctiveMeasures: [later, later] }), 'VALIDATION_FAILED', 'correctiveMeasures.1.id');
    const lenient = steps(toDecision(), votes({ m1: 'LENIENT', m2: 'LENIENT' }));
    expectRefused(lenient, decide({ impactPeriodEndsAt: DECIDED_AT }), 'VALIDATION_FAILED', 'impactPeriodEndsAt');
  });

  it('TRANSITION_NOT_ALLOWED: events out of turn, and anything once the case is closed', () => {
    expectRefused(start(), { type: 'ACCEPT', actorId: CLERK, at: T0 }, 'TRANSITION_NOT_ALLOWED');
    expectRefused(admitted(), { type: 'SERVE_NOTICE', actorId: CLERK, at: T0 }, 'TRANSITION_NOT_ALLOWED');
    const refused = steps(start(), [
      { type: 'APPLY', applicantId: OFFICIAL, at: T0 },
      { type: 'REFUSE', actorId: CLERK, at: T0, reasons: ['不属于容错情形'] },
    ]);
    expectRefused(refused, { type: 'ACCEPT', actorId: CLERK, at: T0 }, 'TRANSITION_NOT_ALLOWED');
  });

  it('VALIDATION_FAILED: a malformed or unknown event is refused by the checker with the field at fault', () => {
    expect(checkReviewAction(start(), { type: 'APPLY', applicantId: '', at: T0 })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      field: 'applicantId',
    });
    expect(checkReviewAction(start(), { type: 'SELF_EXEMPT' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(checkReviewAction(start(), null)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('the checker returns the parsed event with defaults for the workflow to step with', () => {
    const s = steps(toDecision(), votes({ m1: 'EXEMPT', m2: 'EXEMPT' }));
    const check = checkReviewAction(s, { type: 'DECIDE', actorId: CLERK, at: DECIDED_AT });
    expect(check).toEqual({ ok: true, event: { type: 'DECIDE', actorId: CLERK, at: DECIDED_AT, correctiveMeasures: [] } });
  });
});
