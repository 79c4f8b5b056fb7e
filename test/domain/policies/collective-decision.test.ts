import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { decideVote } from '../../../src/domain/policies/collective-decision';
import { DEFAULT_COUNTY_SETTINGS } from '../../../src/domain/policies/settings';

const rules = DEFAULT_COUNTY_SETTINGS.collectiveDecision; // quorum ≥ 2/3, pass > 1/2

describe('decideVote', () => {
  it.each([
    // members, present, yes, no → quorumMet, passed
    [9, 6, 4, 2, true, true], // exactly 2/3 present
    [9, 5, 5, 0, false, false], // unanimous but no quorum
    [9, 6, 3, 3, true, false], // a tie is not a majority
    [9, 7, 3, 2, true, true], // abstentions do not count against
    [3, 2, 1, 1, true, false],
    [3, 3, 0, 0, true, false], // nobody voted
  ])('%i members, %i present, %i yes, %i no', (members, present, yes, no, quorumMet, passed) => {
    expect(decideVote({ tally: { members, present, yes, no }, rules })).toEqual({ quorumMet, passed });
  });

  it('refuses an impossible tally', () => {
    expect(() => decideVote({ tally: { members: 3, present: 2, yes: 2, no: 1 }, rules })).toThrow(AppError);
  });
});
