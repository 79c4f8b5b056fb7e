import * as z from '../shape';
import { ZRiskFlagCode } from '../policies/risk-checks';
import { ZRole } from '../roles';

/**
 * Schemas of the fault-tolerance review (容错纠错 / 尽职免责, domain.md §3). Everything here is the
 * single source for validation and types: the workflow's input, every event it feeds the machine,
 * and the records the machine keeps in its context.
 *
 * Times are epoch milliseconds (UTC instants) carried in the data, never read from a clock, so the
 * machine stays deterministic inside a Temporal workflow. Money is integer fen; a `number` rather
 * than `bigint` because the snapshot travels as JSON through Temporal payloads, and the safe-integer
 * range (9e15 fen) is far beyond any project budget.
 */

const ZId = z.string().min(1).max(200);
const ZInstant = z.number().int().nonnegative();
const ZText = z.string().trim().min(1).max(5000);
/** Evidence links: URLs or document references; rendered as text, never as live links. */
const ZEvidence = z.array(z.string().trim().min(1).max(2000)).max(100);

export const TRIGGER_TYPES = ['POOR_GRADE', 'REPLACEMENT', 'LOSS', 'ACCOUNTABILITY'] as const;
export const ZTriggerType = z.enum(TRIGGER_TYPES);
export type TTriggerType = z.infer<typeof ZTriggerType>;

export const CRITERIA = ['NOT_PROHIBITED_AT_THE_TIME', 'PROCEDURE_FOLLOWED', 'NO_IMPROPER_GAIN', 'DILIGENCE_AND_LOSS_RECOVERY', 'FORCE_MAJEURE'] as const;
export const ZCriterion = z.enum(CRITERIA);
export type TCriterion = z.infer<typeof ZCriterion>;

export const FINDING_VALUES = ['MET', 'NOT_MET', 'UNCLEAR'] as const;
export const ZFindingValue = z.enum(FINDING_VALUES);
export type TFindingValue = z.infer<typeof ZFindingValue>;

export const OUTCOMES = ['EXEMPT', 'LENIENT', 'NOT_EXEMPT'] as const;
export const ZOutcome = z.enum(OUTCOMES);
export type TOutcome = z.infer<typeof ZOutcome>;

/** The exclusions of domain.md §3: cases that are never exempt, whatever anyone decides. */
export const EXCLUSION_KINDS = ['LAW_OR_DISCIPLINE_VIOLATION', 'FUND_MISUSE', 'SERIOUS_INCIDENT', 'REPEATED_MISTAKE'] as const;
export const ZExclusionKind = z.enum(EXCLUSION_KINDS);
export type TExclusionKind = z.infer<typeof ZExclusionKind>;

export const FUND_VIOLATION_KINDS = ['MISAPPROPRIATION', 'WITHHOLDING', 'FRAUDULENT_CLAIM', 'FALSIFICATION'] as const;
export const ZFundViolationKind = z.enum(FUND_VIOLATION_KINDS);
export type TFundViolationKind = z.infer<typeof ZFundViolationKind>;

/**
 * Levels a deciding body can sit at. An appeal goes to a strictly higher level, which may be above
 * the county (市, 省), so this is wider than the org-unit levels of roles.ts.
 */
export const REVIEW_LEVELS = ['TOWNSHIP', 'COUNTY', 'CITY', 'PROVINCE'] as const;
export const ZReviewLevel = z.enum(REVIEW_LEVELS);
export type TReviewLevel = z.infer<typeof ZReviewLevel>;

/**
 * The case's rules, copied from the county's settings in force when the case opens
 * (review-settings.ts: faultTolerance.* and collectiveDecision.*), never from the opener.
 * Inputs of cases started before `majorityMoreThan` existed carried `majority: 'SIMPLE'`, which
 * parsing drops; the default threshold (more than 1/2) is exactly that simple majority.
 */
export const ZReviewSettings = z.object({
  /** Days after the official was notified of the trigger during which they may apply. */
  applicationWindowDays: z.number().int().positive().default(30),
  /** Days after publicity and filing during which an official may appeal. */
  appealWindowDays: z.number().int().positive().default(15),
  /** Present members needed, as a fraction of all members: ceil(members × n / d). */
  quorum: z
    .object({ numerator: z.number().int().positive(), denominator: z.number().int().positive() })
    .refine((q) => q.numerator <= q.denominator, 'quorum cannot exceed all members')
    .default({ numerator: 2, denominator: 3 }),
  /** An option is decided when it alone leads and has strictly more than this share of the votes cast. */
  majorityMoreThan: z
    .object({ numerator: z.number().int().nonnegative(), denominator: z.number().int().positive() })
    .refine((m) => m.numerator < m.denominator, 'the majority threshold must be below all votes')
    .default({ numerator: 1, denominator: 2 }),
});
export type TReviewSettings = z.infer<typeof ZReviewSettings>;

