import * as wf from '@temporalio/workflow';
import { PATCHES } from './patches';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { holdsRoleOver } from '../src/domain/actor';
import { initialTransition } from 'xstate';
import { transition } from './machine-transition';
import {
  lifecycleMachine,
  stagesFrom,
  type TLifecycleEvent,
  type TLifecycleStage,
  type TPublicityStage,
  type TReviewStage,
} from '../src/domain/lifecycle/lifecycle-machine';
import { STAGE_LABELS_ZH, STAGE_TASKS } from '../src/domain/lifecycle/stage-tasks';
import { REVIEW_STEP_IDS, reviewStageOfStep, reviewStep, stepPhaseToLifecycleEvent } from '../src/domain/lifecycle/township-review';
import { priorSignersFor, withStepSigners, type TStageSigners } from '../src/domain/lifecycle/stage-signers';
import { DEFAULT_COUNTY_SETTINGS, resolveSettingsOrThrow } from '../src/domain/policies/settings';
import { workingDaysClosesAt } from '../src/domain/policies/working-days';
import { allocationRefusal, fiscalTotalFen } from '../src/domain/lifecycle/fiscal-funding';
import { payeeAccountsRefusal, registeredPayeeAccounts } from '../src/domain/payment/payee-accounts';
import { createOperation, emptyOperationState, PAYEE_ACCOUNTS_PATCH } from './project-operation';
import type { Activities } from '../activities';
import { createStepHost, type TStepRun } from './step-host';
import type { TReportHandoff } from './approval-step';
import type { TStageWrite } from '../activities/approval-records';
import {
  allocateFundsUpdate,
  lodgeObjectionUpdate,
  projectStateQuery,
  registerProjectUpdate,
  type TCarriedLifecycle,
  type TAllocateFundsCommand,
  type TAllocateFundsResult,
  type TObjectionCommand,
  type TOpenTask,
  type TProjectLifecycleInput,
  type TProjectState,
} from './messages/project';
import {
  approvalActUpdate,
  approvalStateQuery,
  approvalStepWorkflowId,
  stepReportSignal,
  stepReportUpdate,
  stepReportUpdateId,
  type TApprovalActCommand,
  type TApprovalActResult,
  type TStepReport,
} from './messages/approval-step';
import { SA } from './messages/search-attributes';
import { ACTIVITY_OPTIONS } from './activity-options';
import { fail, refuse } from './refusal';
import { objectionLodgerRefusal } from '../src/domain/lifecycle/public-objection';
import { proposalDiff, proposalRevisionRefusal, revisedProposal } from '../src/domain/lifecycle/proposal-revision';
import type { TProposal } from '../src/domain/lifecycle/proposal';

// Database outages are waited out: the workflow keeps its place and retries with backoff.
const acts = wf.proxyActivities<Activities>(ACTIVITY_OPTIONS);
const localActs = wf.proxyLocalActivities<Activities>(ACTIVITY_OPTIONS);

/**
 * Upgrade patches (docs/upgrading.md), both on the path of an approval's
 * answer (the step waits for this workflow's acknowledgement of its report):
 * - the stage a step's report moves the project to is written by a local activity, in the same
 *   workflow task as the report and the acknowledgement, instead of a scheduled activity and one
 *   more workflow task (the same idempotent write: a retry after a worker kill writes it again);
 * - search attributes are upserted only when one of them changed (each report used to upsert all
 *   of them, a history event and a Temporal action each time).
 * Projects started before them replay their recorded commands.
 */
const REPORT_LOCAL_PATCH = PATCHES.lifecycleReportLocal;
const UPSERT_ON_CHANGE_PATCH = PATCHES.lifecycleUpsertOnChange;
/**
 * Upgrade patch (issue #13, item 8): each step of the approval chain is told who signed its other
 * stages (`priorSignerIds`), so nobody signs two of them. Projects started before it run their
 * steps without (their children's recorded inputs have none).
 */
export const PRIOR_SIGNERS_PATCH = PATCHES.priorSignersAcrossStages;
/**
 * Upgrade patch: the rules that guard money and acceptance (allocation within the fiscal sources,
 * the township's five checks, and in project-operation.ts payments capped and bound to a fiscal
 * source, the villagers' vote, outcome overrides with a reason). Decided once, when a project's
 * first run starts, and carried over continue-as-new (`ops.rules`): a project started before them
 * keeps, on replay and after, what its history accepted.
 */
export const MONEY_ACCEPTANCE_RULES_PATCH = PATCHES.moneyAndAcceptanceRules;
/**
 * Upgrade patch (issue #13, item 12): an event the lifecycle machine refuses is never silent. A
 * person's command is refused by its Update validator before anything changes; a system event (a
 * step's report, a timer) the machine refuses leaves no history entry and runs no effect of the
 * stage it would have entered, and is recorded as an anomaly: a LIFECYCLE_EVENT_REFUSED audit
 * event and the `RefusedEvents` search attribute. Histories from before it keep their entries.
 */
