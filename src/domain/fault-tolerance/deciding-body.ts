import { conflictedUserIds, peopleUsedSoFar } from './conflict-of-interest';
import { refuse, type TRefusedCheck } from './refusal';
import type { TAppealLevel } from '../policies/settings';
import type { TDecidingBody, TReviewContext, TReviewLevel } from './schemas';

/**
 * Who judges a case (集体研究认定): drawn by the system from holders of the deciding roles
 * (permissions.ts DECIDING_BODY_ROLES), never named by the opener, so an official cannot pick
 * their judges, their number or their level.
 *
 * The first body sits at the county: the holders granted at the county itself free of conflict,
 * longest-serving first (grant date, then id, so the draw is reproducible), give it their larger
 * half, ⌈n/2⌉. The appeal (复核) goes "to the next level" (`faultTolerance.appealLevel`, CITY by
 * default, or PROVINCE): its body is every holder granted at the county's nearest ancestor of that
 * level (`appealUnitFor`) then in office who is neither in conflict nor already used in the case
 * (member or investigator), named after that unit (东川市容错纠错复核组). A county with no unit of
 * that level above it (a root county), or a county set to COUNTY, keeps the rule from before the
 * tree had levels above the county: the appeal is heard by the county's other holders, which is why
 * the first body takes only the larger half. With no eligible holder the appeal review is refused,
 * DECIDING_BODY_UNAVAILABLE, until one is appointed.
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

/** The first body: the larger half of the county's holders (granted at the county itself) free of conflict (the officials, the proposers and approvers). */
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

/** A unit of the org tree as the draw names it. */
export interface TBodyUnit extends TBodyCounty {
  level: string;
}

/**
 * The unit that hears a county's appeal: its nearest ancestor of `appealLevel` (`ancestors` root
 * first, as the county's path lists them), or the county itself when set to COUNTY or when no
 * ancestor has that level (a root county).
 */
export function appealUnitFor<U extends TBodyUnit>({
  county,
  ancestors,
  appealLevel,
}: {
  county: U;
  ancestors: readonly U[];
  appealLevel: TAppealLevel;
}): { unit: U; level: TReviewLevel; fallback: boolean } {
  if (appealLevel !== 'COUNTY') {
    const above = [...ancestors].reverse().find((a) => a.level === appealLevel);
    if (above) return { unit: above, level: appealLevel, fallback: false };
  }
  return { unit: county, level: 'COUNTY', fallback: appealLevel !== 'COUNTY' };
}

/**
 * The appeal body: every holder now in office at the appeal's unit (`appealUnitFor`: the county's
 * city or province, or the county itself) free of conflict and new to the case.
 */
export function constituteAppealBody({
  county,
  hearing = { unit: county, level: 'COUNTY' },
  holders,
  context,
}: {
  county: TBodyCounty;
  /** The unit hearing the appeal and its level (`appealUnitFor`); the county itself when absent. */
  hearing?: { unit: TBodyCounty; level: TReviewLevel };
  /** The holders granted at `hearing.unit`. */
  holders: readonly TDecidingRoleHolder[];
  context: Pick<TReviewContext, 'case' | 'approverIds' | 'rounds'>;
}): TBodyResult {
  const { unit, level } = hearing;
  const excluded = new Set([...conflictedUserIds(context), ...peopleUsedSoFar(context)]);
  const eligible = eligibleInOrder(holders, excluded);
  if (eligible.length === 0) {
    return refuse(
      'DECIDING_BODY_UNAVAILABLE',
      `no holder of the deciding roles at ${unit.id} is new to the case and free of conflict; appoint one to hear the appeal`,
    );
  }
  return { ok: true, body: { name: `${unit.name}容错纠错复核组`, level, orgUnitId: unit.id, memberIds: eligible } };
}