export const ZDecidingBody = z.object({
  name: ZText,
  level: ZReviewLevel,
  orgUnitId: ZId.optional(),
  memberIds: z.array(ZId).min(1).max(100),
});
export type TDecidingBody = z.infer<typeof ZDecidingBody>;

export const ZConcernedOfficial = z.object({
  userId: ZId,
  name: z.string().trim().min(1).max(100),
  post: z.string().trim().max(200).optional(),
});
export type TConcernedOfficial = z.infer<typeof ZConcernedOfficial>;

export const ZExclusion = z.object({
  kind: ZExclusionKind,
  description: ZText,
  evidence: ZEvidence.default([]),
});
export type TExclusion = z.infer<typeof ZExclusion>;

/** A fund-supervision flag from project records (risk screening, domain.md §2). */
export const ZFundViolationFlag = z.object({
  flagId: ZId,
  projectId: ZId,
  userId: ZId,
  kind: ZFundViolationKind,
  /** Only a confirmed flag is a fact; a suspicion alone does not close the door. */
  confirmed: z.boolean(),
  /** From the payment records (fund-violation-flags.ts): the payment, the risk check, and whether
   * the official requested the payment or approved its verification. Absent on flags declared by hand. */
  paymentId: ZId.optional(),
  riskCode: ZRiskFlagCode.optional(),
  against: z.enum(['REQUESTER', 'VERIFIER']).optional(),
});
export type TFundViolationFlag = z.infer<typeof ZFundViolationFlag>;

export const ZReviewCase = z.object({
  caseId: ZId,
  county: z.string().trim().min(1).max(100),
  projectIds: z.array(ZId).min(1).max(50),
  concernedOfficials: z.array(ZConcernedOfficial).min(1).max(50),
  matter: ZText,
  lossFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  triggerType: ZTriggerType,
  /** When the official was notified of the grade, replacement, loss or accountability case. */
  notifiedAt: ZInstant,
});
export type TReviewCase = z.infer<typeof ZReviewCase>;

/** What the `faultToleranceReview` workflow is started with. */
export const ZReviewInput = z.object({
  case: ZReviewCase,
  settings: ZReviewSettings.default(ZReviewSettings.parse({})),
  exclusions: z.array(ZExclusion).default([]),
  fundViolationFlags: z.array(ZFundViolationFlag).default([]),
  /**
   * Everyone who proposed or approved the matter under review (from the projects' records, never
   * from the opener): they may not judge their own work.
   */
  approverIds: z.array(ZId).default([]),
  decidingBody: ZDecidingBody,
});
export type TReviewInput = z.input<typeof ZReviewInput>;
export type TReviewInputParsed = z.infer<typeof ZReviewInput>;

export const ZFinding = z.object({
  criterion: ZCriterion,
  value: ZFindingValue,
  evidence: ZEvidence,
  investigatorId: ZId,
  note: z.string().trim().max(5000).optional(),
  at: ZInstant,
});
export type TFinding = z.infer<typeof ZFinding>;

export const ZBallot = z.object({
  memberId: ZId,
  choice: ZOutcome,
  /** Which vote of this round the ballot belongs to; a revote starts a new one. */
  ballotRound: z.number().int().positive(),
  at: ZInstant,
});
export type TBallot = z.infer<typeof ZBallot>;

export const ZCorrectiveMeasure = z.object({
  id: ZId,
  description: ZText,
  responsibleUserId: ZId.optional(),
  dueAt: ZInstant,
  /**
   * Whose inbox tracks the measure once the result is final (a Task for this role at this org
   * unit). The API requires an org unit of the case's county and fills the role in from its level;
   * a measure without one is tracked by the deciding body itself (corrective-measure-tasks.ts).
   */
  responsibleOrgUnitId: ZId.optional(),
  responsibleRole: ZRole.optional(),
  /** The project the measure concerns, one of the case's; the case's first project by default. */
  projectId: ZId.optional(),
});
export type TCorrectiveMeasure = z.infer<typeof ZCorrectiveMeasure>;

export const ZTally = z.object({
  EXEMPT: z.number().int().nonnegative(),
  LENIENT: z.number().int().nonnegative(),
  NOT_EXEMPT: z.number().int().nonnegative(),
});
export type TTally = z.infer<typeof ZTally>;

export const ZDecision = z.object({
  outcome: ZOutcome,
  tally: ZTally,
  membersCount: z.number().int().positive(),
  quorumRequired: z.number().int().positive(),
  decidedBy: ZId,
  at: ZInstant,
  impactPeriodEndsAt: ZInstant.optional(),
  correctiveMeasures: z.array(ZCorrectiveMeasure),
});
export type TDecision = z.infer<typeof ZDecision>;