export const REFUSED_EVENT_PATCH = PATCHES.refusedEventNeverSilent;
/**
 * Upgrade patch (issue #20, ADR 0010): the run hosts its approval steps itself (workflows/step-host.ts)
 * instead of starting a child workflow per step. Decided at the start of each run, before any
 * command; runs started before it keep their children to the end of the run. A continue-as-new
 * never carries an open step, so the next run decides afresh.
 */
export const STEPS_HOSTED_PATCH = PATCHES.approvalStepsHosted;
/**
 * Upgrade patch (issue #18): a publicity period counts working days on the county's calendar
 * (settings.workingDays.calendar) and ends at midnight Asia/Shanghai after its last working day;
 * the Publicity row's `endsAt` is that instant. Decided when each period opens: a period opened
 * before it runs its calendar days to the end.
 */
export const PUBLICITY_WORKING_DAYS_PATCH = PATCHES.publicityWorkingDays;

/**
 * Upgrade patch (issue #18): a resubmission may carry the proposer's revised proposal, which
 * becomes the proposal's next version (the REVISE_PROPOSAL event, `recordProposalVersion`). Taken
 * only by a resubmission that carries one, which no history before it has.
 */
export const PROPOSAL_REVISION_PATCH = PATCHES.proposalRevision;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Stages before the 批复: nothing approved yet. */
const STAGES_BEFORE_APPROVAL: readonly TLifecycleStage[] = [...stagesFrom('PROPOSED', 'COUNTY_APPROVAL'), 'RETURNED', 'REJECTED', 'WITHDRAWN'];
const TERMINAL_PHASES = ['approved', 'rejected', 'withdrawn'];

/**
 * One project, one workflow: hosts the lifecycle machine from proposal to closing, for years.
 * - Publicity periods (村公示, 乡镇公示) are durable timers of the county's days; an objection
 *   (`lodgeObjection` update, only during a period) ends the period and returns the project.
 * - Each review (township, county joint review, county approval) runs as an approval step (child
 *   workflow `<id>:step:<stepId>:<round>`), which owns its tasks and reports each phase change
 *   here; the lifecycle steps its machine, projects the stage, and acknowledges, so the action
 *   that caused the change answers only once the stage is visible.
 * - In the pool, the finance bureau's `allocateFunds` update funds the project; from then on the
 *   `projectAct` update takes the facts of implementation and operation (project-operation.ts),
 *   payments run beside the stages, and acceptance, evaluation and replacement are approval steps.
 * - Continue-as-new after each approved evaluation (and whenever the SDK suggests it while nothing
 *   is in flight), carrying the machine snapshot and the workflow's own state (`input.carried`).
 */
