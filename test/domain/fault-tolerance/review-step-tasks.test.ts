import { describe, expect, it } from 'vitest';
import { APPEAL_MEMBERS, APPROVER, CLERK, decide, makeInput, MEMBERS, OFFICIAL, start, steps, T0, DAY, toAppealWindow, toDecision, votes } from './fixtures';
import { closedTaskStatus, reviewStepTasks, type TReviewSnapshot } from './imports';

const WF = 'review-FT-2026-001';
const tasksOf = (snapshot: TReviewSnapshot, appealCandidateIds: string[] = []) =>
  reviewStepTasks({ context: snapshot.context, stage: String(snapshot.value), workflowId: WF, appealCandidateIds }).map((t) => [t.kind, t.userId, t.taskId]);

describe('the inbox of a case (review-step-tasks.ts)', () => {
  it('asks each step of the people it waits on, by name, in every stage', () => {
    // A body of three, one of whom approved the matter: never asked.
    const input = makeInput({ decidingBody: { name: '丹凤县纪委监委', level: 'COUNTY', memberIds: [...MEMBERS, APPROVER] } });
    expect(tasksOf(start(input))).toEqual([]);
    const admitting = steps(start(input), [{ type: 'APPLY', applicantId: OFFICIAL, at: T0 }]);
    expect(tasksOf(admitting)).toEqual(MEMBERS.map((m) => ['REVIEW_ADMISSION', m, `${WF}:r1:admission:${m}`]));

    const deciding = toDecision({}, input);
    expect(tasksOf(deciding).map(([kind, user]) => `${kind}:${user}`)).toEqual(MEMBERS.map((m) => `REVIEW_VOTE:${m}`));
    // Two of four members voted: below the quorum (3), the rest are still asked to vote.
    const twoVoted = steps(deciding, votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT' }));
    expect(tasksOf(twoVoted).map(([kind, user]) => `${kind}:${user}`)).toEqual(['REVIEW_VOTE:m3']);
    // The quorum present: the decision waits on the members who may decide, and the last may still vote.
    const quorum = steps(deciding, votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT', m3: 'NOT_EXEMPT' }));
    expect(tasksOf(quorum).map(([kind, user]) => `${kind}:${user}`)).toEqual(MEMBERS.map((m) => `REVIEW_DECISION:${m}`));

    const notice = steps(quorum, [decide()]);
    expect(tasksOf(notice)).toEqual([['REVIEW_NOTICE', CLERK, `${WF}:r1:notice:${CLERK}`]]);
    const window = toAppealWindow(quorum);
    expect(tasksOf(window)).toEqual([]);
  });

  it('a revote asks everyone again under new ids; the appeal asks only people new to the case', () => {
    const deciding = toDecision();
    const split = steps(deciding, [...votes({ m1: 'EXEMPT', m2: 'LENIENT', m3: 'NOT_EXEMPT' }), { type: 'CALL_REVOTE', actorId: CLERK, at: T0 + 4 * DAY }]);
    expect(tasksOf(split).map(([, , id]) => id)).toEqual(MEMBERS.map((m) => `${WF}:r1:vote2:${m}`));

    const appealed = steps(toAppealWindow(steps(deciding, votes({ m1: 'NOT_EXEMPT', m2: 'NOT_EXEMPT' }))), [
      { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服', at: T0 + 8 * DAY },
    ]);
    // Round-1 members and investigators, the officials and the approvers are left out.
    const candidates = [...MEMBERS, OFFICIAL, APPROVER, 'inv-1', ...APPEAL_MEMBERS];
    expect(tasksOf(appealed, candidates).map(([kind, user]) => `${kind}:${user}`)).toEqual(APPEAL_MEMBERS.map((p) => `APPEAL_REVIEW:${p}`));
    const reopened = steps(appealed, [
      { type: 'OPEN_APPEAL_REVIEW', actorId: 'p1', at: T0 + 9 * DAY, body: { name: '市纪委监委', level: 'CITY', memberIds: APPEAL_MEMBERS } },
    ]);
    expect(tasksOf(reopened).map(([, , id]) => id)).toEqual(APPEAL_MEMBERS.map((p) => `${WF}:r2:investigation:${p}`));
  });

  it('a task no longer wanted closes DONE for who did the step, CANCELLED for the others', () => {
    const deciding = toDecision();
    const voted = steps(deciding, votes({ m1: 'NOT_EXEMPT' }, T0 + 4 * DAY));
    const context = voted.context;
    expect(closedTaskStatus({ kind: 'REVIEW_VOTE', userId: 'm1', actorId: 'm1', context })).toBe('DONE');
    expect(closedTaskStatus({ kind: 'REVIEW_VOTE', userId: 'm1', actorId: 'm2', context })).toBe('DONE');
    expect(closedTaskStatus({ kind: 'REVIEW_VOTE', userId: 'm3', actorId: 'm2', context })).toBe('CANCELLED');
    // The investigator who recorded findings did their part even when a colleague closed the investigation.
    expect(closedTaskStatus({ kind: 'REVIEW_INVESTIGATION', userId: 'inv-1', actorId: CLERK, context })).toBe('DONE');
    expect(closedTaskStatus({ kind: 'REVIEW_ADMISSION', userId: 'm2', actorId: CLERK, context: start().context })).toBe('CANCELLED');
  });
});
