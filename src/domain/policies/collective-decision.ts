import * as z from '../shape';
import type { TCountySettings } from './settings';
import { parseOrThrow } from './validate';

/**
 * Collective decisions (集体研究认定, joint reviews): a decision by one person alone is exactly what
 * domain.md §3 says cannot earn an exemption, so a vote counts only with a quorum present and
 * passes only with more than the majority threshold of the votes cast. Abstentions are present
 * but do not vote. Compared by cross-multiplication, so 2/3 is exact.
 */
export const ZVoteTally = z
  .strictObject({
    members: z.int().min(1),
    present: z.int().min(0),
    yes: z.int().min(0),
    no: z.int().min(0),
  })
  .refine((tally) => tally.present <= tally.members, {
    path: ['present'],
    message: 'more present than members',
  })
  .refine((tally) => tally.yes + tally.no <= tally.present, {
    path: ['yes'],
    message: 'more votes than members present',
  });

export type TVoteTally = z.input<typeof ZVoteTally>;

export function decideVote({ tally, rules }: { tally: TVoteTally; rules: TCountySettings['collectiveDecision'] }): { quorumMet: boolean; passed: boolean } {
  const t = parseOrThrow(ZVoteTally, tally, 'vote tally');
  const quorumMet = t.present * rules.quorum.denominator >= rules.quorum.numerator * t.members;
  const cast = t.yes + t.no;
  const majority = cast > 0 && t.yes * rules.majorityMoreThan.denominator > rules.majorityMoreThan.numerator * cast;
  return { quorumMet, passed: quorumMet && majority };
}
