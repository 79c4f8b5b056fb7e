import { describeInadmissibility, isInadmissible } from './admissibility';
import { conflictedUserIds, earlierRoundPeople, peopleUsedSoFar } from './conflict-of-interest';
import { CRITERION_LABELS_ZH, exemptionBlockers, missingCriteria } from './criteria';
import { isWithinWindow, windowClosesAt } from './deadlines';
import { refuse, type TRefusedCheck } from './refusal';
import { REVIEW_LEVELS, ZReviewEvent, type TReviewContext, type TReviewEvent, type TReviewEventOf, type TReviewRound } from './schemas';
import { currentBallots, voteStatus } from './voting';

/**
 * The rules of the procedure, one function per event, each returning the refusal or null. The
 * machine's guard for an event calls that event's rule after `validationRefusal`, exactly what
 * `checkReviewAction` runs through `refusalFor`, so a Temporal Update validator
 * refuses exactly what the machine would refuse, with the reason, before anything enters history.
 *
 * These rules assume the event is one the current state accepts; which state accepts what is the
 * machine's business (see check-review-action.ts for events sent at the wrong moment).
 */

export function currentRound(context: Pick<TReviewContext, 'rounds'>): TReviewRound {
  return context.rounds[context.rounds.length - 1];
}

export function applicationClosesAt(context: Pick<TReviewContext, 'case' | 'settings'>): number {
  return windowClosesAt({ openedAt: context.case.notifiedAt, days: context.settings.applicationWindowDays });
}

function conflicted(context: TReviewContext, userId: string, field: string, doing: string): TRefusedCheck | null {
  return conflictedUserIds(context).has(userId)
    ? refuse('CONFLICT_OF_INTEREST', `${userId} is concerned by or approved the matter under review and may not ${doing}`, field)
    : null;
}

function concernedOfficial(context: TReviewContext, userId: string, field: string): TRefusedCheck | null {
  return context.case.concernedOfficials.some((o) => o.userId === userId)
    ? null
    : refuse('NOT_A_CONCERNED_OFFICIAL', `${userId} is not an official named in this case`, field);
}

function inadmissible(context: TReviewContext): TRefusedCheck | null {
  return isInadmissible(context) ? refuse('CASE_INADMISSIBLE', `inadmissible by rule, never exempt: ${describeInadmissibility(context)}`) : null;
}

/** Exemption needs an admissible case and findings that justify it (criteria.ts). */
export function exemptionRefusal(context: TReviewContext, field = 'choice'): TRefusedCheck | null {
  const closed = inadmissible(context);
  if (closed) return closed;
  const round = currentRound(context);
  const missing = missingCriteria(round);
  if (missing.length > 0) return refuse('FINDINGS_INCOMPLETE', `no finding yet for: ${missing.join(', ')}`, field);
  const blockers = exemptionBlockers(round);
  return blockers.length > 0
    ? refuse(
        'EXEMPTION_NOT_JUSTIFIED',
        `exemption needs ${blockers.map((c) => `${c} (${CRITERION_LABELS_ZH[c]})`).join(', ')} to be MET` +
          ' (force majeure can stand in for procedure and diligence only)',
        field,
      )
    : null;
}

