import * as wf from '@temporalio/workflow';
import { initialTransition, transition } from 'xstate';
import { lifecycleMachine, type TLifecycleStage } from '../src/domain/lifecycle/lifecycle-machine';
import { STAGE_LABELS_ZH } from '../src/domain/lifecycle/stage-tasks';
import { stepPhaseToLifecycleEvent, townshipReviewStep, TOWNSHIP_REVIEW_STEP_ID } from '../src/domain/lifecycle/township-review';
import type { Activities } from '../activities';
import { approvalStep } from './approval-step';
import {
  approvalStepWorkflowId,
  projectStateQuery,
  registerProjectUpdate,
  SA,
  stepAckSignal,
  stepReportSignal,
  type TOpenTask,
  type TProjectLifecycleInput,
  type TProjectState,
  type TStepReport,
} from './shared';

const acts = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Database outages are waited out: the workflow keeps its place and retries with backoff.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One project, one workflow: hosts the lifecycle machine. The township review runs as an
 * approval step (child workflow `<id>:step:township-review:<round>`), which owns its tasks and
 * reports each phase change here; the lifecycle steps its machine, projects the stage, and
 * acknowledges, so the action that caused the change answers only once the stage is visible.
 */
export async function projectLifecycle(input: TProjectLifecycleInput): Promise<TProjectState> {
  const { projectId } = input;
  const workflowId = wf.workflowInfo().workflowId;
  let [snapshot] = initialTransition(lifecycleMachine, { projectId, proposerId: input.proposer.userId });
  const stage = () => snapshot.value as TLifecycleStage;
  let registered = false;
  let openTasks: TOpenTask[] = [];
  const history: TProjectState['history'] = [];
  const reports: TStepReport[] = [];

  const publishStage = () => {
    const s = stage();
    wf.upsertSearchAttributes([
      { key: SA.ProjectStage, value: s },
      { key: SA.PendingRoles, value: [...new Set(openTasks.map((t) => t.candidateRole))] },
      { key: SA.ApprovedFen, value: s === 'APPROVED' ? input.proposal.budgetFen : 0 },
    ]);
    const waiting = openTasks.length ? openTasks.map((t) => `${t.candidateRole} @ ${t.candidateOrgUnitId}`).join(', ') : '无待办';
    wf.setCurrentDetails(`**阶段** ${STAGE_LABELS_ZH[s]} (${s})  \n**等待** ${waiting}  \n**自** ${new Date(wf.workflowInfo().runStartTime.getTime()).toISOString()}`);
  };

  wf.setHandler(projectStateQuery, () => ({ projectId, stage: stage(), openTasks, history }));

  // The API starts the workflow with this update, so its answer arrives once the project row and
  // the first task exist: a client never sees a project it cannot read.
  wf.setHandler(registerProjectUpdate, async () => {
    await wf.condition(() => registered);
    return { projectId, workflowId, stage: stage(), taskId: openTasks[0]?.id ?? null };
  });

  wf.setHandler(stepReportSignal, (report) => {
    reports.push(report);
  });

  wf.upsertSearchAttributes([
    { key: SA.County, value: input.county.name },
    { key: SA.Township, value: input.township.name },
    { key: SA.Village, value: input.village.name },
    { key: SA.Industry, value: input.proposal.industry },
  ]);

  snapshot = transition(lifecycleMachine, snapshot, { type: 'SUBMIT' })[0];
  history.push({ at: Date.now(), stage: stage(), actorId: input.proposer.userId });
  await acts.registerProject({ input, workflowId, stage: stage(), firstTask: null });

  const step = townshipReviewStep({ proposerId: input.proposer.userId, township: input.township, village: input.village });
  // One round per step start; a return to the applicant resumes the same step, so this stays 1.
  const child = await wf.startChild(approvalStep, {
    workflowId: approvalStepWorkflowId(workflowId, TOWNSHIP_REVIEW_STEP_ID, 1),
    args: [{ ...step, projectId, reportToParent: true }],
    staticSummary: `${step.title} · ${input.proposal.name} · ${input.township.name}`,
    staticDetails: `**项目** ${input.proposal.name}  \n**环节** ${step.title} (依次)  \n**审核** 乡镇审核员 @ ${input.township.name}`,
  });

  while (snapshot.status !== 'done') {
    await wf.condition(() => reports.length > 0);
    const report = reports.shift()!;
    openTasks = report.openTasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      candidateRole: t.candidateRole ?? '',
      candidateOrgUnitId: t.candidateOrgUnitId ?? '',
      candidateOrgPath: t.candidateOrgPath ?? '',
      openedAt: Date.now(),
    }));
    if (report.seq > 1) {
      const before = stage();
      const event = stepPhaseToLifecycleEvent(report.phase, report.actorId ?? '', report.reason);
      snapshot = transition(lifecycleMachine, snapshot, event)[0];
      history.push({ at: Date.now(), stage: stage(), action: event.type.toLowerCase(), actorId: report.actorId ?? undefined, comment: report.reason ?? undefined });
      if (stage() !== before) await acts.setProjectStage({ projectId, stage: stage() });
    }
    publishStage();
    registered = true;
    await child.signal(stepAckSignal, report.seq);
  }

  await child.result();
  await wf.condition(wf.allHandlersFinished);
  return { projectId, stage: stage(), openTasks: [], history };
}
