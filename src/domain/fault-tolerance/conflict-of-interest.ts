import type { TReviewContext } from './schemas';

/**
 * Who may not investigate, vote or decide in this case (domain.md §1, separation of duties): the
 * officials whose conduct is under review, and everyone who proposed or approved the matter under
 * review (`approverIds`) — judging one's own approval is judging oneself. The deciding body is drawn
 * without them (deciding-body.ts); these rules still refuse them should one act anyway.
 */
export function conflictedUserIds(context: Pick<TReviewContext, 'case' | 'approverIds'>): Set<string> {
  return new Set([...context.case.concernedOfficials.map((o) => o.userId), ...context.approverIds]);
}

export function isConflicted(context: Pick<TReviewContext, 'case' | 'approverIds'>, userId: string): boolean {
  return conflictedUserIds(context).has(userId);
}

/**
 * People already used in earlier rounds. The appeal level re-runs the case "with new people": no
 * earlier member or investigator may investigate or sit on the appeal body.
 */
export function earlierRoundPeople(context: Pick<TReviewContext, 'rounds'>): Set<string> {
  const earlier = context.rounds.slice(0, -1);
  return new Set(earlier.flatMap((r) => [...r.body.memberIds, ...r.investigatorIds]));
}

/** Same as above but for the round about to be opened (all rounds so far are "earlier"). */
export function peopleUsedSoFar(context: Pick<TReviewContext, 'rounds'>): Set<string> {
  return new Set(context.rounds.flatMap((r) => [...r.body.memberIds, ...r.investigatorIds]));
}
