import { and, assign, setup } from 'xstate';
import type { TGrade } from '../policies/evaluation-scoring';

/**
 * The project lifecycle (domain.md §2): proposal → village publicity (村公示) → township review
 * (乡审核) → township publicity (乡镇公示) → county joint review (县论证, countersign) → county
 * approval (县审定, leading group) → pool (入库) → funding (资金下达) → implementation (实施, with
 * phased payments running beside it) → completion acceptance (竣工验收; a failed inspection opens
 * rectification and re-inspection, bounded, then escalation to the leading group) → acceptance
 * publicity → asset registration and handover (确权移交) → operation (运营), interrupted by each
 * periodic evaluation (绩效评价) → a 差 grade opens rectification (整治) and a re-evaluation → a
 * second 差 goes to the leading group, which replaces the project (调换) or grants another round
 * → closed.
 *
 * Returns: a reviewer's return, or an objection during a publicity period, sends the project back
 * to the village (RETURNED). Resubmission goes back to where it came from: the review step that
 * returned it (which resumes), the village publicity (a revised proposal is posted again), or,
 * after an objection during the township publicity, a new township review round.
 *
 * Returns to an earlier step (退回到之前的环节): a county review (joint review or approval) may send
 * the matter back to an earlier review stage (RETURN_TO_STEP, with a reason). That stage runs again
 * and the returning stage waits on `resumeStack`; when the earlier stage approves, the lifecycle
 * goes straight back to the stage that returned it (the publicity in between is not repeated).
 * The earlier stage may itself return the matter to the village, or further back: the stack
 * remembers every stage waiting to resume, innermost last.
 *
 * Pure: the workflow steps it with `transition()` and performs whatever the new state asks for.
 * Approval stages run as approval steps (child workflows); their phase changes arrive as events.
 */
export type TLifecycleEvent =
  | { type: 'SUBMIT' }
  | { type: 'PUBLICITY_ENDED' }
  | { type: 'OBJECTION'; actorId: string; text: string }
  | { type: 'APPROVE'; actorId: string }
  | { type: 'RETURN'; actorId: string; reason: string }
  | { type: 'RETURN_TO_STEP'; actorId: string; reason: string; to: TReviewStage }
  | { type: 'RESUBMIT'; actorId: string }
  /** The proposer's revised proposal (proposal-revision.ts), taken while returned, before the resubmission. */
  | { type: 'REVISE_PROPOSAL'; actorId: string; budgetFen: number; fiscalCapFen?: number }
  | { type: 'REJECT'; actorId: string; reason: string }
  | { type: 'WITHDRAW'; actorId: string }
  | { type: 'ALLOCATE'; actorId: string; fiscalYear: number; amountFen: number }
  | { type: 'PROGRESS_VERIFIED'; actorId: string; percent: number }
  | { type: 'CAPITAL_VERIFIED'; actorId: string; amountFen: number }
  | { type: 'REQUEST_ACCEPTANCE'; actorId: string }
  | { type: 'RECTIFIED'; actorId: string }
  | { type: 'HANDED_OVER'; actorId: string; date: string }
  | { type: 'EVALUATION_DUE' }
  | { type: 'EVALUATED'; actorId: string; grade: TGrade }
  | { type: 'RECTIFICATION_DUE' };

export const LIFECYCLE_STAGES = [
  'PROPOSED',
  'VILLAGE_PUBLICITY',
  'TOWNSHIP_REVIEW',
  'TOWNSHIP_PUBLICITY',
  'COUNTY_JOINT_REVIEW',
  'COUNTY_APPROVAL',
  'IN_POOL',
  'IMPLEMENTATION',
  'ACCEPTANCE',
  'ACCEPTANCE_RECTIFICATION',
  'ACCEPTANCE_PUBLICITY',
  'ASSET_HANDOVER',
  'OPERATION',
  'EVALUATION',
  'RECTIFICATION',
  'REPLACEMENT_REVIEW',
  'CLOSED',
  'RETURNED',
  'REJECTED',
  'WITHDRAWN',
] as const;
export type TLifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The stages from `first` to `last` in the lifecycle's order (LIFECYCLE_STAGES), both included. */
export function stagesFrom(first: TLifecycleStage, last: TLifecycleStage): readonly TLifecycleStage[] {
  return LIFECYCLE_STAGES.slice(LIFECYCLE_STAGES.indexOf(first), LIFECYCLE_STAGES.indexOf(last) + 1);
}

