import { assign, setup } from 'xstate';

/**
 * The project lifecycle from proposal to funding (domain.md §2.1–2.6, issue 4 stages 1–5):
 * proposal → village publicity (村公示) → township review (乡审核) → township publicity (乡镇公示)
 * → county joint review (县论证, countersign) → county approval (县审定, leading group) → in the
 * pool (入库) → funded (资金下达). FUNDED is final for now: implementation (stage 6+) is not built.
 *
 * Returns: a reviewer's return, or an objection during a publicity period, sends the project back
 * to the village (RETURNED). Resubmission goes back to where it came from: the review step that
 * returned it (which resumes), the village publicity (a revised proposal is posted again), or,
 * after an objection during the township publicity, a new township review round.
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
  | { type: 'RESUBMIT'; actorId: string }
  | { type: 'REJECT'; actorId: string; reason: string }
  | { type: 'WITHDRAW'; actorId: string }
  | { type: 'ALLOCATE'; actorId: string; fiscalYear: number; amountFen: number };

export const LIFECYCLE_STAGES = [
  'PROPOSED',
  'VILLAGE_PUBLICITY',
  'TOWNSHIP_REVIEW',
  'TOWNSHIP_PUBLICITY',
  'COUNTY_JOINT_REVIEW',
  'COUNTY_APPROVAL',
  'IN_POOL',
  'FUNDED',
  'RETURNED',
  'REJECTED',
  'WITHDRAWN',
] as const;
export type TLifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The stages that run an approval step, and the publicity stages (timers). */
export const REVIEW_STAGES = ['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL'] as const;
export type TReviewStage = (typeof REVIEW_STAGES)[number];
export const PUBLICITY_STAGES = ['VILLAGE_PUBLICITY', 'TOWNSHIP_PUBLICITY'] as const;
export type TPublicityStage = (typeof PUBLICITY_STAGES)[number];

export interface TLifecycleContext {
  projectId: string;
  proposerId: string;
  budgetFen: number;
  /** How many times the township review has been opened (a new step round each time). */
  reviewRound: number;
  /** Where a RETURNED project came from, so resubmission goes back there. */
  returnedFrom: TReviewStage | TPublicityStage | null;
  objection: { actorId: string; text: string } | null;
  allocation: { actorId: string; fiscalYear: number; amountFen: number } | null;
}

/** A review stage: the events its approval step reports (approve moves on to `next`). */
const reviewStage = <S extends TReviewStage, N extends TLifecycleStage>(stage: S, next: N) =>
  ({
    on: {
      APPROVE: { target: next, guard: 'notTheProposer' },
      RETURN: { target: 'RETURNED', guard: 'notTheProposer', actions: { type: 'returnedFrom', params: { stage } } },
      REJECT: { target: 'REJECTED', guard: 'notTheProposer' },
      WITHDRAW: { target: 'WITHDRAWN', guard: 'isTheProposer' },
    },
  }) as const;

export const lifecycleMachine = setup({
  types: {
    context: {} as TLifecycleContext,
    events: {} as TLifecycleEvent,
    input: {} as { projectId: string; proposerId: string; budgetFen?: number },
  },
  guards: {
    // Separation of duties (domain.md §1): nobody approves a project they proposed.
    notTheProposer: ({ context, event }) => 'actorId' in event && event.actorId !== context.proposerId,
    isTheProposer: ({ context, event }) => 'actorId' in event && event.actorId === context.proposerId,
    withinBudget: ({ context, event }) =>
      event.type === 'ALLOCATE' && Number.isInteger(event.amountFen) && event.amountFen > 0 && event.amountFen <= context.budgetFen,
    from: ({ context }, params: { stage: TLifecycleContext['returnedFrom'] }) => context.returnedFrom === params.stage,
  },
  actions: {
    nextRound: assign({ reviewRound: ({ context }) => context.reviewRound + 1 }),
    returnedFrom: assign((_, params: { stage: TReviewStage | TPublicityStage }) => ({ returnedFrom: params.stage })),
    clearObjection: assign({ objection: () => null }),
    recordObjection: assign({ objection: ({ event }) => (event.type === 'OBJECTION' ? { actorId: event.actorId, text: event.text } : null) }),
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
    reviewRound: 0,
    returnedFrom: null,
    objection: null,
    allocation: null,
  }),
  initial: 'PROPOSED',
  states: {
    PROPOSED: { on: { SUBMIT: { target: 'VILLAGE_PUBLICITY' } } },
    VILLAGE_PUBLICITY: {
      entry: 'clearObjection',
      on: {
        PUBLICITY_ENDED: { target: 'TOWNSHIP_REVIEW', actions: 'nextRound' },
        OBJECTION: { target: 'RETURNED', actions: [{ type: 'returnedFrom', params: { stage: 'VILLAGE_PUBLICITY' } }, 'recordObjection'] },
      },
    },
    TOWNSHIP_REVIEW: reviewStage('TOWNSHIP_REVIEW', 'TOWNSHIP_PUBLICITY'),
    TOWNSHIP_PUBLICITY: {
      entry: 'clearObjection',
      on: {
        PUBLICITY_ENDED: { target: 'COUNTY_JOINT_REVIEW' },
        OBJECTION: { target: 'RETURNED', actions: [{ type: 'returnedFrom', params: { stage: 'TOWNSHIP_PUBLICITY' } }, 'recordObjection'] },
      },
    },
    COUNTY_JOINT_REVIEW: reviewStage('COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL'),
    COUNTY_APPROVAL: reviewStage('COUNTY_APPROVAL', 'IN_POOL'),
    IN_POOL: {
      on: {
        ALLOCATE: {
          target: 'FUNDED',
          guard: 'withinBudget',
          actions: 'recordAllocation',
        },
      },
    },
    RETURNED: {
      on: {
        RESUBMIT: [
          // A review step resumes where it returned the matter.
          { target: 'TOWNSHIP_REVIEW', guard: { type: 'from', params: { stage: 'TOWNSHIP_REVIEW' } } },
          { target: 'COUNTY_JOINT_REVIEW', guard: { type: 'from', params: { stage: 'COUNTY_JOINT_REVIEW' } } },
          { target: 'COUNTY_APPROVAL', guard: { type: 'from', params: { stage: 'COUNTY_APPROVAL' } } },
          // A revised proposal is posted again; after a township-publicity objection, a new review round.
          { target: 'VILLAGE_PUBLICITY', guard: { type: 'from', params: { stage: 'VILLAGE_PUBLICITY' } } },
          { target: 'TOWNSHIP_REVIEW', guard: { type: 'from', params: { stage: 'TOWNSHIP_PUBLICITY' } }, actions: 'nextRound' },
        ],
        WITHDRAW: { target: 'WITHDRAWN', guard: 'isTheProposer' },
      },
    },
    FUNDED: { type: 'final' },
    REJECTED: { type: 'final' },
    WITHDRAWN: { type: 'final' },
  },
});

export type TLifecycleMachine = typeof lifecycleMachine;
