import { conflictedUserIds, peopleUsedSoFar } from './conflict-of-interest';
import { refuse, type TRefusedCheck } from './refusal';
import type { TDecidingBody, TReviewContext } from './schemas';

/**
 * Who judges a case (集体研究认定): drawn by the system from the county's holders of the deciding
 * roles (permissions.ts DECIDING_BODY_ROLES, granted at the county or above), never named by the
 * opener, so an official cannot pick their judges, their number or their level.
 *
 * The org tree has no level above the county yet, so the appeal (复核) cannot go "to the next
 * level": it goes to the county's other holders instead. Hence the split: the holders free of
 * conflict, longest-serving first (grant date, then id, so the draw is reproducible), give the first
 * body its larger half, ⌈n/2⌉; the rest stay free for the appeal body, which is formed when the
 * appeal is opened from every holder then in office who is neither in conflict nor already used in
 * the case (member or investigator). A county with one free holder has no appeal body until
 * another is appointed: the appeal review is refused, DECIDING_BODY_UNAVAILABLE, until then.
 */
export interface TDecidingRoleHolder {
  userId: string;
  /** When the role was granted (epoch ms): seniority orders the draw. */
  grantedAt: number;
}

export interface TBodyCounty {
  id: string;
  name: string;
}

export type TBodyResult = { ok: true; body: TDecidingBody } | TRefusedCheck;

/** Holders not excluded, each once (their earliest grant), longest-serving first. */
function eligibleInOrder(holders: readonly TDecidingRoleHolder[], excluded: ReadonlySet<string>): string[] {
  const earliest = new Map<string, number>();
  for (const h of holders) {
    if (excluded.has(h.userId)) continue;
    earliest.set(h.userId, Math.min(h.grantedAt, earliest.get(h.userId) ?? Infinity));
  }
  return [...earliest.entries()].sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : a > b ? 1 : 0)).map(([id]) => id);
}

/** The first body: the larger half of the county's holders free of conflict (the officials, the proposers and approvers). */
export function constituteFirstBody({
  county,
  holders,
  context,
}: {
  county: TBodyCounty;
  holders: readonly TDecidingRoleHolder[];
  context: Pick<TReviewContext, 'case' | 'approverIds'>;
}): TBodyResult {
  const eligible = eligibleInOrder(holders, conflictedUserIds(context));
  if (eligible.length === 0) {
    return refuse('DECIDING_BODY_UNAVAILABLE', `no holder of the deciding roles in county ${county.id} is free of conflict in this case`);
  }
  return {
    ok: true,
    body: { name: `${county.name}容错纠错认定组`, level: 'COUNTY', orgUnitId: county.id, memberIds: eligible.slice(0, Math.ceil(eligible.length / 2)) },
  };
}

/** The appeal body: every holder now in office free of conflict and new to the case. */
export function constituteAppealBody({
  county,
  holders,
  context,
}: {
  county: TBodyCounty;
  holders: readonly TDecidingRoleHolder[];
  context: Pick<TReviewContext, 'case' | 'approverIds' | 'rounds'>;
}): TBodyResult {
  const excluded = new Set([...conflictedUserIds(context), ...peopleUsedSoFar(context)]);
  const eligible = eligibleInOrder(holders, excluded);
  if (eligible.length === 0) {
    return refuse(
      'DECIDING_BODY_UNAVAILABLE',
      `no holder of the deciding roles in county ${county.id} is new to the case and free of conflict; appoint one to hear the appeal`,
    );
  }
  return { ok: true, body: { name: `${county.name}容错纠错复核组`, level: 'COUNTY', orgUnitId: county.id, memberIds: eligible } };
}
