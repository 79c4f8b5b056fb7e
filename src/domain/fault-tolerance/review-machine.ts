import { assign, setup } from 'xstate';
import { windowClosesAt } from './deadlines';
import { officialRecordEffects, type TOfficialRecordEffect } from './official-record-effect';
import { currentRound, REVIEW_RULES, validationRefusal } from './review-rules';
import { ZReviewInput, type TDecidingBody, type TReviewContext, type TReviewEvent, type TReviewEventOf, type TReviewInput, type TReviewRound } from './schemas';
import { voteStatus } from './voting';

/**
 * The fault-tolerance review (容错纠错), domain.md §3, as a pure XState machine. The workflow
 * `faultToleranceReview` keeps the snapshot and steps it with `transition()`; every deadline
 * arrives as an event (APPLICATION_WINDOW_CLOSED, APPEAL_WINDOW_CLOSED) from the workflow's timers,
 * and every event carries its own time `at`. No invoke, no delays, and no action with a body of
 * its own: context changes are `assign`s, and the one effect (`writeOfficialRecords`) is a named
 * action that `transition()` returns for the workflow to execute. So the machine runs unchanged
 * under Temporal replay and under `xstate/graph`.
 *
 * Each guard runs its event's rule (REVIEW_RULES, review-rules.ts) after the event's shape, as
 * `checkReviewAction` does: a refused event leaves the snapshot as it was.
 */

type TArgs = { context: TReviewContext; event: TReviewEvent };

/** The event is well formed and its rule in review-rules.ts refuses nothing. */
function passes<T extends TReviewEvent['type']>(type: T, { context, event }: TArgs): boolean {
  return event.type === type && validationRefusal(event) === null && REVIEW_RULES[type](context, event as TReviewEventOf<T>) === null;
}

/** The effect the workflow executes when the result becomes final (see `writeOfficialRecords`). */
export type TWriteOfficialRecordsParams = { records: TOfficialRecordEffect[] };

function newRound(body: TDecidingBody): TReviewRound {
  return { body, findings: {}, investigatorIds: [], ballots: [], ballotRound: 1 };
}

function withCurrentRound(context: TReviewContext, change: (round: TReviewRound) => TReviewRound): Pick<TReviewContext, 'rounds'> {
  const rounds = context.rounds.slice();
  rounds[rounds.length - 1] = change(currentRound(context));
  return { rounds };
}

function as<T extends TReviewEvent['type']>(event: TReviewEvent, _type: T): TReviewEventOf<T> {
  return event as TReviewEventOf<T>;
}

export const REVIEW_STATES = [
  'application',
  'lapsed',
  'admissibility',
  'refused',
  'investigation',
  'collectiveDecision',
  'writtenNotice',
  'publicity',
  'appealWindow',
  'appeal',
  'reInvestigation',
  'reDecision',
  'resultApplied',
] as const;
export type TReviewState = (typeof REVIEW_STATES)[number];

