import type { TBallot, TOutcome, TReviewRound, TReviewSettings, TTally } from './schemas';
import { OUTCOMES } from './schemas';

/**
 * Quorum and majority of the collective decision (集体研究认定).
 *
 * Presence is evidenced by a ballot: a member who attends casts one (there is no abstention option),
 * so "present members" is the number of distinct voters of the current vote. The quorum base is the
 * whole body, including members who must recuse for a conflict of interest: a body cannot make its
 * quorum easier by recusing, and if recusals make the quorum unreachable the case needs another
 * body (a matter for the organisation department, outside this machine).
 *
 * Majority: an option wins with more than the county's share of the votes cast (by default more
 * than half, majorityOutcome). A tie or a plurality short of the threshold decides nothing. The
 * body deliberates and votes again (CALL_REVOTE); falling back to the more severe option would
 * punish by procedure, and falling back to the lenient one would reward deadlock, so neither is done.
 */
export function quorumRequired({ membersCount, quorum }: { membersCount: number; quorum: TReviewSettings['quorum'] }): number {
  // Integer ceiling: no floating point near exact thirds.
  return Math.max(1, Math.floor((membersCount * quorum.numerator + quorum.denominator - 1) / quorum.denominator));
}

export function currentBallots(round: Pick<TReviewRound, 'ballots' | 'ballotRound'>): TBallot[] {
  return round.ballots.filter((b) => b.ballotRound === round.ballotRound);
}

export function tallyBallots(ballots: readonly TBallot[]): TTally {
  const tally: TTally = { EXEMPT: 0, LENIENT: 0, NOT_EXEMPT: 0 };
  for (const ballot of ballots) tally[ballot.choice] += 1;
  return tally;
}

/**
 * The option decided by the votes: the one that alone has the most votes, if its share of the
 * votes cast is strictly more than the county's threshold (collectiveDecision.majorityMoreThan,
 * default 1/2). With a threshold of a half or more only one option can pass it; a lower threshold
 * still needs a single leader, so a tie decides nothing. Cross-multiplied: 2/3 is exact.
 */
export function majorityOutcome(tally: TTally, moreThan: TReviewSettings['majorityMoreThan'] = { numerator: 1, denominator: 2 }): TOutcome | null {
  const cast = tally.EXEMPT + tally.LENIENT + tally.NOT_EXEMPT;
  const top = Math.max(...OUTCOMES.map((o) => tally[o]));
  const leaders = OUTCOMES.filter((o) => tally[o] === top);
  if (cast === 0 || leaders.length !== 1) return null;
  return top * moreThan.denominator > moreThan.numerator * cast ? leaders[0]! : null;
}

export interface TVoteStatus {
  membersCount: number;
  quorumRequired: number;
  present: number;
  quorumReached: boolean;
  tally: TTally;
  majority: TOutcome | null;
}

export function voteStatus({ round, settings }: { round: TReviewRound; settings: TReviewSettings }): TVoteStatus {
  const ballots = currentBallots(round);
  const membersCount = round.body.memberIds.length;
  const required = quorumRequired({ membersCount, quorum: settings.quorum });
  const present = new Set(ballots.map((b) => b.memberId)).size;
  const tally = tallyBallots(ballots);
  return {
    membersCount,
    quorumRequired: required,
    present,
    quorumReached: present >= required,
    tally,
    majority: majorityOutcome(tally, settings.majorityMoreThan),
  };
}
