import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { earlierReviewStages, lifecycleMachine, type TLifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-machine';
import { APPROVE, ENDED, EXPLORATION, input } from './exploration';

const APPROVE_REJECT: TLifecycleEvent = { type: 'REJECT', actorId: 'reviewer', reason: 'r' };

function run(...events: TLifecycleEvent[]) {
  let [s] = initialTransition(lifecycleMachine, input);
  for (const e of events) [s] = transition(lifecycleMachine, s, e);
  return s;
}

describe('lifecycle machine (pure)', () => {
  it('moves proposal → village publicity → township review → township publicity → county review → approval → pool → implementation', () => {
    let [s] = initialTransition(lifecycleMachine, input);
    expect(s.value).toBe('PROPOSED');
    const expected: Array<[TLifecycleEvent, string]> = [
      [{ type: 'SUBMIT' }, 'VILLAGE_PUBLICITY'],
      [ENDED, 'TOWNSHIP_REVIEW'],
      [APPROVE, 'TOWNSHIP_PUBLICITY'],
      [ENDED, 'COUNTY_JOINT_REVIEW'],
      [{ type: 'APPROVE', actorId: 'agri' }, 'COUNTY_APPROVAL'],
      [{ type: 'APPROVE', actorId: 'leader' }, 'IN_POOL'],
      [{ type: 'ALLOCATE', actorId: 'finance', fiscalYear: 2027, amountFen: 1_000 }, 'IMPLEMENTATION'],
    ];
    for (const [event, stage] of expected) {
      [s] = transition(lifecycleMachine, s, event);
      expect(s.value).toBe(stage);
    }
    expect(s.context.reviewRound).toBe(1);
    expect(s.context.allocation).toEqual({ actorId: 'finance', fiscalYear: 2027, amountFen: 1_000 });
    expect(s.status).toBe('active');
  });

  it('an objection during a publicity period returns the project; resubmission posts it again', () => {
    let s = run({ type: 'SUBMIT' }, { type: 'OBJECTION', actorId: 'villager', text: '占用基本农田' });
    expect(s.value).toBe('RETURNED');
    expect(s.context.objection).toEqual({ actorId: 'villager', text: '占用基本农田' });
    [s] = transition(lifecycleMachine, s, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('VILLAGE_PUBLICITY');
    expect(s.context.objection).toBeNull();
    // After the township publicity, an objection leads to a new township review round.
    s = run({ type: 'SUBMIT' }, ENDED, APPROVE, { type: 'OBJECTION', actorId: 'x', text: 't' }, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    expect(s.context.reviewRound).toBe(2);
  });

  it('objections are taken only during publicity', () => {
    const review = run({ type: 'SUBMIT' }, ENDED);
    expect(review.can({ type: 'OBJECTION', actorId: 'x', text: 't' })).toBe(false);
    expect(run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED).can({ type: 'OBJECTION', actorId: 'x', text: 't' })).toBe(false);
  });

  it('a return goes back to the village; resubmission resumes the review that returned it', () => {
    let s = run({ type: 'SUBMIT' }, ENDED, { type: 'RETURN', actorId: 'reviewer', reason: '补充材料' });
    expect(s.value).toBe('RETURNED');
    [s] = transition(lifecycleMachine, s, { type: 'RESUBMIT', actorId: 'proposer' });
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    s = run(
      { type: 'SUBMIT' },
      ENDED,
      APPROVE,
      ENDED,
      APPROVE,
      { type: 'RETURN', actorId: 'leader', reason: '用地' },
      { type: 'RESUBMIT', actorId: 'proposer' },
    );
    expect(s.value).toBe('COUNTY_APPROVAL');
  });

  it('a county review returns the matter to the township review; its approval resumes the county stage, not the publicity', () => {
    const back: TLifecycleEvent = { type: 'RETURN_TO_STEP', actorId: 'finance', reason: '补充用地手续', to: 'TOWNSHIP_REVIEW' };
    let s = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, back);
    expect(s.value).toBe('TOWNSHIP_REVIEW');
    expect(s.context.resumeStack).toEqual(['COUNTY_JOINT_REVIEW']);
    [s] = transition(lifecycleMachine, s, APPROVE);
    expect(s.value).toBe('COUNTY_JOINT_REVIEW');
    expect(s.context.resumeStack).toEqual([]);
    // Without a waiting stage, the township's approval goes on to its publicity as always.
    expect(run({ type: 'SUBMIT' }, ENDED, APPROVE).value).toBe('TOWNSHIP_PUBLICITY');
  });

  it('returns nest: approval → joint review → township → village, and each resumes in turn', () => {
    const s0 = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, APPROVE);
    expect(s0.value).toBe('COUNTY_APPROVAL');
    const steps: Array<[TLifecycleEvent, string, string[]]> = [
      [{ type: 'RETURN_TO_STEP', actorId: 'leader', reason: '论证不充分', to: 'COUNTY_JOINT_REVIEW' }, 'COUNTY_JOINT_REVIEW', ['COUNTY_APPROVAL']],
      [{ type: 'RETURN_TO_STEP', actorId: 'agri', reason: '乡镇核实', to: 'TOWNSHIP_REVIEW' }, 'TOWNSHIP_REVIEW', ['COUNTY_APPROVAL', 'COUNTY_JOINT_REVIEW']],
      [{ type: 'RETURN', actorId: 'reviewer', reason: '村里补材料' }, 'RETURNED', ['COUNTY_APPROVAL', 'COUNTY_JOINT_REVIEW']],
      [{ type: 'RESUBMIT', actorId: 'proposer' }, 'TOWNSHIP_REVIEW', ['COUNTY_APPROVAL', 'COUNTY_JOINT_REVIEW']],
      [APPROVE, 'COUNTY_JOINT_REVIEW', ['COUNTY_APPROVAL']],
      [{ type: 'APPROVE', actorId: 'agri' }, 'COUNTY_APPROVAL', []],
      [{ type: 'APPROVE', actorId: 'leader' }, 'IN_POOL', []],
    ];
    let s = s0;
    for (const [event, stage, stack] of steps) {
      [s] = transition(lifecycleMachine, s, event);
      expect([s.value, s.context.resumeStack]).toEqual([stage, stack]);
    }
    // The county approval can also skip straight to the township.
    const direct = transition(lifecycleMachine, s0, { type: 'RETURN_TO_STEP', actorId: 'leader', reason: 'r', to: 'TOWNSHIP_REVIEW' })[0];
    expect([direct.value, transition(lifecycleMachine, direct, APPROVE)[0].value]).toEqual(['TOWNSHIP_REVIEW', 'COUNTY_APPROVAL']);
  });

  it('a return to a step goes only to an earlier review stage, with a reason, not by the proposer', () => {
    const joint = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED);
    const to = (stage: string, extra: Partial<{ reason: string; actorId: string }> = {}) =>
      ({ type: 'RETURN_TO_STEP', actorId: 'finance', reason: '理由', to: stage, ...extra }) as TLifecycleEvent;
    expect(joint.can(to('TOWNSHIP_REVIEW'))).toBe(true);
    expect(joint.can(to('COUNTY_JOINT_REVIEW'))).toBe(false);
    expect(joint.can(to('COUNTY_APPROVAL'))).toBe(false);
    expect(joint.can(to('ACCEPTANCE'))).toBe(false);
    expect(joint.can(to('TOWNSHIP_REVIEW', { reason: '  ' }))).toBe(false);
    expect(joint.can(to('TOWNSHIP_REVIEW', { actorId: 'proposer' }))).toBe(false);
    // The township review has nothing before it; publicity and pool stages take no returns at all.
    expect(run({ type: 'SUBMIT' }, ENDED).can(to('TOWNSHIP_REVIEW'))).toBe(false);
    expect(run({ type: 'SUBMIT' }).can(to('TOWNSHIP_REVIEW'))).toBe(false);
    expect(earlierReviewStages('COUNTY_APPROVAL')).toEqual(['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW']);
    expect(earlierReviewStages('ACCEPTANCE')).toEqual([]);
  });

  it('a snapshot carried over from before resumeStack existed still approves onwards', () => {
    const [fresh] = initialTransition(lifecycleMachine, input);
    const { resumeStack: _dropped, ...older } = fresh.context;
    const s = lifecycleMachine.resolveState({ value: 'TOWNSHIP_REVIEW', context: older as typeof fresh.context });
    expect(transition(lifecycleMachine, s, APPROVE)[0].value).toBe('TOWNSHIP_PUBLICITY');
  });

  it('refuses the proposer approving their own project (separation of duties)', () => {
    const s = run({ type: 'SUBMIT' }, ENDED);
    expect(s.can({ type: 'APPROVE', actorId: 'proposer' })).toBe(false);
    expect(transition(lifecycleMachine, s, { type: 'APPROVE', actorId: 'proposer' })[0].value).toBe('TOWNSHIP_REVIEW');
  });

  it('only the proposer withdraws, and a rejection at county level ends the project', () => {
    const s = run({ type: 'SUBMIT' }, ENDED);
    expect(s.can({ type: 'WITHDRAW', actorId: 'reviewer' })).toBe(false);
    expect(transition(lifecycleMachine, s, { type: 'WITHDRAW', actorId: 'proposer' })[0].value).toBe('WITHDRAWN');
    const rejected = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, { type: 'REJECT', actorId: 'finance', reason: '不符合政策' });
    expect(rejected.value).toBe('REJECTED');
    expect(rejected.status).toBe('done');
  });

  it('an allocation above the budget, or outside the pool, is refused', () => {
    const pool = run({ type: 'SUBMIT' }, ENDED, APPROVE, ENDED, APPROVE, APPROVE);
    expect(pool.value).toBe('IN_POOL');
    expect(pool.can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 1_001 })).toBe(false);
    expect(pool.can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 0 })).toBe(false);
    expect(run({ type: 'SUBMIT' }).can({ type: 'ALLOCATE', actorId: 'f', fiscalYear: 2027, amountFen: 1 })).toBe(false);
  });

  it('ignores events that are out of order', () => {
    const [s] = initialTransition(lifecycleMachine, input);
    expect(s.can({ type: 'APPROVE', actorId: 'reviewer' })).toBe(false);
    expect(s.can({ type: 'RESUBMIT', actorId: 'proposer' })).toBe(false);
    expect(s.can(ENDED)).toBe(false);
  });

  const FUNDED: TLifecycleEvent[] = [
    { type: 'SUBMIT' },
    ENDED,
    APPROVE,
    ENDED,
    APPROVE,
    APPROVE,
    { type: 'ALLOCATE', actorId: 'finance', fiscalYear: 2027, amountFen: 1_000 },
  ];
  const BUILT: TLifecycleEvent[] = [...FUNDED, { type: 'PROGRESS_VERIFIED', actorId: 'agri', percent: 100 }];
  const OPERATING: TLifecycleEvent[] = [
    ...BUILT,
    { type: 'REQUEST_ACCEPTANCE', actorId: 'proposer' },
    { type: 'APPROVE', actorId: 'agri' },
    ENDED,
    { type: 'HANDED_OVER', actorId: 'proposer', date: '2028-06-01' },
  ];
  const graded = (grade: 'EXCELLENT' | 'GOOD' | 'FAIR' | 'POOR'): TLifecycleEvent[] => [
    { type: 'EVALUATION_DUE' },
    { type: 'EVALUATED', actorId: 'leader', grade },
  ];

  it('after funding: implementation → acceptance → publicity → handover → operation, evaluations in between', () => {
    let s = run(...FUNDED);
    expect(s.value).toBe('IMPLEMENTATION');
    // Acceptance needs 100% verified progress; progress never goes down.
    expect(s.can({ type: 'REQUEST_ACCEPTANCE', actorId: 'proposer' })).toBe(false);
    [s] = transition(lifecycleMachine, s, { type: 'PROGRESS_VERIFIED', actorId: 'agri', percent: 60 });
    expect(s.can({ type: 'PROGRESS_VERIFIED', actorId: 'agri', percent: 50 })).toBe(false);
    expect(s.can({ type: 'PROGRESS_VERIFIED', actorId: 'agri', percent: 101 })).toBe(false);
    [s] = transition(lifecycleMachine, s, { type: 'CAPITAL_VERIFIED', actorId: 'finance', amountFen: 300 });
    [s] = transition(lifecycleMachine, s, { type: 'CAPITAL_VERIFIED', actorId: 'finance', amountFen: 200 });
    expect(s.context).toMatchObject({ verifiedProgressPercent: 60, ownCapitalInvestedFen: 500 });
    s = run(...OPERATING);
    expect(s.value).toBe('OPERATION');
    expect(s.context).toMatchObject({ acceptancePassed: true, handoverDate: '2028-06-01', failedInspections: 0 });
    s = run(...OPERATING, ...graded('GOOD'));
    expect(s.value).toBe('OPERATION');
    expect(s.context).toMatchObject({ latestGrade: 'GOOD', evaluations: 1, inRectification: false });
    // A funded project is not withdrawn, even when returned.
    const returned = run(...BUILT, { type: 'REQUEST_ACCEPTANCE', actorId: 'proposer' }, { type: 'RETURN', actorId: 'agri', reason: '补充资料' });
    expect(returned.value).toBe('RETURNED');
    expect(returned.can({ type: 'WITHDRAW', actorId: 'proposer' })).toBe(false);
    expect(transition(lifecycleMachine, returned, { type: 'RESUBMIT', actorId: 'proposer' })[0].value).toBe('ACCEPTANCE');
  });

  it('a failed inspection opens rectification and re-inspection, at most maxReinspections times, then the leading group decides', () => {
    const fail: TLifecycleEvent = { type: 'REJECT', actorId: 'agri', reason: '质量不达标' };
    const fix: TLifecycleEvent = { type: 'RECTIFIED', actorId: 'proposer' };
    let [s] = initialTransition(lifecycleMachine, { ...input, maxReinspections: 2 });
    for (const e of [...BUILT, { type: 'REQUEST_ACCEPTANCE', actorId: 'proposer' } as TLifecycleEvent]) [s] = transition(lifecycleMachine, s, e);
    const stages: string[] = [];
    for (const e of [fail, fix, fail, fix, fail]) {
      [s] = transition(lifecycleMachine, s, e);
      stages.push(String(s.value));
    }
    expect(stages).toEqual(['ACCEPTANCE_RECTIFICATION', 'ACCEPTANCE', 'ACCEPTANCE_RECTIFICATION', 'ACCEPTANCE', 'REPLACEMENT_REVIEW']);
    expect(s.context.failedInspections).toBe(3);
  });

  it('差 → rectification → re-evaluation; a second 差 goes to replacement; replacement closes, a refusal grants another round', () => {
    let s = run(...OPERATING, ...graded('POOR'));
    expect(s.value).toBe('RECTIFICATION');
    expect(s.context.inRectification).toBe(true);
    [s] = transition(lifecycleMachine, s, { type: 'RECTIFICATION_DUE' });
    expect(s.value).toBe('EVALUATION');
    // A re-evaluation that is not 差 ends the rectification.
    expect(transition(lifecycleMachine, s, { type: 'EVALUATED', actorId: 'leader', grade: 'FAIR' })[0].context.inRectification).toBe(false);
    [s] = transition(lifecycleMachine, s, { type: 'EVALUATED', actorId: 'leader', grade: 'POOR' });
    expect(s.value).toBe('REPLACEMENT_REVIEW');
    const kept = transition(lifecycleMachine, s, { type: 'REJECT', actorId: 'leader', reason: '再给一次机会' })[0];
    expect(kept.value).toBe('RECTIFICATION');
    expect(s.can({ type: 'APPROVE', actorId: 'proposer' })).toBe(false);
    [s] = transition(lifecycleMachine, s, { type: 'APPROVE', actorId: 'leader' });
    expect(s.value).toBe('CLOSED');
    expect(s.context.closedReason).toBe('REPLACED');
    expect(s.status).toBe('done');
  });

  it('xstate/graph reaches every state', () => {
    const paths = getShortestPaths(lifecycleMachine, EXPLORATION);
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect(reached).toEqual(new Set(Object.keys(lifecycleMachine.config.states!)));
    // Every return to a step and every resumption is reachable: each review stage with each
    // stack of stages waiting above it.
    const stacks = new Set(paths.map((p) => `${String(p.state.value)}<${(p.state.context.resumeStack ?? []).join(',')}`));
    for (const want of [
      'TOWNSHIP_REVIEW<COUNTY_JOINT_REVIEW',
      'TOWNSHIP_REVIEW<COUNTY_APPROVAL',
      'COUNTY_JOINT_REVIEW<COUNTY_APPROVAL',
      'TOWNSHIP_REVIEW<COUNTY_APPROVAL,COUNTY_JOINT_REVIEW',
      'RETURNED<COUNTY_JOINT_REVIEW',
    ]) {
      expect(stacks).toContain(want);
    }
  });

  it('names the effect `enterStage` on every change of stage, with the stage entered, and none when the stage stays', () => {
    let transitions = 0;
    for (const path of getShortestPaths(lifecycleMachine, EXPLORATION)) {
      let [s] = initialTransition(lifecycleMachine, input);
      for (const { event } of path.steps) {
        const [next, actions] = transition(lifecycleMachine, s, event);
        const entered = actions.filter((a) => a.type === 'enterStage').map((a) => a.params);
        expect(entered).toEqual(next.value === s.value ? [] : [{ stage: next.value }]);
        transitions += 1;
        s = next;
      }
    }
    expect(transitions).toBeGreaterThan(100);
    // A rejected evaluation is an explicit transition that stays in EVALUATION: no stage entered.
    const [, actions] = transition(lifecycleMachine, lifecycleMachine.resolveState({ value: 'EVALUATION', context: run().context }), APPROVE_REJECT);
    expect(actions.filter((a) => a.type === 'enterStage')).toEqual([]);
  });
});
