import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { defectCommandRefusal, openDefectCount, type TDefect } from '../../../src/domain/lifecycle/defect-repair';
import { lifecycleMachine } from '../../../src/domain/lifecycle/lifecycle-machine';
import { commandLifecycleEvent, projectCommandPreconditionRefusal, type TProjectFacts } from '../../../src/domain/lifecycle/project-command-preconditions';
import { ZProjectCommand, type TProjectCommandInput } from '../../../src/domain/lifecycle/project-commands';
import { DEFAULT_COUNTY_SETTINGS } from '../../../src/domain/policies/settings';
import { agri, finance, implementer, township } from '../../support/county-actors';

/** The projectAct preconditions as a pure function of the project's facts (issue #13: command preconditions as guards). */
const VILLAGE = '/c-qingshan/t-hexi/v-taoyuan/';
const facts = (over: Partial<TProjectFacts> = {}): TProjectFacts => ({
  projectId: 'p1',
  projectOrgPath: VILLAGE,
  reports: [],
  verifiedProgressPercent: 0,
  assetCount: 0,
  incomePeriods: [],
  evaluation: null,
  rectificationDueAt: null,
  replacement: null,
  acceptanceRound: 0,
  acceptanceVote: null,
  defects: [],
  rules: true,
  evaluationSettings: DEFAULT_COUNTY_SETTINGS.evaluation,
  ...over,
});
const cmd = (c: TProjectCommandInput) => ZProjectCommand.parse(c);
const refusal = (f: TProjectFacts, c: TProjectCommandInput, who = agri) => projectCommandPreconditionRefusal(f, cmd(c), who);

describe('project command preconditions', () => {
  const progress = { id: 'r1', kind: 'PROGRESS' as const, percent: 60, amountFen: null, verified: false };
  it('a report is verified once, by its verifier, never below the progress already verified', () => {
    expect(refusal(facts(), { type: 'VERIFY_REPORT', reportId: 'r9' })).toMatchObject({ code: 'REPORT_NOT_FOUND', field: 'body.command.reportId' });
    expect(refusal(facts({ reports: [{ ...progress, verified: true }] }), { type: 'VERIFY_REPORT', reportId: 'r1' })).toMatchObject({
      code: 'ALREADY_VERIFIED',
    });
    expect(refusal(facts({ reports: [progress] }), { type: 'VERIFY_REPORT', reportId: 'r1' }, finance)).toMatchObject({
      code: 'ROLE_NOT_ALLOWED',
      field: 'actor.roles',
    });
    expect(refusal(facts({ reports: [progress], verifiedProgressPercent: 80 }), { type: 'VERIFY_REPORT', reportId: 'r1' }, township)).toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
      field: 'body.command.reportId',
    });
    expect(refusal(facts({ reports: [progress] }), { type: 'VERIFY_REPORT', reportId: 'r1' }, township)).toBeNull();
  });
  it('acceptance needs 100 % verified; handover needs assets', () => {
    expect(refusal(facts({ verifiedProgressPercent: 99 }), { type: 'REQUEST_ACCEPTANCE' }, implementer)).toMatchObject({
      code: 'PROGRESS_NOT_COMPLETE',
      field: 'body.command',
    });
    expect(refusal(facts({ verifiedProgressPercent: 100 }), { type: 'REQUEST_ACCEPTANCE' }, implementer)).toBeNull();
    expect(refusal(facts(), { type: 'CONFIRM_HANDOVER' })).toMatchObject({ code: 'NO_ASSETS_REGISTERED' });
    expect(refusal(facts({ assetCount: 1 }), { type: 'CONFIRM_HANDOVER' })).toBeNull();
  });
  it('an income period once, ending after it starts', () => {
    const income = (from: string, until: string): TProjectCommandInput => ({
      type: 'RECORD_INCOME',
      period: { from, until },
      incomeFen: 100,
      households: [{ householdId: 'h1', shares: 1 }],
    });
    expect(refusal(facts({ incomePeriods: ['2028-01-01/2029-01-01'] }), income('2028-01-01', '2029-01-01'))).toMatchObject({
      code: 'CONFLICT',
      field: 'body.command.period',
    });
    expect(refusal(facts(), income('2029-01-01', '2028-01-01'))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.command.period.until' });
  });
  it('one evaluation, rectification plan and replacement at a time; a project never replaces itself', () => {
    const indicators = {
      output: { quantity: 85, quality: 85, timeliness: 85, cost: 85 },
      benefit: { economic: 85, social: 85, ecological: 85, sustainability: 85 },
      satisfactionPercent: 90,
      budgetExecutionPercent: 85,
    };
    expect(refusal(facts({ evaluation: { id: 'e1' } }), { type: 'SUBMIT_EVALUATION', indicators })).toMatchObject({ code: 'CONFLICT' });
    expect(refusal(facts(), { type: 'SUBMIT_EVALUATION', indicators, outcomeClass: 'ADJUST' })).toMatchObject({
      code: 'REASON_REQUIRED',
      field: 'body.command.outcomeReason',
    });
    expect(refusal(facts({ rules: false }), { type: 'SUBMIT_EVALUATION', indicators, outcomeClass: 'ADJUST' })).toBeNull();
    expect(refusal(facts({ rectificationDueAt: 1 }), { type: 'SUBMIT_RECTIFICATION_PLAN', plan: 'x', dueInDays: 30 })).toMatchObject({ code: 'CONFLICT' });
    expect(
      refusal(facts({ replacement: { replacementProjectId: 'p2' } }), { type: 'PROPOSE_REPLACEMENT', replacementProjectId: 'p3', reason: 'x' }),
    ).toMatchObject({ code: 'CONFLICT' });
    expect(refusal(facts(), { type: 'PROPOSE_REPLACEMENT', replacementProjectId: 'p1', reason: 'x' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'body.command.replacementProjectId',
    });
  });
  it("the villagers' vote once per inspection round", () => {
    const vote: TProjectCommandInput = { type: 'RECORD_ACCEPTANCE_VOTE', representatives: 45, votesFor: 40, votesAgainst: 1, satisfactionPercent: 95 };
    expect(refusal(facts({ acceptanceRound: 1, acceptanceVote: { round: 1 } }), vote)).toMatchObject({ code: 'CONFLICT' });
    expect(refusal(facts({ acceptanceRound: 2, acceptanceVote: { round: 1 } }), vote)).toBeNull();
  });
});

