import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  checkReviewAction,
  correctiveMeasureTasks,
  eligibilityClosesAt,
  eligibilityId,
  eligibleOfficials,
  fundViolationFlagsFor,
  reviewMachine,
  type TConfirmedRiskFlag,
  type TReviewSnapshot,
} from './imports';
import {
  CLERK,
  DAY,
  decide,
  expectRefused,
  FILED_AT,
  makeInput,
  NOTIFIED_AT,
  OFFICIAL,
  OTHER_OFFICIAL,
  start,
  step,
  steps,
  T0,
  toAppealWindow,
  toDecision,
  votes,
} from './fixtures';

describe('who is notified of a 差 grade or a replacement (eligibility.ts)', () => {
  it('the proposer and the approvers of the township review, joint review and county approval, once each, in a stable order', () => {
    const officials = eligibleOfficials({
      proposerId: 'u-village',
      approvals: [
        { actorId: 'u-township', taskKind: 'TOWNSHIP_REVIEW' },
        { actorId: 'u-finance', taskKind: 'COUNTY_JOINT_REVIEW' },
        { actorId: 'u-agri', taskKind: 'COUNTY_JOINT_REVIEW' },
        // The same approver twice (a returned and resubmitted round): one entry.
        { actorId: 'u-agri', taskKind: 'COUNTY_JOINT_REVIEW' },
        { actorId: 'u-leader', taskKind: 'COUNTY_APPROVAL' },
        // Not concerned by the trigger: the evaluation, the payments, the replacement decision.
        { actorId: 'u-leader2', taskKind: 'EVALUATION_APPROVAL' },
        { actorId: 'u-agri2', taskKind: 'PAYMENT_VERIFICATION' },
        { actorId: 'u-leader3', taskKind: 'REPLACEMENT_DECISION' },
      ],
    });
    expect(officials).toEqual([
      { userId: 'u-agri', bases: ['COUNTY_JOINT_REVIEW'] },
      { userId: 'u-finance', bases: ['COUNTY_JOINT_REVIEW'] },
      { userId: 'u-leader', bases: ['COUNTY_APPROVAL'] },
      { userId: 'u-township', bases: ['TOWNSHIP_REVIEW'] },
      { userId: 'u-village', bases: ['PROPOSER'] },
    ]);
    expect(eligibilityId({ projectId: 'P1', trigger: 'POOR_GRADE', triggerRef: 'P1:evaluation:2', userId: 'u-agri' })).toBe(
      'P1:POOR_GRADE:P1:evaluation:2:u-agri',
    );
  });

  it('the window the notice states is the one the machine enforces, to the millisecond', () => {
    const closesAt = eligibilityClosesAt({ notifiedAt: NOTIFIED_AT, windowDays: 30 });
    // 2026-01-10 10:00 Shanghai + 30 whole days: closes at midnight starting 2026-02-10, Shanghai.
    expect(new Date(closesAt).toISOString()).toBe('2026-02-09T16:00:00.000Z');
    const snapshot = start(makeInput());
    expect(checkReviewAction(snapshot, { type: 'APPLY', applicantId: OFFICIAL, at: closesAt - 1 })).toMatchObject({ ok: true });
    expectRefused(snapshot, { type: 'APPLY', applicantId: OFFICIAL, at: closesAt }, 'APPLICATION_WINDOW_CLOSED', 'at');
  });
});