export async function projectLifecycle(input: TProjectLifecycleInput): Promise<TProjectState> {
  const { projectId } = input;
  const workflowId = wf.workflowInfo().workflowId;
  const hostSteps = wf.patched(STEPS_HOSTED_PATCH);
  const settings = resolveSettingsOrThrow(input.settings ?? {});
  const publicityDays = { ...DEFAULT_COUNTY_SETTINGS.publicity, ...settings.publicity, ...input.publicity };
  const carried = input.carried;
  const rules = carried ? carried.ops.rules === true : wf.patched(MONEY_ACCEPTANCE_RULES_PATCH);
  const fiscalCap = rules ? { fiscalCapFen: fiscalTotalFen(input.proposal.fundingSources) } : {};
  let [snapshot] = initialTransition(lifecycleMachine, {
    projectId,
    proposerId: input.proposer.userId,
    budgetFen: input.proposal.budgetFen,
    maxReinspections: settings.acceptance.maxReinspections,
    ...fiscalCap,
  });
  if (carried) snapshot = lifecycleMachine.resolveState(carried.machine as Parameters<typeof lifecycleMachine.resolveState>[0]);
  const stage = () => snapshot.value as TLifecycleStage;
  let registered = carried !== undefined;
  let openTasks: TOpenTask[] = [];
  let since = carried?.since ?? Date.now();
  let fiscalYear: number | null = carried?.fiscalYear ?? null;
  let stageVersion = carried?.stageVersion ?? 0;
  const history: TProjectState['history'] = carried?.history ?? [];
  /**
   * Step reports in arrival order; `byUpdate`: came as `stepReportUpdate` (or from a hosted step),
   * answered, not acked by signal; `handoff`: a hosted step's decision, whose record waits for the
   * stage this loop gives it and tells when it is committed.
   */
  const reports: Array<TStepReport & { byUpdate?: true; handoff?: { give: (write: TStageWrite | null) => void; recorded: Promise<void> } }> = [];
  /** Reports received by Update in this run, and those the loop has processed (by update id). */
  const receivedByUpdate = new Set<string>();
  const processedByUpdate = new Set<string>();
  const rounds: Record<string, number> = carried?.rounds ?? {};
  let stageSigners: TStageSigners = carried?.stageSigners ?? {};
  let proposalVersion = carried?.proposalVersion ?? 1;
  const publicityRounds: Record<string, number> = carried?.publicityRounds ?? {};
  /** The running publicity period, for objections. */
  let publicity: { id: string; stage: TPublicityStage } | null = null;
  /** The village's revision task after an objection (the review steps own their own). */
  let objectionTaskId: string | null = null;
  let allocation: TAllocateFundsResult | null = null;
  const ops = carried?.ops ?? { ...emptyOperationState(), ...(rules ? { rules } : {}) };

  /** The search attributes as last upserted in this run (JSON by key), to skip repeats. */
  const published = new Map<string, string>();
  const publishStage = () => {
    const s = stage();
    const pendingRoles = s === 'IN_POOL' ? ['COUNTY_FINANCE'] : [...new Set([...openTasks, ...operation.openTasks()].map((t) => t.candidateRole))];
    const funded = snapshot.context.allocation !== null;
    const attributes: SearchAttributeUpdatePair[] = [
      { key: SA.ProjectStage, value: s },
      { key: SA.PendingRoles, value: pendingRoles },
      { key: SA.ApprovedFen, value: STAGES_BEFORE_APPROVAL.includes(s) ? 0 : input.proposal.budgetFen },
      ...(fiscalYear !== null ? [{ key: SA.FiscalYear, value: fiscalYear }] : []),
      ...(funded
        ? [
            { key: SA.DisbursedFen, value: operation.disbursedFen() },
            { key: SA.RiskFlags, value: operation.openFlagCodes() },
          ]
        : []),
      ...(snapshot.context.latestGrade ? [{ key: SA.LatestGrade, value: snapshot.context.latestGrade }] : []),
    ];
    const changed = attributes.filter(({ key, value }) => published.get(key.name) !== JSON.stringify(value));
    for (const { key, value } of changed) published.set(key.name, JSON.stringify(value));
    if (changed.length === attributes.length) wf.upsertSearchAttributes(attributes);
    else if (!wf.patched(UPSERT_ON_CHANGE_PATCH)) wf.upsertSearchAttributes(attributes);
    else if (changed.length > 0) wf.upsertSearchAttributes(changed);
    const ownTasks = operation.openTasks();
    const waiting =
      s === 'IN_POOL'
        ? '县财政局 下达资金'
        : ownTasks.length && !openTasks.length
          ? ownTasks.map((t) => `${t.candidateRole} @ ${t.candidateOrgUnitId}`).join(', ')
          : openTasks.length
            ? openTasks.map((t) => `${t.candidateRole} @ ${t.candidateOrgUnitId}`).join(', ')
            : publicity
              ? '公示期满'
              : '无待办';
    wf.setCurrentDetails(`**阶段** ${STAGE_LABELS_ZH[s]} (${s})  \n**等待** ${waiting}  \n**自** ${new Date(since).toISOString()}`);
  };

  /** Anomaly records being written: continue-as-new and the end wait for them. */
  let anomaliesRecording = 0;
  /** Whether the last `step` was refused by the machine (under REFUSED_EVENT_PATCH). */
  let lastRefused = false;
  const noteRefused = (event: TLifecycleEvent, at: TLifecycleStage, actorId?: string) => {
    const refused = (ops.refused = { count: (ops.refused?.count ?? 0) + 1, types: [...new Set([...(ops.refused?.types ?? []), event.type])] });
    wf.upsertSearchAttributes([{ key: SA.RefusedEvents, value: refused.types }]);
    anomaliesRecording += 1;
    const details = { event: event.type, stage: at, ...('to' in event ? { to: event.to } : {}) };
    // Logging adds no command to history; the SDK drops these lines while a workflow replays.
    wf.log.warn('lifecycle event refused', { projectId, ...details });
    void acts
      .noteProjectEvent({
        projectId,
        stage: null,
        eventKey: `lifecycle-event-refused:${projectId}:${refused.count}`,
        action: 'LIFECYCLE_EVENT_REFUSED',
        actorId: actorId ?? null,
        details,
      })
      .finally(() => (anomaliesRecording -= 1));
  };

  const step = (event: TLifecycleEvent, actorId?: string, comment?: string) => {
    const before = stage();
    lastRefused = !snapshot.can(event) && wf.patched(REFUSED_EVENT_PATCH);
    if (lastRefused) {
      noteRefused(event, before, actorId);
      return before;
    }
    const [next, actions] = transition(lifecycleMachine, snapshot, event);
    snapshot = next;
    // The machine's named effect: a stage entered (a transition that stays in its stage names none).
    for (const action of actions) {
      if (action.type !== 'enterStage') continue;
      since = Date.now();
      stageVersion += 1;
      wf.log.info('stage changed', { projectId, from: before, to: stage(), event: event.type, actorId: actorId ?? null });
    }
    history.push({ at: Date.now(), stage: stage(), action: event.type.toLowerCase(), actorId, comment });
    return before;
  };

  /**
   * Queues a step's report (by Update, or handed off by a hosted step) for the loop below, once:
   * a second delivery of one report (the server deduplicates a retried update id; this covers any
   * other repeat) is not queued again. Returns the id the loop marks processed.
   */
  const enqueue = (report: TStepReport, handoff?: (typeof reports)[number]['handoff']) => {
    const id = stepReportUpdateId(report);
    if (!receivedByUpdate.has(id)) {
      receivedByUpdate.add(id);
      reports.push({ ...report, byUpdate: true, ...(handoff ? { handoff } : {}) });
    }
    return id;
  };
  /** A step's report, done once the loop processed it (stage written). It waits only for this workflow's own loop, never for the step, which waits for it. */
  const takeReport = async (report: TStepReport) => {
    const id = enqueue(report);
    await wf.condition(() => processedByUpdate.has(id));
  };
  /** A hosted step's decision: queued like a report, with the promises its record and this loop settle for each other. */
  const handOff = (report: TStepReport): TReportHandoff => {
    let give: (write: TStageWrite | null) => void = () => undefined;
    const stageWrite = new Promise<TStageWrite | null>((resolve) => (give = resolve));
    let recorded: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => (recorded = resolve));
    const id = enqueue(report, { give, recorded: committed });
    return { stageWrite, recorded, processed: wf.condition(() => processedByUpdate.has(id)) };
  };
  const steps = createStepHost({ hostWorkflowId: workflowId, hosted: hostSteps, takeReport, handOff });

  const operation = createOperation({
    steps,
    input,
    workflowId,
    settings,
    ops,
    acts,
    snapshot: () => snapshot,
    stage,
    step,
    publishStage: () => publishStage(),
    history,
    stageVersion: () => stageVersion,
  });

  wf.setHandler(projectStateQuery, () => ({
    projectId,
    stage: stage(),
    openTasks: [...openTasks, ...operation.openTasks()],
    history,
    ...(snapshot.context.allocation ? { financial: operation.financial(), operation: ops, latestGrade: snapshot.context.latestGrade } : {}),
    runs: (carried?.runs ?? 0) + 1,
  }));

  // The API starts the workflow with this update, so its answer arrives once the project row and
  // the first task (or the first publicity period) exist: a client never sees a project it cannot read.
  wf.setHandler(registerProjectUpdate, async () => {
    await wf.condition(() => registered);
    return { projectId, workflowId, stage: stage(), taskId: openTasks[0]?.id ?? null };
  });

  wf.setHandler(stepReportSignal, (report) => {
    reports.push(report);
  });
  // The same queue, from a step of its own: answered once the loop below processed the report. A
  // run hosting its steps has no child to report: an Update from outside would move the project.
  wf.setHandler(
    stepReportUpdate,
    async (report: TStepReport) => {
      await takeReport(report);
      return { seq: report.seq };
    },
    {
      validator: (_report: TStepReport) => {
        if (hostSteps) refuse('TRANSITION_NOT_ALLOWED', 'this project hosts its approval steps: no step reports to it from outside', 'report');
      },
    },
  );
  /**
   * Done with a report: one that came by Update is answered; one that came by signal (from a step
   * started before `step-report-by-update`) is acknowledged by signal, as its history expects.
   */
  const acknowledge = async (child: TStepRun, report: (typeof reports)[number]) => {
    if (report.byUpdate) processedByUpdate.add(stepReportUpdateId(report));
    else await child.ack(report.seq);
  };

  // 异议: only while a publicity period runs. Stepped before any await, so the timer cannot end the
  // period under it; answers once the objection and the village's revision task are recorded.
  wf.setHandler(
    lodgeObjectionUpdate,
    async (cmd) => {
      const current = publicity!;
      const stageBefore = step({ type: 'OBJECTION', actorId: cmd.actor.userId, text: cmd.text }, cmd.actor.userId, cmd.text);
      publicity = null;
      const revise = STAGE_TASKS.RETURNED!;
      const taskId = `${workflowId}:objection:${cmd.requestId}`.slice(0, 190);
      objectionTaskId = taskId;
      openTasks = [
        {
          id: taskId,
          kind: revise.kind,
          candidateRole: revise.candidateRole,
          candidateOrgUnitId: input.village.id,
          candidateOrgPath: input.village.path,
          openedAt: Date.now(),
        },
      ];
      publishStage();
      const { objectionId } = await acts.recordObjection({
        requestId: cmd.requestId,
        projectId,
        workflowId,
        publicityId: current.id,
        actorId: cmd.actor.userId,
        text: cmd.text,
        ...(cmd.lodger ? { lodger: cmd.lodger } : {}),
        at: Date.now(),
        stage: stage(),
        resubmitTask: {
          id: taskId,
          kind: revise.kind,
          title: `${revise.titleZh}（异议）`,
          candidateRole: revise.candidateRole,
          candidateOrgUnitId: input.village.id,
          candidateOrgPath: input.village.path,
          candidateUserId: input.proposer.userId,
        },
      });
      return { requestId: cmd.requestId, projectId, objectionId, publicityId: current.id, stageBefore, stageAfter: stage(), resubmitTaskId: taskId };
    },
    {
      validator: (cmd: TObjectionCommand) => {
        if (!publicity || !snapshot.can({ type: 'OBJECTION', actorId: cmd.actor.userId, text: cmd.text })) {
          refuse('TRANSITION_NOT_ALLOWED', `objections are taken only during a publicity period; the project is ${stage()}`, 'stage');
        }
        if (!cmd.text.trim()) refuse('VALIDATION_FAILED', 'an objection needs its text', 'body.text');
        const lodgerRefused = objectionLodgerRefusal(cmd);
        if (lodgerRefused) fail(lodgerRefused);
      },
    },
  );

  /** The revision's lifecycle event: the budget and fiscal cap the revised proposal binds. */
  const reviseEvent = (cmd: TApprovalActCommand, revised: TProposal) =>
    ({ type: 'REVISE_PROPOSAL', actorId: cmd.actor.userId, budgetFen: revised.budgetFen, fiscalCapFen: fiscalTotalFen(revised.fundingSources) }) as const;
  /** 退回修改: only with a resubmission, by the proposer, while returned before the 批复, by the proposal's rules. */
  const revisionValidate = (cmd: TApprovalActCommand, proposal: TProposal) => {
    if (cmd.action.type !== 'RESUBMIT') refuse('VALIDATION_FAILED', 'a revised proposal travels with a resubmission', 'body.proposal');
    const refused = proposalRevisionRefusal({
      current: input.proposal,
      revised: proposal,
      returnedFrom: stage() === 'RETURNED' ? snapshot.context.returnedFrom : null,
      actorId: cmd.actor.userId,
      proposerId: input.proposer.userId,
    });
    if (refused) fail(refused);
    if (!snapshot.can(reviseEvent(cmd, revisedProposal(proposal))))
      refuse('TRANSITION_NOT_ALLOWED', `the lifecycle takes no revision while the project is ${stage()}`, 'stage');
  };
  /** Takes the revised proposal as the next version (when anything changed) and records it; returns the record's promise. */
  const reviseProposal = (cmd: TApprovalActCommand, proposal: TProposal): Promise<void> | null => {
    const revised = revisedProposal(proposal);
    const previous = input.proposal;
    const changes = proposalDiff(previous, revised);
    if (changes.length === 0) return null;
    step(reviseEvent(cmd, revised), cmd.actor.userId);
    input.proposal = revised;
    proposalVersion += 1;
    return acts.recordProposalVersion({
      projectId,
      version: proposalVersion,
      values: revised,
      previous,
      authorId: cmd.actor.userId,
      proposerId: input.proposer.userId,
      taskId: cmd.taskId,
      requestId: cmd.requestId,
      changedFields: changes.map((c) => c.field),
      at: Date.now(),
    });
  };

  // A task action: on a hosted step's task, that step's; the village's resubmission after an
  // objection arrives on its task like any other task action.
  wf.setHandler(
    approvalActUpdate,
    async (cmd): Promise<TApprovalActResult> => {
      // Stepped before the resubmission, in the same workflow task: the step resumes on the revision.
      const revision = cmd.proposal !== undefined && wf.patched(PROPOSAL_REVISION_PATCH) ? reviseProposal(cmd, cmd.proposal) : null;
      const hosted = steps.stepFor(cmd.taskId);
      // Without a revision exactly the path recorded histories took (no extra await before the answer).
      if (hosted && !revision) return hosted.act(cmd);
      if (hosted) {
        const result = await hosted.act(cmd);
        await revision;
        return result;
      }
      if (revision) await revision;
      const taskId = objectionTaskId!;
      const stageBefore = step({ type: 'RESUBMIT', actorId: cmd.actor.userId }, cmd.actor.userId, cmd.comment);
      objectionTaskId = null;
      openTasks = [];
      publishStage();
      await acts.closeObjectionTask({ taskId, projectId, actorId: cmd.actor.userId, requestId: cmd.requestId, at: Date.now(), stage: stage() });
      return {
        requestId: cmd.requestId,
        taskId,
        action: 'resubmit',
        stepWorkflowId: workflowId,
        phaseBefore: 'returned',
        phaseAfter: 'pending',
        stageBefore,
        stageAfter: stage(),
        nextTaskId: null,
        openTaskIds: [],
      };
    },
    {
      validator: (cmd: TApprovalActCommand) => {
        if (cmd.proposal !== undefined) revisionValidate(cmd, cmd.proposal);
        const hosted = steps.stepFor(cmd.taskId);
        if (hosted) return hosted.validate(cmd);
        if (!objectionTaskId || cmd.taskId !== objectionTaskId) refuse('NOT_FOUND', `no open task ${cmd.taskId} on this project`, 'taskId');
        if (cmd.action.type !== 'RESUBMIT') refuse('TRANSITION_NOT_ALLOWED', 'a project returned after an objection is revised and resubmitted', 'body.action');
        if (cmd.actor.userId !== input.proposer.userId) refuse('NOT_A_CANDIDATE', 'only the proposer resubmits the project', 'actor');
        if (!snapshot.can({ type: 'RESUBMIT', actorId: cmd.actor.userId }))
          refuse('TRANSITION_NOT_ALLOWED', `the lifecycle cannot take a resubmission while the project is ${stage()}`, 'stage');
      },
    },
  );

  // A hosted step's state, for the task page (which actions, whom a transfer may name, the deadline).
  wf.setHandler(approvalStateQuery, (taskId) => {
    const hosted = taskId === undefined ? undefined : steps.stepFor(taskId);
    if (!hosted) refuse('NOT_FOUND', `no approval step of this project has the task ${taskId}`, 'taskId');
    return hosted.state();
  });

  // 资金下达: the finance bureau at the county, only in the pool, at most the approved budget.
  wf.setHandler(
    allocateFundsUpdate,
    async (cmd) => {
      if (allocation) return allocation; // the same request, repeated (checked in the validator)
      const stageBefore = step({ type: 'ALLOCATE', actorId: cmd.actor.userId, fiscalYear: cmd.fiscalYear, amountFen: cmd.amountFen }, cmd.actor.userId);
      fiscalYear = cmd.fiscalYear;
      // Kept in the carried state, for the risk screening of every payment (project-operation.ts).
      if (cmd.payeeAccounts !== undefined && wf.patched(PAYEE_ACCOUNTS_PATCH)) ops.payeeAccounts = registeredPayeeAccounts(cmd.payeeAccounts);
      allocation = { requestId: cmd.requestId, projectId, fiscalYear: cmd.fiscalYear, amountFen: cmd.amountFen, stageBefore, stageAfter: stage() };
      openTasks = [];
      publishStage();
      await acts.recordAllocation({
        requestId: cmd.requestId,
        projectId,
        actorId: cmd.actor.userId,
        fiscalYear: cmd.fiscalYear,
        amountFen: cmd.amountFen,
        at: Date.now(),
        stage: stage(),
        ...(ops.payeeAccounts ? { payeeAccounts: ops.payeeAccounts } : {}),
      });
      return allocation;
    },
    {
      validator: (cmd: TAllocateFundsCommand) => {
        if (allocation?.requestId === cmd.requestId) return;
        if (!holdsRoleOver(cmd.actor, 'COUNTY_FINANCE', input.village.path)) {
          refuse('ROLE_NOT_ALLOWED', 'only the county finance bureau allocates funds', 'actor.roles');
        }
        if (stage() !== 'IN_POOL') refuse('TRANSITION_NOT_ALLOWED', `funds are allocated to a project in the pool; the project is ${stage()}`, 'stage');
        const badAccounts = payeeAccountsRefusal(cmd.payeeAccounts);
        if (badAccounts) refuse(badAccounts.code, badAccounts.message, badAccounts.field);
        const beyondFiscal = rules ? allocationRefusal({ amountFen: cmd.amountFen, fundingSources: input.proposal.fundingSources }) : null;
        if (beyondFiscal) refuse(beyondFiscal.code, beyondFiscal.message, beyondFiscal.field);
        if (!Number.isSafeInteger(cmd.amountFen) || cmd.amountFen <= 0 || cmd.amountFen > input.proposal.budgetFen) {
          refuse('VALIDATION_FAILED', `the amount must be between 1 fen and the approved budget (${input.proposal.budgetFen} fen)`, 'body.amountFen');
        }
        // The machine has the last word (its guards); refused here, so the handler never steps in vain.
        if (!snapshot.can({ type: 'ALLOCATE', actorId: cmd.actor.userId, fiscalYear: cmd.fiscalYear, amountFen: cmd.amountFen })) {
          refuse('TRANSITION_NOT_ALLOWED', `the lifecycle refuses this allocation while the project is ${stage()}`, 'stage');
        }
      },
    },
  );

  wf.upsertSearchAttributes([
    { key: SA.County, value: input.county.name },
    { key: SA.Township, value: input.township.name },
    { key: SA.Village, value: input.village.name },
    { key: SA.Industry, value: input.proposal.industry },
  ]);

  if (!carried) {
    step({ type: 'SUBMIT' }, input.proposer.userId);
    await acts.registerProject({ input, workflowId, stage: stage(), firstTask: null });
  } else {
    operation.resume();
  }

  /** A publicity period: a durable timer, cut short by an objection. Skipped when 0 days. */
  const runPublicity = async (s: TPublicityStage) => {
    const kind = s === 'VILLAGE_PUBLICITY' ? 'VILLAGE' : s === 'TOWNSHIP_PUBLICITY' ? 'TOWNSHIP' : 'ACCEPTANCE';
    const days = kind === 'VILLAGE' ? publicityDays.villageDays : kind === 'TOWNSHIP' ? publicityDays.townshipDays : publicityDays.acceptanceDays;
    const round = (publicityRounds[kind] = (publicityRounds[kind] ?? 0) + 1);
    const id = `${projectId}:${kind}:${round}`;
    const startsAt = Date.now();
    const workingDays = wf.patched(PUBLICITY_WORKING_DAYS_PATCH);
    const endsAt = workingDays
      ? workingDaysClosesAt({ openedAt: startsAt, workingDays: days, calendar: settings.workingDays.calendar })
      : startsAt + days * DAY_MS;
    openTasks = [];
    await acts.startPublicity({ publicityId: id, projectId, kind, round, startsAt, endsAt, stage: s, stageVersion });
    if (days > 0) {
      publicity = { id, stage: s };
      publishStage();
      registered = true;
      const objected = await wf.condition(() => stage() !== s, endsAt - startsAt, {
        summary: `${STAGE_LABELS_ZH[s]} ${days} ${workingDays ? '个工作日' : '天'}期满`,
      });
      if (objected) return;
      publicity = null;
    }
    step({ type: 'PUBLICITY_ENDED' });
    await acts.endPublicity({ publicityId: id, projectId, at: Date.now(), stage: stage(), stageVersion });
    publishStage();
  };

  /**
   * Review steps that returned the matter to an earlier step (退回到之前的环节) and wait, in the
   * `returned` phase, to be resumed when the lifecycle comes back to their stage. Never carried
   * over a continue-as-new: that happens only after funding, when no such return is possible.
   */
  const suspended = new Map<TReviewStage, TStepRun>();

  /** A review stage as an approval step: follow its reports until it leaves the stage for good. */
  const runReview = async (s: TReviewStage) => {
    const stepId = REVIEW_STEP_IDS[s];
    let child = suspended.get(s);
    /** A resumed step's first report only says it is pending again: the stage already is. */
    let resuming = child !== undefined;
    if (child) {
      suspended.delete(s);
      await child.resume({ requestId: `resume-${stageVersion}`, action: 'resubmit' });
    } else {
      const round = (rounds[stepId] = (rounds[stepId] ?? 0) + 1);
      // Patched: steps started before returns to earlier steps existed keep the config they had.
      const returnToEarlierSteps = wf.patched(PATCHES.returnToEarlierStep);
      const priorSignerIds = wf.patched(PRIOR_SIGNERS_PATCH) ? priorSignersFor(s, stageSigners) : [];
      const config = reviewStep(s, {
        proposerId: input.proposer.userId,
        applicantId: operation.applicantFor(s),
        county: input.county,
        township: input.township,
        village: input.village,
        timing: settings.approvalTiming,
        returnToEarlierSteps,
        priorSignerIds,
        requireChecks: rules,
      });
      const signers = config.config.candidates.map((c) => (c.kind === 'role' ? c.role : c.kind)).join(' + ');
      const resumeAt = snapshot.context.resumeStack?.at(-1);
      // Run again for a later stage that returned the matter here: approving goes back up there.
      const args = { ...config, ...(resumeAt ? { stageByPhase: { ...config.stageByPhase, approved: resumeAt } } : {}), projectId, reportToParent: true };
      child = await steps.start(args, {
        workflowId: approvalStepWorkflowId(workflowId, stepId, round),
        staticSummary: `${config.title} · ${input.proposal.name} · ${input.village.name}`,
        staticDetails: `**项目** ${input.proposal.name}  \n**环节** ${config.title} (${config.config.mode})  \n**审核** ${signers}`,
      });
    }
    for (;;) {
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
      const terminal = TERMINAL_PHASES.includes(report.phase);
      const backTo = report.returnTo ? reviewStageOfStep(report.returnTo.stepId) : undefined;
      /** What this report writes besides the step's record, run after it; and the stage folded into that record. */
      let project: (() => Promise<void>) | null = null;
      let stageWrite: TStageWrite | null = null;
      if (report.seq > 1 && !(resuming && report.phase === 'pending')) {
        const before = stage();
        const event: TLifecycleEvent = backTo
          ? { type: 'RETURN_TO_STEP', actorId: report.actorId ?? '', reason: report.reason ?? '', to: backTo }
          : (operation.reviewEvent(s, report.phase, report.actorId ?? '') ?? stepPhaseToLifecycleEvent(report.phase, report.actorId ?? '', report.reason));
        step(event, report.actorId ?? undefined, report.reason ?? undefined);
        // Refused by the machine: recorded as an anomaly (in `step`); nothing of the stage it names runs.
        if (!lastRefused) {
          if (stage() === 'IN_POOL') fiscalYear = input.proposal.fiscalYear ?? new Date(Date.now()).getUTCFullYear();
          const projection = () => (wf.patched(REPORT_LOCAL_PATCH) ? localActs : acts);
          const pool = { projectId, fiscalYear: fiscalYear!, stage: stage() };
          const staged = { projectId, stage: stage(), stageVersion };
          if (stage() === 'IN_POOL') project = () => projection().enterPool(pool);
          else if (terminal && operation.handlesReview(s)) project = () => operation.afterReview(s, report.phase, report.actorId);
          // A hosted step's decision writes the stage in its own record's transaction.
          else if (stage() !== before && report.handoff) stageWrite = staged;
          else if (stage() !== before) project = () => projection().setProjectStage(staged);
        }
      }
      if (report.handoff) {
        report.handoff.give(stageWrite);
        await report.handoff.recorded;
      }
      if (project) await project();
      resuming = false;
      // Returned to an earlier step: the earlier stage's own step shows where the matter waits.
      if (terminal || (backTo && stage() !== s)) openTasks = [];
      publishStage();
      registered = true;
      await acknowledge(child, report);
      if (terminal) break;
      if (backTo && stage() !== s) {
        suspended.set(s, child);
        return;
      }
    }
    const outcome = await child.result();
    stageSigners = withStepSigners(stageSigners, s, outcome.history);
  };

  /** A finished lifecycle closes the review steps still waiting for an earlier one to approve. */
  const closeSuspended = async () => {
    const waiting = [...suspended.values()];
    suspended.clear();
    for (const child of waiting) await child.resume({ requestId: `close-${stageVersion}`, action: 'close' });
    let closed = 0;
    while (closed < waiting.length) {
      await wf.condition(() => reports.length > 0);
      const report = reports.shift()!;
      // A hosted step's decision (a withdrawal while it waited) is recorded before it is acknowledged.
      if (report.handoff) {
        report.handoff.give(null);
        await report.handoff.recorded;
      }
      const child = waiting.find((c) => c.workflowId === report.stepWorkflowId);
      if (!child) {
        // Not one of these steps: nothing to do, but an Update must not be left waiting.
        if (report.byUpdate) processedByUpdate.add(stepReportUpdateId(report));
        continue;
      }
      await acknowledge(child, report);
      if (TERMINAL_PHASES.includes(report.phase)) closed += 1;
    }
    for (const child of waiting) await child.result();
  };

  /** Hand over to a fresh run with the same workflow id once nothing is in flight. */
  const continueAsNew = async (): Promise<never> => {
    await wf.condition(() => operation.idle() && anomaliesRecording === 0 && wf.allHandlersFinished());
    const next: TCarriedLifecycle = {
      machine: { value: stage(), context: snapshot.context },
      runs: (carried?.runs ?? 0) + 1,
      since,
      fiscalYear,
      stageVersion,
      history,
      rounds,
      publicityRounds,
      ops,
      ...(Object.keys(stageSigners).length > 0 ? { stageSigners } : {}),
      ...(proposalVersion > 1 ? { proposalVersion } : {}),
    };
    return wf.continueAsNew<typeof projectLifecycle>({ ...input, carried: next });
  };

  while (snapshot.status !== 'done') {
    const s = stage();
    switch (s) {
      case 'VILLAGE_PUBLICITY':
      case 'TOWNSHIP_PUBLICITY':
        await runPublicity(s);
        break;
      case 'TOWNSHIP_REVIEW':
      case 'COUNTY_JOINT_REVIEW':
      case 'COUNTY_APPROVAL':
        await runReview(s);
        break;
      case 'ACCEPTANCE_PUBLICITY':
        await runPublicity(s);
        await operation.enterStage();
        break;
      case 'ACCEPTANCE':
      case 'EVALUATION':
      case 'REPLACEMENT_REVIEW':
        // Each waits for what its step is about (the inspection request, the evaluator's scores,
        // the proposed replacement), then runs the approval step.
        await operation.prepareReview(s);
        if (stage() === s) await runReview(s);
        if (operation.evaluationCycleDone()) await continueAsNew();
        break;
      case 'IN_POOL':
        // 项目库 rollover: a project not funded by the end of its fiscal year moves into the next
        // year's pool. Patched: histories recorded before this timer existed (waiting in the pool
        // without one) must replay unchanged; new runs take the branch.
        if (wf.patched(PATCHES.poolRollover)) {
          publishStage();
          const yearEnd = Date.parse(`${(fiscalYear ?? new Date(Date.now()).getUTCFullYear()) + 1}-01-01T00:00:00+08:00`);
          const funded = await wf.condition(() => stage() !== s, Math.max(1, yearEnd - Date.now()), { summary: `项目库年度结转（${fiscalYear} → 下一年）` });
          if (!funded && stage() === s) {
            fiscalYear = (fiscalYear ?? new Date(Date.now()).getUTCFullYear()) + 1;
            history.push({ at: Date.now(), stage: s, action: 'pool_rollover', comment: String(fiscalYear) });
            publishStage();
            await acts.rollPoolOver({ projectId, fiscalYear });
          }
          break;
        }
        publishStage();
        await wf.condition(() => stage() !== s);
        break;
      case 'RETURNED':
      case 'IMPLEMENTATION':
      case 'ACCEPTANCE_RECTIFICATION':
      case 'ASSET_HANDOVER':
      case 'OPERATION':
      case 'RECTIFICATION': {
        // Moved on by updates (resubmission, funding, the facts of implementation and
        // operation) or by the stage's own timers (evaluation due, rectification deadline,
        // retention release), which `operation.wait` runs.
        publishStage();
        const suggested = await operation.wait(s, () => stage() !== s);
        if (suggested && stage() === s) await continueAsNew();
        break;
      }
      default:
        throw wf.ApplicationFailure.nonRetryable(`the lifecycle has nothing to do in ${s}`);
    }
  }

  if (suspended.size) await closeSuspended();
  // A closed project finishes its payments in flight before the workflow ends.
  await wf.condition(() => operation.idle() && anomaliesRecording === 0 && wf.allHandlersFinished());
  return { projectId, stage: stage(), openTasks: [], history };
}
