import { decideVote } from '../policies/collective-decision';
import type { TCountySettings } from '../policies/settings';
import type { TCommandRefusal } from './project-commands';

export interface TAcceptanceVote {
  /** The village's representatives (村民代表), the quorum's base. */
  representatives?: number | undefined;
  votesFor: number;
  votesAgainst: number;
  abstentions: number;
  satisfactionPercent: number;
}

/**
 * The villagers' representatives' vote on a completion inspection (domain.md §2.9): a record of
 * the meeting must say how many representatives there are and no more may have voted.
 */
export function acceptanceVoteRefusal(vote: TAcceptanceVote): TCommandRefusal | null {
  if (vote.representatives === undefined) {
    return {
      code: 'VALIDATION_FAILED',
      message: 'the number of village representatives is required (the quorum is counted on it)',
      field: 'body.command.representatives',
    };
  }
  if (vote.votesFor + vote.votesAgainst + vote.abstentions > vote.representatives) {
    return {
      code: 'VALIDATION_FAILED',
      message: `more votes (${vote.votesFor + vote.votesAgainst + vote.abstentions}) than representatives (${vote.representatives})`,
      field: 'body.command.representatives',
    };
  }
  return null;
}

/**
 * Whether the vote lets the inspection pass: a collective decision of the representatives (the
 * county's quorum and majority, `collectiveDecision`; abstainers are present but do not vote) in
 * favour, and satisfaction at or above the county's line (`acceptance.minSatisfactionPercent`).
 * A vote that fails either fails the inspection round.
 */
export function decideAcceptanceVote({ vote, settings }: { vote: TAcceptanceVote; settings: Pick<TCountySettings, 'acceptance' | 'collectiveDecision'> }): {
  passed: boolean;
  quorumMet: boolean;
  majorityInFavour: boolean;
  satisfied: boolean;
} {
  const present = vote.votesFor + vote.votesAgainst + vote.abstentions;
  const { quorumMet, passed } = decideVote({
    tally: { members: Math.max(1, vote.representatives ?? present), present, yes: vote.votesFor, no: vote.votesAgainst },
    rules: settings.collectiveDecision,
  });
  const satisfied = vote.satisfactionPercent >= settings.acceptance.minSatisfactionPercent;
  return { passed: passed && satisfied, quorumMet, majorityInFavour: passed, satisfied };
}
