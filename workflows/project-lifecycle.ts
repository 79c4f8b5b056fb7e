import * as wf from '@temporalio/workflow';
import { initialTransition, transition } from 'xstate';
import { findGrant } from '../src/domain/actor';
import { lifecycleMachine, type TLifecycleStage } from '../src/domain/lifecycle/lifecycle-machine';
import { decisionToEvent, STAGE_LABELS_ZH, STAGE_TASKS } from '../src/domain/lifecycle/stage-tasks';
import type { TErrorCode } from '../src/domain/errors';
import type { Activities } from '../activities';
import {
  decideUpdate,
  projectStateQuery,
  registerProjectUpdate,
  SA,
  type TDecisionCommand,
  type TDecisionResult,
  type TOpenTask,
  type TProjectLifecycleInput,
  type TProjectState,
} from './shared';

const acts = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Database outages are waited out: the workflow keeps its place and retries with backoff.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** A refusal the caller can act on: non-retryable, typed by the domain error code. */
function refuse(code: TErrorCode, message: string, path = ''): never {
  throw wf.ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [{ path, message }] });
}

/** One project, one workflow: hosts the lifecycle machine and turns its states into tasks. */
export async function projectLifecycle(input: TProjectLifecycleInput): Promise<TProjectState> {
  const { projectId } = input;
  const workflowId = wf.workflowInfo().workflowId;
  let [snapshot] = initialTransition(lifecycleMachine, { projectId, proposerId: input.proposer.userId });
  const stage = () => snapshot.value as TLifecycleStage;
  let registered = false;
  let openTask: TOpenTask | null = null;
  const results = new Map<string, TDecisionResult>();
  const history: TProjectState['history'] = [];

  const orgFor = (scope: 'township' | 'village') => input[scope];

  const publishStage = () => {
    const s = stage();
    wf.upsertSearchAttributes([
      { key: SA.ProjectStage, value: s },
      { key: SA.PendingRoles, value: openTask ? [openTask.candidateRole] : [] },
      { key: SA.ApprovedFen, value: s === 'APPROVED' ? input.proposal.budgetFen : 0 },
    ]);
    const waiting = openTask ? `等待 ${openTask.candidateRole} @ ${input[STAGE_TASKS[s]!.scope].name}` : '无待办';
    wf.setCurrentDetails(`**阶段** ${STAGE_LABELS_ZH[s]} (${s})  \n**等待** ${waiting}  \n**自** ${new Date(wf.workflowInfo().runStartTime.getTime()).toISOString()}`);
  };

  /** Opens the task the current stage waits for; the id names the round so retries upsert. */
  const taskForStage = (): TOpenTask | null => {
    const spec = STAGE_TASKS[stage()];
    if (!spec) return null;
    const org = orgFor(spec.scope);
    return {
      id: `${workflowId}:${spec.kind}:${snapshot.context.reviewRound}`,
      kind: spec.kind,
      candidateRole: spec.candidateRole,
      candidateOrgUnitId: org.id,
      candidateOrgPath: org.path,
      openedAt: Date.now(),
    };
  };

  const checkDecision = (cmd: TDecisionCommand) => {
    if (results.has(cmd.requestId)) return; // a repeat: the handler answers with the first result
    if (!openTask || openTask.id !== cmd.taskId) refuse('TASK_NOT_PENDING', `task ${cmd.taskId} is not pending`, 'taskId');
    const spec = STAGE_TASKS[stage()]!;
    if (!cmd.actor.roles.some((g) => g.role === spec.candidateRole)) {
      refuse('ROLE_NOT_ALLOWED', `this task needs the role ${spec.candidateRole}`, 'actor.roles');
    }
    if (!findGrant(cmd.actor, spec.candidateRole, openTask.candidateOrgPath)) {
      refuse('OUT_OF_SCOPE', `the task's org unit is outside the actor's ${spec.candidateRole} scope`, 'actor.roles');
    }
    if (!spec.actions.includes(cmd.action)) {
      refuse('TRANSITION_NOT_ALLOWED', `${cmd.action} is not possible at stage ${stage()}`, 'action');
    }
    const event = decisionToEvent(cmd.action, cmd.actor.userId, cmd.comment);
    if (!snapshot.can(event)) {
      if (cmd.actor.userId === input.proposer.userId) {
        refuse('SEPARATION_OF_DUTIES', 'nobody decides on a project they proposed', 'actor.userId');
      }
      refuse('TRANSITION_NOT_ALLOWED', `${cmd.action} is not possible at stage ${stage()}`, 'action');
    }
  };

  wf.setHandler(projectStateQuery, () => ({ projectId, stage: stage(), openTasks: openTask ? [openTask] : [], history }));

  // The API starts the workflow with this update, so its answer arrives once the project row and
  // the first task exist: a client never sees a project it cannot read.
  wf.setHandler(registerProjectUpdate, async () => {
    await wf.condition(() => registered);
    return { projectId, workflowId, stage: stage(), taskId: openTask?.id ?? null };
  });

  wf.setHandler(
    decideUpdate,
    async (cmd) => {
      const earlier = results.get(cmd.requestId);
      if (earlier) return earlier;
      // Check and step synchronously, before any await: a second update validated while this
      // one persists sees the new state and is refused, so an any-one race has one winner.
      checkDecision(cmd);
      const stageBefore = stage();
      const closed = openTask!;
      snapshot = transition(lifecycleMachine, snapshot, decisionToEvent(cmd.action, cmd.actor.userId, cmd.comment))[0];
      openTask = taskForStage();
      const result: TDecisionResult = {
        requestId: cmd.requestId,
        taskId: closed.id,
        action: cmd.action,
        stageBefore,
        stageAfter: stage(),
        nextTaskId: openTask?.id ?? null,
      };
      results.set(cmd.requestId, result);
      history.push({ at: Date.now(), stage: stage(), action: cmd.action, actorId: cmd.actor.userId, comment: cmd.comment });
      const grant = findGrant(cmd.actor, closed.candidateRole as never, closed.candidateOrgPath)!;
      await acts.recordDecision({
        projectId,
        requestId: cmd.requestId,
        taskId: closed.id,
        actorId: cmd.actor.userId,
        role: grant.role,
        orgUnitId: grant.orgUnitId,
        action: cmd.action,
        comment: cmd.comment ?? null,
        stageBefore,
        stageAfter: stage(),
        nextTask: openTask ? { ...openTask, title: STAGE_TASKS[stage()]!.titleZh, workflowId, projectId } : null,
      });
      publishStage();
      return result;
    },
    { validator: checkDecision },
  );

  wf.upsertSearchAttributes([
    { key: SA.County, value: input.county.name },
    { key: SA.Township, value: input.township.name },
    { key: SA.Village, value: input.village.name },
    { key: SA.Industry, value: input.proposal.industry },
  ]);

  snapshot = transition(lifecycleMachine, snapshot, { type: 'SUBMIT' })[0];
  openTask = taskForStage();
  history.push({ at: Date.now(), stage: stage(), actorId: input.proposer.userId });
  await acts.registerProject({
    input,
    workflowId,
    stage: stage(),
    firstTask: openTask ? { ...openTask, title: STAGE_TASKS[stage()]!.titleZh, workflowId, projectId } : null,
  });
  registered = true;
  publishStage();

  await wf.condition(() => snapshot.status === 'done');
  await wf.condition(wf.allHandlersFinished);
  return { projectId, stage: stage(), openTasks: [], history };
}