describe('confirmed risk flags as fund violations (fund-violation-flags.ts)', () => {
  const flags: TConfirmedRiskFlag[] = [
    {
      flagId: 'P1:pay:2:PAYEE_NOT_IMPLEMENTER',
      projectId: 'P1',
      paymentId: 'P1:pay:2',
      code: 'PAYEE_NOT_IMPLEMENTER',
      requestedBy: 'u-impl',
      verifierIds: [OFFICIAL],
    },
    { flagId: 'P1:pay:2:DUPLICATE_INVOICE', projectId: 'P1', paymentId: 'P1:pay:2', code: 'DUPLICATE_INVOICE', requestedBy: 'u-impl', verifierIds: [OFFICIAL] },
    {
      flagId: 'P1:pay:7:OVERSPEND_NEEDS_NEW_APPROVAL',
      projectId: 'P1',
      paymentId: 'P1:pay:7',
      code: 'OVERSPEND_NEEDS_NEW_APPROVAL',
      requestedBy: 'system',
      verifierIds: [],
    },
  ];

  it('are against the requester and the verification approvers, and only those named in the case count', () => {
    expect(fundViolationFlagsFor({ flags, concernedUserIds: [OFFICIAL, 'u-impl', 'u-finance'] })).toEqual([
      {
        flagId: 'P1:pay:2:DUPLICATE_INVOICE',
        projectId: 'P1',
        userId: 'u-impl',
        kind: 'FRAUDULENT_CLAIM',
        confirmed: true,
        paymentId: 'P1:pay:2',
        riskCode: 'DUPLICATE_INVOICE',
        against: 'REQUESTER',
      },
      {
        flagId: 'P1:pay:2:DUPLICATE_INVOICE',
        projectId: 'P1',
        userId: OFFICIAL,
        kind: 'FRAUDULENT_CLAIM',
        confirmed: true,
        paymentId: 'P1:pay:2',
        riskCode: 'DUPLICATE_INVOICE',
        against: 'VERIFIER',
      },
      {
        flagId: 'P1:pay:2:PAYEE_NOT_IMPLEMENTER',
        projectId: 'P1',
        userId: 'u-impl',
        kind: 'MISAPPROPRIATION',
        confirmed: true,
        paymentId: 'P1:pay:2',
        riskCode: 'PAYEE_NOT_IMPLEMENTER',
        against: 'REQUESTER',
      },
      {
        flagId: 'P1:pay:2:PAYEE_NOT_IMPLEMENTER',
        projectId: 'P1',
        userId: OFFICIAL,
        kind: 'MISAPPROPRIATION',
        confirmed: true,
        paymentId: 'P1:pay:2',
        riskCode: 'PAYEE_NOT_IMPLEMENTER',
        against: 'VERIFIER',
      },
    ]);
    expect(fundViolationFlagsFor({ flags, concernedUserIds: [OTHER_OFFICIAL] })).toEqual([]);
  });

  it('close admission for the official they are against, saying which payment and why; the others of the case stay admissible', () => {
    const fundViolationFlags = fundViolationFlagsFor({ flags, concernedUserIds: [OFFICIAL] });
    const applied = step(start(makeInput({ fundViolationFlags })), { type: 'APPLY', applicantId: OFFICIAL, at: T0 });
    const refusal = expectRefused(applied, { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY }, 'CASE_INADMISSIBLE');
    expect(refusal.ok === false && refusal.message).toContain(
      '项目 P1 的拨付 P1:pay:2 经确认存在"收款方非实施主体"（挪用），u-official-li 为该笔拨付的核验审批人',
    );
    expect(refusal.ok === false && refusal.message).toContain('"发票重复使用"（套取/虚报冒领）');

    const clean = step(
      start(
        makeInput({
          case: { ...makeInput().case, concernedOfficials: [{ userId: OTHER_OFFICIAL, name: '王芳' }] },
          fundViolationFlags: fundViolationFlagsFor({ flags, concernedUserIds: [OTHER_OFFICIAL] }),
        }),
      ),
      { type: 'APPLY', applicantId: OTHER_OFFICIAL, at: T0 },
    );
    step(clean, { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY });
  });
});

describe('corrective measures become tasks once the result is final (corrective-measure-tasks.ts)', () => {
  const measures = [
    {
      id: 'm1',
      description: '建立茶园霜冻预警和应急管护制度',
      dueAt: T0 + 90 * DAY,
      responsibleOrgUnitId: 'v-taoyuan',
      responsibleRole: 'VILLAGE_COMMITTEE' as const,
    },
    {
      id: 'm2',
      description: '补齐拨付核验台账',
      dueAt: T0 + 60 * DAY,
      responsibleOrgUnitId: 'c-qingshan',
      responsibleRole: 'COUNTY_AGRICULTURE' as const,
      projectId: 'P-tea-01',
    },
    { id: 'm3', description: '约谈', dueAt: T0 + 30 * DAY, responsibleOrgUnitId: 't-hexi' },
    { id: 'm4', description: '通报', dueAt: T0 + 30 * DAY },
  ];
  const decided = (): TReviewSnapshot => steps(toDecision(), [...votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT', m3: 'NOT_EXEMPT' })]);

  it("none before the result is applied, one per measure after, in the named inbox or else the deciding body's", () => {
    const inWindow = toAppealWindow(decided(), decide({ correctiveMeasures: measures }));
    expect(correctiveMeasureTasks({ context: inWindow.context, workflowId: 'review-FT-2026-001', countyOrgUnitId: 'c-danfeng' })).toEqual([]);
    const [final] = transition(reviewMachine, inWindow, { type: 'APPEAL_WINDOW_CLOSED', at: FILED_AT + 16 * DAY });
    expect(final.value).toBe('resultApplied');
    const tasks = correctiveMeasureTasks({ context: final.context, workflowId: 'review-FT-2026-001', countyOrgUnitId: 'c-danfeng' });
    expect(tasks.map((t) => [t.taskId, t.projectId, t.orgUnitId, t.role, t.dueAt])).toEqual([
      ['review-FT-2026-001:measure:m1', 'P-tea-01', 'v-taoyuan', 'VILLAGE_COMMITTEE', T0 + 90 * DAY],
      ['review-FT-2026-001:measure:m2', 'P-tea-01', 'c-qingshan', 'COUNTY_AGRICULTURE', T0 + 60 * DAY],
      // A named unit without a role: the role follows from its level (the activity looks it up).
      ['review-FT-2026-001:measure:m3', 'P-tea-01', 't-hexi', null, T0 + 30 * DAY],
      // No unit named: the deciding body (no org unit in the fixture: the county) tracks it.
      ['review-FT-2026-001:measure:m4', 'P-tea-01', 'c-danfeng', 'DISCIPLINE_INSPECTION', T0 + 30 * DAY],
    ]);
    expect(tasks[0]!.title).toBe('纠错整改：建立茶园霜冻预警和应急管护制度 · 容错纠错 FT-2026-001');
  });

  it('a measure about a project outside the case is refused with its field', () => {
    expectRefused(
      decided(),
      decide({ correctiveMeasures: [{ ...measures[0]!, projectId: 'P-elsewhere' }] }),
      'VALIDATION_FAILED',
      'correctiveMeasures.0.projectId',
    );
  });
});