/** The stages that run an approval step, and the publicity stages (timers). */
export const REVIEW_STAGES = ['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL', 'ACCEPTANCE', 'EVALUATION', 'REPLACEMENT_REVIEW'] as const;
export type TReviewStage = (typeof REVIEW_STAGES)[number];
export const PUBLICITY_STAGES = ['VILLAGE_PUBLICITY', 'TOWNSHIP_PUBLICITY', 'ACCEPTANCE_PUBLICITY'] as const;
export type TPublicityStage = (typeof PUBLICITY_STAGES)[number];

export interface TLifecycleContext {
  projectId: string;
  proposerId: string;
  budgetFen: number;
  /**
   * The most the finance bureau may allocate: the plan's fiscal sources (fiscal-funding.ts). Absent
   * for projects started before the rule (their allocations were capped by the whole budget).
   */
  fiscalCapFen?: number;
  /** How many times the township review has been opened (a new step round each time). */
  reviewRound: number;
  /** Where a RETURNED project came from, so resubmission goes back there. */
  returnedFrom: TReviewStage | TPublicityStage | null;
  /**
   * Review stages that returned the matter to an earlier step and resume, innermost last, once
   * it is approved there. Optional: snapshots carried over from before it existed lack it.
   */
  resumeStack?: TReviewStage[];
  objection: { actorId: string; text: string } | null;
  allocation: { actorId: string; fiscalYear: number; amountFen: number } | null;
  /** Highest progress percent verified by the supervising department (never goes down). */
  verifiedProgressPercent: number;
  /** Own capital (自筹) whose arrival was verified. */
  ownCapitalInvestedFen: number;
  /** Completion inspections that failed; past `maxReinspections` the leading group decides. */
  failedInspections: number;
  maxReinspections: number;
  acceptancePassed: boolean;
  handoverDate: string | null;
  /** Evaluations so far and the latest grade. */
  evaluations: number;
  latestGrade: TGrade | null;
  /** True from a 差 grade until an evaluation that is not 差: a second 差 goes to replacement. */
  inRectification: boolean;
  closedReason: 'REPLACED' | null;
}

/** Stages a returned project may have come from for its proposal to be revised: all before the 批复. */
export const REVISABLE_FROM: readonly TLifecycleStage[] = [
  'VILLAGE_PUBLICITY',
  'TOWNSHIP_REVIEW',
  'TOWNSHIP_PUBLICITY',
  'COUNTY_JOINT_REVIEW',
  'COUNTY_APPROVAL',
];

/**
 * The review stages before the 批复, in order: each may return the matter to any one before it.
 * (Acceptance, evaluation and replacement have no earlier review of the same matter.)
 */
export const RETURNABLE_REVIEW_STAGES = ['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL'] as const satisfies readonly TReviewStage[];

/** The review stages a stage may return the matter to: the returnable ones before it. */
export function earlierReviewStages(stage: TLifecycleStage): TReviewStage[] {
  const at = (RETURNABLE_REVIEW_STAGES as readonly string[]).indexOf(stage);
  return at <= 0 ? [] : RETURNABLE_REVIEW_STAGES.slice(0, at);
}

/** The entry effect of a stage (see `enterStage`). */
const enterStage = <S extends TLifecycleStage>(stage: S) => ({ type: 'enterStage' as const, params: { stage } });

const stackOf = (context: TLifecycleContext) => context.resumeStack ?? [];

/**
 * A review stage: the events its approval step reports. Approve moves on to `next`, unless a
 * later stage waits to resume (it returned the matter here): then back to that stage.
 */
const reviewStage = <S extends TReviewStage, N extends TLifecycleStage>(stage: S, next: N) =>
  ({
    entry: enterStage(stage),
    on: {
      APPROVE: [
        ...RETURNABLE_REVIEW_STAGES.filter((later) => earlierReviewStages(later).includes(stage)).map((later) => ({
          target: later,
          guard: and(['notTheProposer', { type: 'resumes', params: { stage: later } }] as const),
          actions: 'popResume' as const,
        })),
        { target: next, guard: 'notTheProposer' },
      ],
      RETURN: { target: 'RETURNED', guard: 'notTheProposer', actions: { type: 'returnedFrom', params: { stage } } },
      RETURN_TO_STEP: earlierReviewStages(stage).map((earlier) => ({
        target: earlier,
        guard: and(['notTheProposer', 'hasReason', { type: 'returnsTo', params: { stage: earlier } }] as const),
        actions: { type: 'pushResume' as const, params: { stage } },
      })),
      REJECT: { target: 'REJECTED', guard: 'notTheProposer' },
      WITHDRAW: { target: 'WITHDRAWN', guard: 'isTheProposer' },
    },
  }) as const;

