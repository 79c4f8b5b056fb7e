import { getShortestPaths } from 'xstate/graph';
import { lifecycleMachine, type TLifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-machine';

/** The lifecycle machine's input and common events in the pure tests. */
export const input = { projectId: 'p', proposerId: 'proposer', budgetFen: 1_000 };
export const APPROVE: TLifecycleEvent = { type: 'APPROVE', actorId: 'reviewer' };
export const ENDED: TLifecycleEvent = { type: 'PUBLICITY_ENDED' };

/** Every state reachable from the events a project meets, told apart by what its transitions depend on. */
export const EXPLORATION: Parameters<typeof getShortestPaths<typeof lifecycleMachine>>[1] = {
  input,
  // Rounds count up forever; states are told apart by value and where a return came from.
  serializeState: (state) =>
    JSON.stringify([
      state.value,
      state.context.returnedFrom,
      state.context.resumeStack,
      state.context.verifiedProgressPercent,
      state.context.inRectification,
      state.context.failedInspections,
      state.context.allocation !== null,
    ]),
  events: [
    { type: 'SUBMIT' },
    ENDED,
    APPROVE,
    { type: 'OBJECTION', actorId: 'villager', text: 't' },
    { type: 'RETURN', actorId: 'reviewer', reason: 'r' },
    { type: 'RETURN_TO_STEP', actorId: 'reviewer', reason: 'r', to: 'TOWNSHIP_REVIEW' },
    { type: 'RETURN_TO_STEP', actorId: 'reviewer', reason: 'r', to: 'COUNTY_JOINT_REVIEW' },
    { type: 'RESUBMIT', actorId: 'proposer' },
    { type: 'REJECT', actorId: 'reviewer', reason: 'r' },
    { type: 'WITHDRAW', actorId: 'proposer' },
    { type: 'ALLOCATE', actorId: 'finance', fiscalYear: 2027, amountFen: 500 },
    { type: 'PROGRESS_VERIFIED', actorId: 'agri', percent: 100 },
    { type: 'CAPITAL_VERIFIED', actorId: 'finance', amountFen: 100 },
    { type: 'REQUEST_ACCEPTANCE', actorId: 'proposer' },
    { type: 'RECTIFIED', actorId: 'proposer' },
    { type: 'HANDED_OVER', actorId: 'proposer', date: '2028-06-01' },
    { type: 'EVALUATION_DUE' },
    { type: 'EVALUATED', actorId: 'leader', grade: 'GOOD' },
    { type: 'EVALUATED', actorId: 'leader', grade: 'POOR' },
    { type: 'RECTIFICATION_DUE' },
  ],
};