/** One rule per event type; the machine's guard for that event calls it by name (review-machine.ts). */
export const REVIEW_RULES: { readonly [T in TReviewEvent['type']]: (context: TReviewContext, event: TReviewEventOf<T>) => TRefusedCheck | null } = {
  APPLY: (context, event) =>
    concernedOfficial(context, event.applicantId, 'applicantId') ??
    (context.applicationLapsedAt !== undefined || !isWithinWindow({ at: event.at, closesAt: applicationClosesAt(context) })
      ? refuse('APPLICATION_WINDOW_CLOSED', `applications close ${context.settings.applicationWindowDays} days after notification`, 'at')
      : null),

  OPEN_BY_BODY: (context, event) => conflicted(context, event.actorId, 'actorId', 'open this case'),

  APPLICATION_WINDOW_CLOSED: (context, event) =>
    isWithinWindow({ at: event.at, closesAt: applicationClosesAt(context) })
      ? refuse('TRANSITION_NOT_ALLOWED', 'the application window is still open', 'at')
      : null,

  ACCEPT: (context, event) => conflicted(context, event.actorId, 'actorId', 'decide admissibility') ?? inadmissible(context),

  REFUSE: (context, event) => conflicted(context, event.actorId, 'actorId', 'decide admissibility'),

  RECORD_FINDING: (context, event) =>
    conflicted(context, event.investigatorId, 'investigatorId', 'investigate') ??
    (earlierRoundPeople(context).has(event.investigatorId)
      ? refuse('NEW_PEOPLE_REQUIRED', `${event.investigatorId} took part in an earlier round`, 'investigatorId')
      : null),

  RECORD_EXCLUSION: (context, event) => conflicted(context, event.actorId, 'actorId', 'record findings'),

  COMPLETE_INVESTIGATION: (context, event) => {
    const missing = missingCriteria(currentRound(context));
    return (
      conflicted(context, event.actorId, 'actorId', 'close the investigation') ??
      (missing.length > 0 ? refuse('FINDINGS_INCOMPLETE', `no finding yet for: ${missing.join(', ')}`) : null)
    );
  },

  CAST_VOTE: (context, event) => {
    const round = currentRound(context);
    if (!round.body.memberIds.includes(event.memberId)) {
      return refuse('NOT_A_MEMBER', `${event.memberId} is not a member of ${round.body.name}`, 'memberId');
    }
    return (
      conflicted(context, event.memberId, 'memberId', 'vote') ??
      (currentBallots(round).some((b) => b.memberId === event.memberId)
        ? refuse('ALREADY_VOTED', `${event.memberId} has already voted in this vote`, 'memberId')
        : null) ??
      (event.choice === 'EXEMPT' ? exemptionRefusal(context) : null)
    );
  },

  CALL_REVOTE: (context, event) => {
    const status = voteStatus({ round: currentRound(context), settings: context.settings });
    return (
      conflicted(context, event.actorId, 'actorId', 'chair the vote') ??
      (!status.quorumReached
        ? refuse('QUORUM_NOT_REACHED', `${status.present} of ${status.quorumRequired} needed members have voted; let the rest vote first`)
        : null) ??
      // A revote only breaks a deadlock; it must not be a way to discard an unwelcome majority.
      (status.majority !== null ? refuse('TRANSITION_NOT_ALLOWED', `the vote has a majority (${status.majority}); decide instead`) : null)
    );
  },

  DECIDE: (context, event) => {
    const round = currentRound(context);
    const status = voteStatus({ round, settings: context.settings });
    const missing = missingCriteria(round);
    const conflict = conflicted(context, event.actorId, 'actorId', 'decide');
    if (conflict) return conflict;
    if (missing.length > 0) return refuse('FINDINGS_INCOMPLETE', `no finding yet for: ${missing.join(', ')}`);
    if (!status.quorumReached) {
      return refuse('QUORUM_NOT_REACHED', `${status.present} present, ${status.quorumRequired} of ${status.membersCount} needed`);
    }
    if (status.majority === null) {
      return refuse('NO_MAJORITY', `no option has more than half of the votes (${JSON.stringify(status.tally)}); vote again`);
    }
    if (status.majority === 'EXEMPT') {
      const refusal = exemptionRefusal(context, '');
      if (refusal) return refusal;
    }
    if (status.majority === 'LENIENT' && (event.impactPeriodEndsAt === undefined || event.impactPeriodEndsAt <= event.at)) {
      return refuse('VALIDATION_FAILED', 'a lenient outcome needs an impact period ending after the decision', 'impactPeriodEndsAt');
    }
    if (status.majority !== 'LENIENT' && event.impactPeriodEndsAt !== undefined) {
      return refuse('VALIDATION_FAILED', `an impact period applies only to a lenient outcome, not ${status.majority}`, 'impactPeriodEndsAt');
    }
    const ids = new Set<string>();
    for (const [i, measure] of event.correctiveMeasures.entries()) {
      if (measure.dueAt <= event.at) {
        return refuse('VALIDATION_FAILED', 'a corrective measure is due after the decision', `correctiveMeasures.${i}.dueAt`);
      }
      if (ids.has(measure.id)) return refuse('VALIDATION_FAILED', `duplicate measure id ${measure.id}`, `correctiveMeasures.${i}.id`);
      if (measure.projectId !== undefined && !context.case.projectIds.includes(measure.projectId)) {
        return refuse('VALIDATION_FAILED', `project ${measure.projectId} is not one of the case's projects`, `correctiveMeasures.${i}.projectId`);
      }
      ids.add(measure.id);
    }
    return null;
  },

  SERVE_NOTICE: () => null,

  PUBLICISE_AND_FILE: () => null,

  APPEAL: (context, event) => {
    const closesAt = context.appealClosesAt;
    return (
      concernedOfficial(context, event.appellantId, 'appellantId') ??
      (context.appeal !== undefined || context.rounds.length > 1
        ? refuse('APPEAL_ALREADY_USED', 'a case can be appealed once; the appeal decision is final')
        : null) ??
      (context.appealWindowClosedAt !== undefined || closesAt === undefined || !isWithinWindow({ at: event.at, closesAt })
        ? refuse('APPEAL_WINDOW_CLOSED', `appeals close ${context.settings.appealWindowDays} days after publicity and filing`, 'at')
        : null)
    );
  },

  APPEAL_WINDOW_CLOSED: (context, event) =>
    context.appealClosesAt !== undefined && isWithinWindow({ at: event.at, closesAt: context.appealClosesAt })
      ? refuse('TRANSITION_NOT_ALLOWED', 'the appeal window is still open', 'at')
      : null,

  OPEN_APPEAL_REVIEW: (context, event) => {
    const previous = currentRound(context);
    // The next level up where the org tree has one; while it has none above the county, the
    // county's other holders of the deciding roles (deciding-body.ts): never a lower level, and
    // always new people (below).
    if (REVIEW_LEVELS.indexOf(event.body.level) < REVIEW_LEVELS.indexOf(previous.body.level)) {
      return refuse('VALIDATION_FAILED', `an appeal goes to ${previous.body.level} or a level above`, 'body.level');
    }
    const conflictedIds = conflictedUserIds(context);
    const used = peopleUsedSoFar(context);
    const conflictIndex = event.body.memberIds.findIndex((id) => conflictedIds.has(id));
    const usedIndex = event.body.memberIds.findIndex((id) => used.has(id));
    return (
      conflicted(context, event.actorId, 'actorId', 'open the appeal review') ??
      (conflictIndex >= 0
        ? refuse('CONFLICT_OF_INTEREST', `${event.body.memberIds[conflictIndex]} may not sit on the appeal body`, `body.memberIds.${conflictIndex}`)
        : null) ??
      (usedIndex >= 0 ? refuse('NEW_PEOPLE_REQUIRED', `${event.body.memberIds[usedIndex]} took part in the first round`, `body.memberIds.${usedIndex}`) : null)
    );
  },
};

