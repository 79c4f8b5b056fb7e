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
 * Majority is simple: an option wins with more than half of the votes cast. A tie or a plurality
 * short of half decides nothing. The body deliberates and votes again (CALL_REVOTE); falling back
 * to the more severe option would punish by procedure, and falling back to the lenient one would
 * reward deadlock, so neither is done.
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

export function majorityOutcome(tally: TTally): TOutcome | null {
  const cast = tally.EXEMPT + tally.LENIENT + tally.NOT_EXEMPT;
  return OUTCOMES.find((outcome) => tally[outcome] * 2 > cast) ?? null;
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
    majority: majorityOutcome(tally),
  };
}