/** One level's investigation and decision: round 1 by the first body, round 2 on appeal. */
export const ZReviewRound = z.object({
  body: ZDecidingBody,
  findings: z.partialRecord(ZCriterion, ZFinding),
  /** Every investigator who recorded anything, kept even when a finding is overwritten. */
  investigatorIds: z.array(ZId),
  investigationCompletedAt: ZInstant.optional(),
  ballots: z.array(ZBallot),
  ballotRound: z.number().int().positive(),
  decision: ZDecision.optional(),
  noticeServedAt: ZInstant.optional(),
  filedAt: ZInstant.optional(),
});
export type TReviewRound = z.infer<typeof ZReviewRound>;

export const ZOpening = z.object({
  kind: z.enum(['APPLICATION', 'DECIDING_BODY']),
  actorId: ZId,
  at: ZInstant,
});

export const ZTermination = z.object({
  kind: z.enum(['REFUSED_AT_ADMISSION', 'EXCLUSION_FOUND']),
  actorId: ZId,
  at: ZInstant,
  reasons: z.array(ZText).min(1),
});
export type TTermination = z.infer<typeof ZTermination>;

export const ZAppeal = z.object({ appellantId: ZId, grounds: ZText, at: ZInstant });

export const ZReviewContext = z.object({
  case: ZReviewCase,
  settings: ZReviewSettings,
  exclusions: z.array(ZExclusion),
  fundViolationFlags: z.array(ZFundViolationFlag),
  approverIds: z.array(ZId),
  opening: ZOpening.optional(),
  applicationLapsedAt: ZInstant.optional(),
  acceptance: z.object({ actorId: ZId, at: ZInstant }).optional(),
  termination: ZTermination.optional(),
  rounds: z.array(ZReviewRound).min(1).max(2),
  appealClosesAt: ZInstant.optional(),
  appeal: ZAppeal.optional(),
  appealWindowClosedAt: ZInstant.optional(),
  resultAppliedAt: ZInstant.optional(),
});
export type TReviewContext = z.infer<typeof ZReviewContext>;

// ---- Events: what the workflow turns each signal, update or timer into. ----

const actor = { actorId: ZId, at: ZInstant };

export const ZReviewEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('APPLY'), applicantId: ZId, at: ZInstant }),
  z.object({ type: z.literal('OPEN_BY_BODY'), ...actor }),
  z.object({ type: z.literal('APPLICATION_WINDOW_CLOSED'), at: ZInstant }),
  z.object({ type: z.literal('ACCEPT'), ...actor }),
  z.object({ type: z.literal('REFUSE'), ...actor, reasons: z.array(ZText).min(1).max(20) }),
  z
    .object({
      type: z.literal('RECORD_FINDING'),
      investigatorId: ZId,
      criterion: ZCriterion,
      value: ZFindingValue,
      evidence: ZEvidence,
      note: z.string().trim().max(5000).optional(),
      at: ZInstant,
    })
    // A definite finding must rest on evidence; "unclear" is exactly the case where it is missing.
    .refine((e) => e.value === 'UNCLEAR' || e.evidence.length > 0, {
      message: 'a MET or NOT_MET finding needs at least one evidence link',
      path: ['evidence'],
    }),
  z.object({ type: z.literal('RECORD_EXCLUSION'), ...actor, exclusion: ZExclusion }),
  z.object({ type: z.literal('COMPLETE_INVESTIGATION'), ...actor }),
  z.object({ type: z.literal('CAST_VOTE'), memberId: ZId, choice: ZOutcome, at: ZInstant }),
  z.object({ type: z.literal('CALL_REVOTE'), ...actor }),
  z.object({
    type: z.literal('DECIDE'),
    ...actor,
    impactPeriodEndsAt: ZInstant.optional(),
    correctiveMeasures: z.array(ZCorrectiveMeasure).max(50).default([]),
  }),
  z.object({ type: z.literal('SERVE_NOTICE'), ...actor }),
  z.object({ type: z.literal('PUBLICISE_AND_FILE'), ...actor }),
  z.object({ type: z.literal('APPEAL'), appellantId: ZId, grounds: ZText, at: ZInstant }),
  z.object({ type: z.literal('APPEAL_WINDOW_CLOSED'), at: ZInstant }),
  z.object({ type: z.literal('OPEN_APPEAL_REVIEW'), ...actor, body: ZDecidingBody }),
]);
export type TReviewEvent = z.infer<typeof ZReviewEvent>;
export type TReviewEventType = TReviewEvent['type'];
export type TReviewEventOf<T extends TReviewEventType> = Extract<TReviewEvent, { type: T }>;