export const reviewMachine = setup({
  types: {
    context: {} as TReviewContext,
    events: {} as TReviewEvent,
    input: {} as TReviewInput,
  },
  guards: {
    canApply: (args) => passes('APPLY', args),
    canOpenByBody: (args) => passes('OPEN_BY_BODY', args),
    applicationWindowHasClosed: (args) => passes('APPLICATION_WINDOW_CLOSED', args),
    canAccept: (args) => passes('ACCEPT', args),
    canRefuse: (args) => passes('REFUSE', args),
    canRecordFinding: (args) => passes('RECORD_FINDING', args),
    canRecordExclusion: (args) => passes('RECORD_EXCLUSION', args),
    canCompleteInvestigation: (args) => passes('COMPLETE_INVESTIGATION', args),
    canCastVote: (args) => passes('CAST_VOTE', args),
    canCallRevote: (args) => passes('CALL_REVOTE', args),
    canDecide: (args) => passes('DECIDE', args),
    canServeNotice: (args) => passes('SERVE_NOTICE', args),
    canPubliciseAndFile: (args) => passes('PUBLICISE_AND_FILE', args),
    canAppeal: (args) => passes('APPEAL', args),
    appealWindowHasClosed: (args) => passes('APPEAL_WINDOW_CLOSED', args),
    canOpenAppealReview: (args) => passes('OPEN_APPEAL_REVIEW', args),
    /** Filing opens the appeal window only in the first round: after the appeal the decision is final. */
    canPubliciseWithAppealOpen: (args) => passes('PUBLICISE_AND_FILE', args) && args.context.rounds.length === 1,
  },
  actions: {
    recordOpening: assign(({ event }) =>
      event.type === 'APPLY'
        ? { opening: { kind: 'APPLICATION' as const, actorId: event.applicantId, at: event.at } }
        : { opening: { kind: 'DECIDING_BODY' as const, actorId: as(event, 'OPEN_BY_BODY').actorId, at: event.at } },
    ),
    recordLapse: assign(({ event }) => ({ applicationLapsedAt: event.at })),
    recordAcceptance: assign(({ event }) => ({ acceptance: { actorId: as(event, 'ACCEPT').actorId, at: event.at } })),
    recordRefusal: assign(({ event }) => {
      const e = as(event, 'REFUSE');
      return { termination: { kind: 'REFUSED_AT_ADMISSION' as const, actorId: e.actorId, at: e.at, reasons: e.reasons } };
    }),
    recordExclusion: assign(({ context, event }) => {
      const e = as(event, 'RECORD_EXCLUSION');
      return {
        exclusions: [...context.exclusions, e.exclusion],
        termination: { kind: 'EXCLUSION_FOUND' as const, actorId: e.actorId, at: e.at, reasons: [e.exclusion.description] },
      };
    }),
    recordFinding: assign(({ context, event }) => {
      const { type: _type, ...finding } = as(event, 'RECORD_FINDING');
      return withCurrentRound(context, (round) => ({
        ...round,
        findings: { ...round.findings, [finding.criterion]: finding },
        investigatorIds: round.investigatorIds.includes(finding.investigatorId) ? round.investigatorIds : [...round.investigatorIds, finding.investigatorId],
      }));
    }),
    completeInvestigation: assign(({ context, event }) => withCurrentRound(context, (round) => ({ ...round, investigationCompletedAt: event.at }))),
    recordBallot: assign(({ context, event }) => {
      const e = as(event, 'CAST_VOTE');
      return withCurrentRound(context, (round) => ({
        ...round,
        ballots: [...round.ballots, { memberId: e.memberId, choice: e.choice, ballotRound: round.ballotRound, at: e.at }],
      }));
    }),
    // Earlier ballots stay in the record; only the current vote counts.
    startRevote: assign(({ context }) => withCurrentRound(context, (round) => ({ ...round, ballotRound: round.ballotRound + 1 }))),
    recordDecision: assign(({ context, event }) => {
      const e = as(event, 'DECIDE');
      return withCurrentRound(context, (round) => {
        const status = voteStatus({ round, settings: context.settings });
        return {
          ...round,
          decision: {
            // The guard has established that the majority exists.
            outcome: status.majority ?? 'NOT_EXEMPT',
            tally: status.tally,
            membersCount: status.membersCount,
            quorumRequired: status.quorumRequired,
            decidedBy: e.actorId,
            at: e.at,
            ...(e.impactPeriodEndsAt === undefined ? {} : { impactPeriodEndsAt: e.impactPeriodEndsAt }),
            correctiveMeasures: e.correctiveMeasures,
          },
        };
      });
    }),
    recordNoticeServed: assign(({ context, event }) => withCurrentRound(context, (round) => ({ ...round, noticeServedAt: event.at }))),
    // The appeal clock starts at filing, never earlier than the notice, so the official always has
    // the full window after being told the decision.
    recordFiling: assign(({ context, event }) => ({
      ...withCurrentRound(context, (round) => ({ ...round, filedAt: event.at })),
      ...(context.rounds.length === 1 ? { appealClosesAt: windowClosesAt({ openedAt: event.at, days: context.settings.appealWindowDays }) } : {}),
    })),
    recordAppeal: assign(({ event }) => {
      const e = as(event, 'APPEAL');
      return { appeal: { appellantId: e.appellantId, grounds: e.grounds, at: e.at } };
    }),
    recordAppealWindowClosed: assign(({ event }) => ({ appealWindowClosedAt: event.at })),
    openAppealRound: assign(({ context, event }) => ({
      rounds: [...context.rounds, newRound(as(event, 'OPEN_APPEAL_REVIEW').body)],
    })),
    recordResultApplied: assign(({ event }) => ({ resultAppliedAt: event.at })),
    /**
     * An effect, not a change of context: the workflow writes these entries (结果运用) when the
     * result becomes final. It has no body here; `transition()` returns it with its params.
     */
    writeOfficialRecords: (_, _params: TWriteOfficialRecordsParams) => undefined,
  },
}).createMachine({
  id: 'faultToleranceReview',
  initial: 'application',
  context: ({ input }) => {
    const parsed = ZReviewInput.parse(input);
    return {
      case: parsed.case,
      settings: parsed.settings,
      exclusions: parsed.exclusions,
      fundViolationFlags: parsed.fundViolationFlags,
      approverIds: parsed.approverIds,
      rounds: [newRound(parsed.decidingBody)],
    };
  },
  states: {
    /** 申请: waiting for the official's application or for the body to open the case itself. */
    application: {
      on: {
        APPLY: { guard: 'canApply', target: 'admissibility', actions: 'recordOpening' },
        OPEN_BY_BODY: { guard: 'canOpenByBody', target: 'admissibility', actions: 'recordOpening' },
        APPLICATION_WINDOW_CLOSED: { guard: 'applicationWindowHasClosed', target: 'lapsed', actions: 'recordLapse' },
      },
    },
    /** Nobody applied in time. The body may still open a new case of its own motion. */
    lapsed: { type: 'final' },
    /** 受理 */
    admissibility: {
      on: {
        ACCEPT: { guard: 'canAccept', target: 'investigation', actions: 'recordAcceptance' },
        REFUSE: { guard: 'canRefuse', target: 'refused', actions: 'recordRefusal' },
      },
    },
    /** Not admitted, or an exclusion came to light later: never exempt, ordinary accountability applies. */
    refused: { type: 'final' },
    /** 调查核实 */
    investigation: {
      on: {
        RECORD_FINDING: { guard: 'canRecordFinding', actions: 'recordFinding' },
        RECORD_EXCLUSION: { guard: 'canRecordExclusion', target: 'refused', actions: 'recordExclusion' },
        COMPLETE_INVESTIGATION: { guard: 'canCompleteInvestigation', target: 'collectiveDecision', actions: 'completeInvestigation' },
      },
    },
    /** 集体研究认定 */
    collectiveDecision: {
      on: {
        CAST_VOTE: { guard: 'canCastVote', actions: 'recordBallot' },
        CALL_REVOTE: { guard: 'canCallRevote', actions: 'startRevote' },
        RECORD_EXCLUSION: { guard: 'canRecordExclusion', target: 'refused', actions: 'recordExclusion' },
        DECIDE: { guard: 'canDecide', target: 'writtenNotice', actions: 'recordDecision' },
      },
    },
    /** 书面反馈: the notice (render-written-notice.ts) is served on the officials concerned. */
    writtenNotice: {
      on: { SERVE_NOTICE: { guard: 'canServeNotice', target: 'publicity', actions: 'recordNoticeServed' } },
    },
    /** 公示/报备 */
    publicity: {
      on: {
        PUBLICISE_AND_FILE: [
          { guard: 'canPubliciseWithAppealOpen', target: 'appealWindow', actions: 'recordFiling' },
          { guard: 'canPubliciseAndFile', target: 'resultApplied', actions: ['recordFiling', 'recordResultApplied'] },
        ],
      },
    },
    /** 申诉期: one appeal, within the window, to the next level. */
    appealWindow: {
      on: {
        APPEAL: { guard: 'canAppeal', target: 'appeal', actions: 'recordAppeal' },
        APPEAL_WINDOW_CLOSED: {
          guard: 'appealWindowHasClosed',
          target: 'resultApplied',
          actions: ['recordAppealWindowClosed', 'recordResultApplied'],
        },
      },
    },
    /** 申诉/复核: waiting for the next level to constitute its body with new people. */
    appeal: {
      on: { OPEN_APPEAL_REVIEW: { guard: 'canOpenAppealReview', target: 'reInvestigation', actions: 'openAppealRound' } },
    },
    /** 复核调查: the next level's own investigation, by investigators new to the case. */
    reInvestigation: {
      on: {
        RECORD_FINDING: { guard: 'canRecordFinding', actions: 'recordFinding' },
        RECORD_EXCLUSION: { guard: 'canRecordExclusion', target: 'refused', actions: 'recordExclusion' },
        COMPLETE_INVESTIGATION: { guard: 'canCompleteInvestigation', target: 'reDecision', actions: 'completeInvestigation' },
      },
    },
    /** 复核认定 by the next level's body. Its notice and filing follow; its decision is final. */
    reDecision: {
      on: {
        CAST_VOTE: { guard: 'canCastVote', actions: 'recordBallot' },
        CALL_REVOTE: { guard: 'canCallRevote', actions: 'startRevote' },
        RECORD_EXCLUSION: { guard: 'canRecordExclusion', target: 'refused', actions: 'recordExclusion' },
        DECIDE: { guard: 'canDecide', target: 'writtenNotice', actions: 'recordDecision' },
      },
    },
    /** 结果运用: final; the workflow writes officialRecordEffect() for each official and tracks 纠错. */
    resultApplied: {
      type: 'final',
      entry: { type: 'writeOfficialRecords', params: ({ context }) => ({ records: officialRecordEffects(context) }) },
    },
  },
});

export type TReviewMachine = typeof reviewMachine;