export interface TLifecycleInput {
  projectId: string;
  proposerId: string;
  budgetFen?: number;
  /** The plan's fiscal sources, when allocations are capped by them (see TLifecycleContext). */
  fiscalCapFen?: number;
  /** The county's bound on re-inspections (ZAcceptanceSettings), default 3. */
  maxReinspections?: number;
}

export const lifecycleMachine = setup({
  types: {
    context: {} as TLifecycleContext,
    events: {} as TLifecycleEvent,
    input: {} as TLifecycleInput,
  },
  guards: {
    // Separation of duties (domain.md §1): nobody approves a project they proposed.
    notTheProposer: ({ context, event }) => 'actorId' in event && event.actorId !== context.proposerId,
    isTheProposer: ({ context, event }) => 'actorId' in event && event.actorId === context.proposerId,
    withinBudget: ({ context, event }) =>
      event.type === 'ALLOCATE' && Number.isInteger(event.amountFen) && event.amountFen > 0 && event.amountFen <= (context.fiscalCapFen ?? context.budgetFen),
    from: ({ context }, params: { stage: TLifecycleContext['returnedFrom'] }) => context.returnedFrom === params.stage,
    hasReason: ({ event }) => 'reason' in event && event.reason.trim().length > 0,
    returnsTo: ({ event }, params: { stage: TReviewStage }) => event.type === 'RETURN_TO_STEP' && event.to === params.stage,
    /** The innermost stage waiting to resume is this one. */
    resumes: ({ context }, params: { stage: TReviewStage }) => stackOf(context).at(-1) === params.stage,
    beforeFunding: ({ context }) => context.allocation === null,
    /** A revision of the proposal: only before the 批复 (REVISABLE_FROM), a whole budget in fen. */
    revisable: ({ context, event }) =>
      event.type === 'REVISE_PROPOSAL' &&
      context.returnedFrom !== null &&
      REVISABLE_FROM.includes(context.returnedFrom) &&
      Number.isSafeInteger(event.budgetFen) &&
      event.budgetFen > 0,
    fullyBuilt: ({ context }) => context.verifiedProgressPercent === 100,
    reinspectionLeft: ({ context }) => context.failedInspections < context.maxReinspections,
    poorAgain: ({ context, event }) => event.type === 'EVALUATED' && event.grade === 'POOR' && context.inRectification,
    poor: ({ event }) => event.type === 'EVALUATED' && event.grade === 'POOR',
    validProgress: ({ context, event }) =>
      event.type === 'PROGRESS_VERIFIED' && Number.isInteger(event.percent) && event.percent >= context.verifiedProgressPercent && event.percent <= 100,
    positiveCapital: ({ event }) => event.type === 'CAPITAL_VERIFIED' && Number.isSafeInteger(event.amountFen) && event.amountFen > 0,
  },
  actions: {
    nextRound: assign({ reviewRound: ({ context }) => context.reviewRound + 1 }),
    pushResume: assign(({ context }, params: { stage: TReviewStage }) => ({ resumeStack: [...stackOf(context), params.stage] })),
    popResume: assign(({ context }) => ({ resumeStack: stackOf(context).slice(0, -1) })),
    returnedFrom: assign((_, params: { stage: TReviewStage | TPublicityStage }) => ({ returnedFrom: params.stage })),
    clearObjection: assign({ objection: () => null }),
    recordObjection: assign({ objection: ({ event }) => (event.type === 'OBJECTION' ? { actorId: event.actorId, text: event.text } : null) }),
    recordProgress: assign({
      verifiedProgressPercent: ({ context, event }) => (event.type === 'PROGRESS_VERIFIED' ? event.percent : context.verifiedProgressPercent),
    }),
    recordCapital: assign({
      ownCapitalInvestedFen: ({ context, event }) => context.ownCapitalInvestedFen + (event.type === 'CAPITAL_VERIFIED' ? event.amountFen : 0),
    }),
    failedInspection: assign({ failedInspections: ({ context }) => context.failedInspections + 1 }),
    acceptancePassed: assign({ acceptancePassed: () => true }),
    recordHandover: assign({ handoverDate: ({ context, event }) => (event.type === 'HANDED_OVER' ? event.date : context.handoverDate) }),
    recordGrade: assign(({ context, event }) =>
      event.type === 'EVALUATED' ? { latestGrade: event.grade, evaluations: context.evaluations + 1, inRectification: event.grade === 'POOR' } : {},
    ),
    replaced: assign({ closedReason: () => 'REPLACED' as const }),
    /** The revised budget (and fiscal cap, where allocations are capped by it) bind from now on. */
    recordRevision: assign(({ context, event }) =>
      event.type === 'REVISE_PROPOSAL'
        ? {
            budgetFen: event.budgetFen,
            ...(context.fiscalCapFen !== undefined && event.fiscalCapFen !== undefined ? { fiscalCapFen: event.fiscalCapFen } : {}),
          }
        : {},
    ),
    stillRectifying: assign({ inRectification: () => true }),
    /**
     * An effect, not a change of context: the stage is entered (never on a transition that stays
     * in its stage). The workflow runs it from `transition()`'s actions: it restarts the stage's
     * clock and version and logs the change (workflows/project-lifecycle.ts).
     */
    enterStage: (_, _params: { stage: TLifecycleStage }) => undefined,
    recordAllocation: assign({
      allocation: ({ event }) => (event.type === 'ALLOCATE' ? { actorId: event.actorId, fiscalYear: event.fiscalYear, amountFen: event.amountFen } : null),
    }),
  },
}).createMachine({
  id: 'projectLifecycle',
  context: ({ input }) => ({
    projectId: input.projectId,
    proposerId: input.proposerId,
    budgetFen: input.budgetFen ?? Number.MAX_SAFE_INTEGER,
    ...(input.fiscalCapFen !== undefined ? { fiscalCapFen: input.fiscalCapFen } : {}),
    reviewRound: 0,
    returnedFrom: null,
    resumeStack: [],
    objection: null,
    allocation: null,
    verifiedProgressPercent: 0,
    ownCapitalInvestedFen: 0,
    failedInspections: 0,
    maxReinspections: input.maxReinspections ?? 3,
    acceptancePassed: false,
    handoverDate: null,
    evaluations: 0,
    latestGrade: null,
    inRectification: false,
    closedReason: null,
  }),
  initial: 'PROPOSED',
  states: {
    PROPOSED: { entry: enterStage('PROPOSED'), on: { SUBMIT: { target: 'VILLAGE_PUBLICITY' } } },
    VILLAGE_PUBLICITY: {
      entry: [enterStage('VILLAGE_PUBLICITY'), 'clearObjection'],
      on: {
        PUBLICITY_ENDED: { target: 'TOWNSHIP_REVIEW', actions: 'nextRound' },
        OBJECTION: { target: 'RETURNED', actions: [{ type: 'returnedFrom', params: { stage: 'VILLAGE_PUBLICITY' } }, 'recordObjection'] },
      },
    },
    TOWNSHIP_REVIEW: reviewStage('TOWNSHIP_REVIEW', 'TOWNSHIP_PUBLICITY'),
    TOWNSHIP_PUBLICITY: {
      entry: [enterStage('TOWNSHIP_PUBLICITY'), 'clearObjection'],
      on: {
        PUBLICITY_ENDED: { target: 'COUNTY_JOINT_REVIEW' },
        OBJECTION: { target: 'RETURNED', actions: [{ type: 'returnedFrom', params: { stage: 'TOWNSHIP_PUBLICITY' } }, 'recordObjection'] },
      },
    },
    COUNTY_JOINT_REVIEW: reviewStage('COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL'),
    COUNTY_APPROVAL: reviewStage('COUNTY_APPROVAL', 'IN_POOL'),
    IN_POOL: {
      entry: enterStage('IN_POOL'),
      on: {
        ALLOCATE: {
          target: 'IMPLEMENTATION',
          guard: 'withinBudget',
          actions: 'recordAllocation',
        },
      },
    },
    // 实施: progress and own capital accumulate (payments run beside the stage, in the workflow);
    // acceptance may be requested once the supervising department verified 100%.
    IMPLEMENTATION: {
      entry: enterStage('IMPLEMENTATION'),
      on: {
        PROGRESS_VERIFIED: { guard: 'validProgress', actions: 'recordProgress' },
        CAPITAL_VERIFIED: { guard: 'positiveCapital', actions: 'recordCapital' },
        REQUEST_ACCEPTANCE: { target: 'ACCEPTANCE', guard: 'fullyBuilt' },
      },
    },
    // 竣工验收 by the joint team (an approval step). Returned: the village supplements the file and
    // resubmits to the same inspection. Failed: rectify and re-inspect, at most maxReinspections
    // times; after that the leading group decides (escalation), which may replace the project.
    ACCEPTANCE: {
      entry: enterStage('ACCEPTANCE'),
      on: {
        APPROVE: { target: 'ACCEPTANCE_PUBLICITY', actions: 'acceptancePassed' },
        RETURN: { target: 'RETURNED', actions: { type: 'returnedFrom', params: { stage: 'ACCEPTANCE' } } },
        REJECT: [
          { target: 'ACCEPTANCE_RECTIFICATION', guard: 'reinspectionLeft', actions: 'failedInspection' },
          { target: 'REPLACEMENT_REVIEW', actions: 'failedInspection' },
        ],
      },
    },
    ACCEPTANCE_RECTIFICATION: { entry: enterStage('ACCEPTANCE_RECTIFICATION'), on: { RECTIFIED: { target: 'ACCEPTANCE' } } },
    ACCEPTANCE_PUBLICITY: { entry: enterStage('ACCEPTANCE_PUBLICITY'), on: { PUBLICITY_ENDED: { target: 'ASSET_HANDOVER' } } },
    ASSET_HANDOVER: { entry: enterStage('ASSET_HANDOVER'), on: { HANDED_OVER: { target: 'OPERATION', actions: 'recordHandover' } } },
    OPERATION: { entry: enterStage('OPERATION'), on: { EVALUATION_DUE: { target: 'EVALUATION' } } },
    // 绩效评价: the evaluator's scored indicators go through an approval step; the approved grade
    // decides. A rejected evaluation is redone (the evaluator submits again, a new step round).
    EVALUATION: {
      entry: enterStage('EVALUATION'),
      on: {
        EVALUATED: [
          { target: 'REPLACEMENT_REVIEW', guard: 'poorAgain', actions: 'recordGrade' },
          { target: 'RECTIFICATION', guard: 'poor', actions: 'recordGrade' },
          { target: 'OPERATION', actions: 'recordGrade' },
        ],
        RETURN: { target: 'RETURNED', actions: { type: 'returnedFrom', params: { stage: 'EVALUATION' } } },
        // A rejected evaluation stays here to be redone: an explicit transition, so the host
        // tells it from an event the machine refuses (those are recorded as anomalies).
        REJECT: { target: 'EVALUATION' },
      },
    },
    // 整治: a plan with a deadline; at the deadline the project is evaluated again.
    RECTIFICATION: { entry: enterStage('RECTIFICATION'), on: { RECTIFICATION_DUE: { target: 'EVALUATION' } } },
    // 调换: the leading group replaces the project (remaining funds and assets go to a pool
    // project) or, rejecting the replacement, grants another rectification round.
    REPLACEMENT_REVIEW: {
      entry: enterStage('REPLACEMENT_REVIEW'),
      on: {
        APPROVE: { target: 'CLOSED', guard: 'notTheProposer', actions: 'replaced' },
        REJECT: { target: 'RECTIFICATION', actions: 'stillRectifying' },
        RETURN: { target: 'RETURNED', actions: { type: 'returnedFrom', params: { stage: 'REPLACEMENT_REVIEW' } } },
      },
    },
    RETURNED: {
      entry: enterStage('RETURNED'),
      on: {
        RESUBMIT: [
          // A review step resumes where it returned the matter.
          { target: 'TOWNSHIP_REVIEW', guard: { type: 'from', params: { stage: 'TOWNSHIP_REVIEW' } } },
          { target: 'COUNTY_JOINT_REVIEW', guard: { type: 'from', params: { stage: 'COUNTY_JOINT_REVIEW' } } },
          { target: 'COUNTY_APPROVAL', guard: { type: 'from', params: { stage: 'COUNTY_APPROVAL' } } },
          { target: 'ACCEPTANCE', guard: { type: 'from', params: { stage: 'ACCEPTANCE' } } },
          { target: 'EVALUATION', guard: { type: 'from', params: { stage: 'EVALUATION' } } },
          { target: 'REPLACEMENT_REVIEW', guard: { type: 'from', params: { stage: 'REPLACEMENT_REVIEW' } } },
          // A revised proposal is posted again; after a township-publicity objection, a new review round.
          { target: 'VILLAGE_PUBLICITY', guard: { type: 'from', params: { stage: 'VILLAGE_PUBLICITY' } } },
          { target: 'TOWNSHIP_REVIEW', guard: { type: 'from', params: { stage: 'TOWNSHIP_PUBLICITY' } }, actions: 'nextRound' },
        ],
        // 退回修改: the proposal revised in place (stays returned); the resubmission follows.
        REVISE_PROPOSAL: { guard: and(['isTheProposer', 'revisable']), actions: 'recordRevision' },
        // A funded project cannot be withdrawn: the money is committed.
        WITHDRAW: { target: 'WITHDRAWN', guard: and(['isTheProposer', 'beforeFunding']) },
      },
    },
    CLOSED: { entry: enterStage('CLOSED'), type: 'final' },
    REJECTED: { entry: enterStage('REJECTED'), type: 'final' },
    WITHDRAWN: { entry: enterStage('WITHDRAWN'), type: 'final' },
  },
});

export type TLifecycleMachine = typeof lifecycleMachine;