/** The event's own shape (schemas.ts), so the machine refuses a malformed event exactly as the checker does. */
export function validationRefusal(event: unknown): TRefusedCheck | null {
  const parsed = ZReviewEvent.safeParse(event);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return refuse('VALIDATION_FAILED', issue?.message ?? 'invalid event', (issue?.path ?? []).join('.'));
}

export function refusalFor(context: TReviewContext, event: TReviewEvent): TRefusedCheck | null {
  return validationRefusal(event) ?? (REVIEW_RULES[event.type] as (c: TReviewContext, e: TReviewEvent) => TRefusedCheck | null)(context, event);
}

/**
 * The refusal for an event the current state does not take. Most get TRANSITION_NOT_ALLOWED, but a
 * few say more: an appeal after the case is final is "too late" or "already used", a decision
 * during the investigation is "findings incomplete".
 */
export function outOfStateRefusal({ context, state, event }: { context: TReviewContext; state: string; event: TReviewEvent }): TRefusedCheck {
  if (event.type === 'APPEAL') {
    if (context.appeal !== undefined || context.rounds.length > 1) {
      return refuse('APPEAL_ALREADY_USED', 'a case can be appealed once; the appeal decision is final');
    }
    if (context.appealWindowClosedAt !== undefined) {
      return refuse('APPEAL_WINDOW_CLOSED', 'the appeal window has closed; the decision is final', 'at');
    }
  }
  if (event.type === 'APPLY' && context.applicationLapsedAt !== undefined) {
    return refuse('APPLICATION_WINDOW_CLOSED', 'the application window has closed', 'at');
  }
  if ((event.type === 'DECIDE' || event.type === 'CAST_VOTE') && (state === 'investigation' || state === 'reInvestigation')) {
    const missing = missingCriteria(currentRound(context));
    if (missing.length > 0) return refuse('FINDINGS_INCOMPLETE', `no finding yet for: ${missing.join(', ')}`);
  }
  return refuse('TRANSITION_NOT_ALLOWED', `${event.type} is not possible while the case is in ${state}`);
}
