import { assign, setup } from 'xstate';

/**
 * The project lifecycle as far as the walking skeleton goes: proposal → township review →
 * approved, or returned to the village for revision and resubmitted (or rejected, or withdrawn by
 * the applicant). Pure: the workflow steps it with `transition()` and performs whatever the new
 * state asks for. The township review itself is an approval step (child workflow); its phase
 * changes arrive here as these events.
 */
export type TLifecycleEvent =
  | { type: 'SUBMIT' }
  | { type: 'APPROVE'; actorId: string }
  | { type: 'RETURN'; actorId: string; reason: string }
  | { type: 'RESUBMIT'; actorId: string }
  | { type: 'REJECT'; actorId: string; reason: string }
  | { type: 'WITHDRAW'; actorId: string };

export interface TLifecycleContext {
  projectId: string;
  proposerId: string;
  /** How many times the township review has been opened; names each round's task. */
  reviewRound: number;
}

export const LIFECYCLE_STAGES = ['PROPOSED', 'TOWNSHIP_REVIEW', 'RETURNED', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
export type TLifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const lifecycleMachine = setup({
  types: {
    context: {} as TLifecycleContext,
    events: {} as TLifecycleEvent,
    input: {} as { projectId: string; proposerId: string },
  },
  guards: {
    // Separation of duties (domain.md §1): nobody approves a project they proposed.
    notTheProposer: ({ context, event }) => 'actorId' in event && event.actorId !== context.proposerId,
    isTheProposer: ({ context, event }) => 'actorId' in event && event.actorId === context.proposerId,
  },
}).createMachine({
  id: 'projectLifecycle',
  context: ({ input }) => ({ projectId: input.projectId, proposerId: input.proposerId, reviewRound: 0 }),
  initial: 'PROPOSED',
  states: {
    PROPOSED: {
      on: { SUBMIT: { target: 'TOWNSHIP_REVIEW', actions: assign({ reviewRound: ({ context }) => context.reviewRound + 1 }) } },
    },
    TOWNSHIP_REVIEW: {
      on: {
        APPROVE: { target: 'APPROVED', guard: 'notTheProposer' },
        RETURN: { target: 'RETURNED', guard: 'notTheProposer' },
        REJECT: { target: 'REJECTED', guard: 'notTheProposer' },
        WITHDRAW: { target: 'WITHDRAWN', guard: 'isTheProposer' },
      },
    },
    RETURNED: {
      on: {
        RESUBMIT: { target: 'TOWNSHIP_REVIEW', actions: assign({ reviewRound: ({ context }) => context.reviewRound + 1 }) },
        WITHDRAW: { target: 'WITHDRAWN', guard: 'isTheProposer' },
      },
    },
    APPROVED: { type: 'final' },
    REJECTED: { type: 'final' },
    WITHDRAWN: { type: 'final' },
  },
});

export type TLifecycleMachine = typeof lifecycleMachine;