describe('defects: open → repaired → verified', () => {
  const open: TDefect = { id: 'd1', status: 'OPEN', reportedBy: 'u-village' };
  const repaired: TDefect = { ...open, status: 'REPAIRED', repairedBy: implementer.userId };
  it('only an open defect is reported repaired; only a repaired one verified, by someone else, a rejection with a comment', () => {
    expect(defectCommandRefusal([], { type: 'REPORT_DEFECT_REPAIRED', defectId: 'd1' }, 'u')).toMatchObject({
      code: 'DEFECT_NOT_FOUND',
      field: 'body.command.defectId',
    });
    expect(defectCommandRefusal([repaired], { type: 'REPORT_DEFECT_REPAIRED', defectId: 'd1' }, 'u')).toMatchObject({ code: 'CONFLICT' });
    expect(defectCommandRefusal([open], { type: 'VERIFY_DEFECT_REPAIR', defectId: 'd1', result: 'ACCEPTED' }, 'u-agri')).toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
    });
    expect(defectCommandRefusal([repaired], { type: 'VERIFY_DEFECT_REPAIR', defectId: 'd1', result: 'ACCEPTED' }, implementer.userId)).toMatchObject({
      code: 'SEPARATION_OF_DUTIES',
    });
    expect(defectCommandRefusal([repaired], { type: 'VERIFY_DEFECT_REPAIR', defectId: 'd1', result: 'REJECTED' }, 'u-agri')).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'body.command.comment',
    });
    expect(
      defectCommandRefusal([{ ...repaired, status: 'VERIFIED' }], { type: 'VERIFY_DEFECT_REPAIR', defectId: 'd1', result: 'ACCEPTED' }, 'u-agri'),
    ).toMatchObject({ code: 'ALREADY_VERIFIED' });
    expect(defectCommandRefusal([repaired], { type: 'VERIFY_DEFECT_REPAIR', defectId: 'd1', result: 'ACCEPTED' }, 'u-agri')).toBeNull();
    expect(openDefectCount([open, repaired, { ...open, id: 'd2', status: 'VERIFIED' }])).toBe(2);
  });
});

describe('the machine has the last word on a command', () => {
  it('own capital verified after implementation is an event the machine refuses', () => {
    let [snapshot] = initialTransition(lifecycleMachine, { projectId: 'p1', proposerId: 'u-village' });
    for (const event of [
      { type: 'SUBMIT' },
      { type: 'PUBLICITY_ENDED' },
      { type: 'APPROVE', actorId: 'u-t' },
      { type: 'PUBLICITY_ENDED' },
      { type: 'APPROVE', actorId: 'u-a' },
      { type: 'APPROVE', actorId: 'u-l' },
      { type: 'ALLOCATE', actorId: 'u-f', fiscalYear: 2027, amountFen: 100 },
    ] as const) {
      snapshot = transition(lifecycleMachine, snapshot, event)[0];
    }
    const capital = commandLifecycleEvent(cmd({ type: 'VERIFY_REPORT', reportId: 'r1' }), 'u-f', {
      reports: [{ id: 'r1', kind: 'CAPITAL', percent: null, amountFen: 5 }],
      today: '2028-01-01',
    })!;
    expect(snapshot.value).toBe('IMPLEMENTATION');
    expect(snapshot.can(capital)).toBe(true);
    expect(snapshot.can({ type: 'REQUEST_ACCEPTANCE', actorId: 'u-i' })).toBe(false);
    snapshot = transition(lifecycleMachine, snapshot, { type: 'PROGRESS_VERIFIED', actorId: 'u-a', percent: 100 })[0];
    snapshot = transition(lifecycleMachine, snapshot, { type: 'REQUEST_ACCEPTANCE', actorId: 'u-i' })[0];
    expect(snapshot.can(capital)).toBe(false);
  });

  it('a rejected evaluation is an explicit transition (redone in the same stage), not an event the machine refuses', () => {
    const evaluating = lifecycleMachine.resolveState({
      value: 'EVALUATION',
      context: initialTransition(lifecycleMachine, { projectId: 'p1', proposerId: 'u-village' })[0].context,
    });
    expect(evaluating.can({ type: 'REJECT', actorId: 'u-l', reason: '数据不实' })).toBe(true);
    expect(transition(lifecycleMachine, evaluating, { type: 'REJECT', actorId: 'u-l', reason: '数据不实' })[0].value).toBe('EVALUATION');
    expect(evaluating.can({ type: 'RECTIFIED', actorId: 'u-i' })).toBe(false);
  });
});
