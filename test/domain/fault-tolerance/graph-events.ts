import {
  APPEAL_CLERK,
  APPEAL_INVESTIGATOR,
  APPEAL_MEMBERS,
  APPROVER,
  CLERK,
  DAY,
  DECIDED_AT,
  INVESTIGATOR,
  MEMBERS,
  OFFICIAL,
  T0,
  makeInput,
} from './fixtures';
import {
  CRITERIA,
  applicationClosesAt,
  currentBallots,
  currentRound,
  exemptionJustified,
  voteStatus,
  type TReviewEvent,
  type TReviewSnapshot,
} from './imports';

/**
 * The events offered to `xstate/graph` in each state: for every event type the state takes, one
 * event that should pass and the ones that break each rule, so the traversal exercises every guard
 * both ways. Times are derived from the snapshot, the way the workflow would stamp them.
 */

/** The first body includes an earlier approver, so the conflict rule on voting is reachable. */
export const graphInput = makeInput({
  decidingBody: { name: '丹凤县纪委监委', level: 'COUNTY', memberIds: [...MEMBERS, APPROVER] },
});

const appealBody = { name: '商洛市纪委监委', level: 'CITY' as const, memberIds: APPEAL_MEMBERS };

export function graphEvents(snapshot: TReviewSnapshot): TReviewEvent[] {
  const context = snapshot.context;
  const round = currentRound(context);
  const isAppeal = context.rounds.length > 1;
  const at = isAppeal ? T0 + 40 * DAY : T0;
  const investigator = isAppeal ? APPEAL_INVESTIGATOR : INVESTIGATOR;
  const clerk = isAppeal ? APPEAL_CLERK : CLERK;
  const nextMissing = CRITERIA.find((c) => round.findings[c] === undefined);
  const exclusion = { kind: 'FUND_MISUSE' as const, description: '套取补贴资金', evidence: ['audit-1'] };

  switch (String(snapshot.value)) {
    case 'application': {
      const closesAt = applicationClosesAt(context);
      return [
        { type: 'APPLY', applicantId: OFFICIAL, at },
        { type: 'APPLY', applicantId: OFFICIAL, at: closesAt },
        { type: 'APPLY', applicantId: 'stranger', at },
        { type: 'OPEN_BY_BODY', actorId: CLERK, at },
        { type: 'OPEN_BY_BODY', actorId: OFFICIAL, at },
        { type: 'APPLICATION_WINDOW_CLOSED', at: closesAt },
        { type: 'APPLICATION_WINDOW_CLOSED', at: closesAt - 1 },
      ];
    }
    case 'admissibility':
      return [
        { type: 'ACCEPT', actorId: CLERK, at },
        { type: 'ACCEPT', actorId: APPROVER, at },
        { type: 'REFUSE', actorId: CLERK, at, reasons: ['不属于容错情形'] },
        { type: 'REFUSE', actorId: OFFICIAL, at, reasons: ['自行不予受理'] },
      ];
    case 'investigation':
    case 'reInvestigation': {
      const findings: TReviewEvent[] = nextMissing
        ? (['MET', 'NOT_MET'] as const).map((value) => ({
            type: 'RECORD_FINDING',
            criterion: nextMissing,
            value,
            evidence: ['doc-1'],
            investigatorId: investigator,
            at,
          }))
        : [];
      return [
        ...findings,
        { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'UNCLEAR', evidence: [], investigatorId: OFFICIAL, at },
        // The first round's investigator: NEW_PEOPLE_REQUIRED on appeal, allowed in round one.
        ...(isAppeal
          ? [{ type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'UNCLEAR', evidence: [], investigatorId: INVESTIGATOR, at } satisfies TReviewEvent]
          : []),
        { type: 'RECORD_EXCLUSION', actorId: clerk, at, exclusion },
        { type: 'RECORD_EXCLUSION', actorId: OFFICIAL, at, exclusion },
        { type: 'COMPLETE_INVESTIGATION', actorId: clerk, at },
        { type: 'COMPLETE_INVESTIGATION', actorId: APPROVER, at },
      ];
    }
    case 'collectiveDecision':
    case 'reDecision': {
      const status = voteStatus({ round, settings: context.settings });
      const voted = new Set(currentBallots(round).map((b) => b.memberId));
      const ballots: TReviewEvent[] = round.body.memberIds.flatMap((memberId) =>
        // A member who voted gets one more try (ALREADY_VOTED); others get every choice.
        (voted.has(memberId) ? (['NOT_EXEMPT'] as const) : (['EXEMPT', 'LENIENT', 'NOT_EXEMPT'] as const)).map(
          (choice) => ({ type: 'CAST_VOTE', memberId, choice, at }) as const,
        ),
      );
      return [
        ...ballots,
        { type: 'CAST_VOTE', memberId: 'stranger', choice: 'LENIENT', at },
        { type: 'CALL_REVOTE', actorId: clerk, at },
        { type: 'CALL_REVOTE', actorId: OFFICIAL, at },
        { type: 'RECORD_EXCLUSION', actorId: clerk, at, exclusion },
        {
          type: 'DECIDE',
          actorId: clerk,
          at: DECIDED_AT,
          correctiveMeasures: [{ id: 'cm-1', description: '建立风险预警', dueAt: DECIDED_AT + 30 * DAY }],
          ...(status.majority === 'LENIENT' ? { impactPeriodEndsAt: DECIDED_AT + 180 * DAY } : {}),
        },
        ...(status.majority === 'LENIENT' ? [{ type: 'DECIDE', actorId: clerk, at: DECIDED_AT, correctiveMeasures: [] } satisfies TReviewEvent] : []),
        { type: 'DECIDE', actorId: OFFICIAL, at: DECIDED_AT, correctiveMeasures: [] },
      ];
    }
    // These steps have no rule beyond the event's shape, so a malformed one is the refusal.
    case 'writtenNotice':
      return [
        { type: 'SERVE_NOTICE', actorId: clerk, at: DECIDED_AT + DAY },
        { type: 'SERVE_NOTICE', actorId: '', at: -1 },
      ];
    case 'publicity':
      return [
        { type: 'PUBLICISE_AND_FILE', actorId: clerk, at: DECIDED_AT + 2 * DAY },
        { type: 'PUBLICISE_AND_FILE', actorId: clerk, at: 1.5 },
      ];
    case 'appealWindow': {
      const closesAt = context.appealClosesAt as number;
      return [
        { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服认定', at: closesAt - 1 },
        { type: 'APPEAL', appellantId: OFFICIAL, grounds: '不服认定', at: closesAt },
        { type: 'APPEAL', appellantId: 'stranger', grounds: '代为申诉', at: closesAt - 1 },
        { type: 'APPEAL_WINDOW_CLOSED', at: closesAt },
        { type: 'APPEAL_WINDOW_CLOSED', at: closesAt - 1 },
      ];
    }
    case 'appeal':
      return [
        { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at, body: appealBody },
        { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at, body: { ...appealBody, memberIds: ['p1', 'm1'] } },
        { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at, body: { ...appealBody, memberIds: ['p1', APPROVER] } },
        { type: 'OPEN_APPEAL_REVIEW', actorId: OFFICIAL, at, body: appealBody },
        { type: 'OPEN_APPEAL_REVIEW', actorId: APPEAL_CLERK, at, body: { ...appealBody, level: 'TOWNSHIP' } },
      ];
    default:
      return [];
  }
}

/**
 * What distinguishes two snapshots for the traversal. Deliberately coarse: findings count only by
 * how many there are and whether they justify exemption, votes by who voted what in the current
 * vote, so the graph stays small while every rule's inputs still vary.
 */
export function serializeReviewState(snapshot: TReviewSnapshot): string {
  const c = snapshot.context;
  const round = currentRound(c);
  const value = String(snapshot.value);
  const deciding = value === 'collectiveDecision' || value === 'reDecision';
  const investigating = deciding || value === 'investigation' || value === 'reInvestigation';
  return JSON.stringify({
    value,
    rounds: c.rounds.length,
    // Findings and ballots only matter while they can still change what happens next.
    findings: investigating ? Object.keys(round.findings).length : null,
    justified: investigating ? exemptionJustified(round) : null,
    ballots: deciding
      ? currentBallots(round)
          .map((b) => `${b.memberId}:${b.choice}`)
          .sort()
      : null,
    revoted: deciding && round.ballotRound > 1,
    decisions: c.rounds.map((r) => r.decision?.outcome ?? null),
    excluded: c.exclusions.length > 0,
    appeal: c.appeal !== undefined,
  });
}
