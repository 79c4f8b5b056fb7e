import * as wf from '@temporalio/workflow';
import { PATCHES } from './patches';
import { initialTransition } from 'xstate';
import { transition } from './machine-transition';
import {
  approvalEffectsIn,
  approvalMachine,
  checkApprovalAction,
  isSignerEvent,
  namedPeopleRefusal,
  phaseOf,
  slotOrgPath,
  SYSTEM_ACTOR,
  taskRows,
  type TApprovalEffect,
  type TApprovalEvent,
  type TApprovalHistoryEntry,
  type TApprovalPhase,
  type TApprovalRefusal,
  type TApprovalSnapshot,
  type TSignerSlot,
  type TTaskRow,
} from '../src/domain/approval';
import { covers, orgPathOf, type TActor } from '../src/domain/actor';
import type { Activities } from '../activities';
import type { TRecordStepChange, TStageWrite, TStepAudit, TStepDecision, TStepTaskRow } from '../activities/approval-records';
import {
  approvalActUpdate,
  approvalStateQuery,
  stepAckSignal,
  stepReportSignal,
  stepResumeSignal,
  type TApprovalActCommand,
  type TApprovalActResult,
  type TApprovalStepInput,
  type TApprovalStepOutcome,
  type TApprovalStepState,
  type TStepOpenTask,
  type TStepReport,
  type TStepResume,
} from './messages/approval-step';
import { ACTIVITY_OPTIONS, RECORD_ACTIVITY_OPTIONS } from './activity-options';
import { fail } from './refusal';
import { createSerial } from './serial';

// Database outages are waited out: the step keeps its place and retries with backoff.
const acts = wf.proxyActivities<Activities>(ACTIVITY_OPTIONS);
const recordActs = wf.proxyActivities<Activities>(RECORD_ACTIVITY_OPTIONS);
const localActs = wf.proxyLocalActivities<Activities>(ACTIVITY_OPTIONS);

/**
 * Upgrade patch (docs/upgrading.md): the step's record is written by a local
 * activity. As a regular activity every action paid a schedule → poll → complete round trip and
 * one more workflow task before the Update could answer; a local activity runs inside the workflow
 * task that took the action and is recorded as a marker. It is the same idempotent transaction
 * (keyed audit event, upserted rows), so a worker that dies before the workflow task completes,
 * and the next worker running it again, still writes each change once. Steps started before the
 * patch replay their scheduled activities.
 */
export const STEP_RECORD_LOCAL_PATCH = PATCHES.stepRecordLocal;

/**
 * Upgrade patch (issue #14, phantom approvals): the step's record is written by a regular activity
 * again, never inside a workflow task. A local activity runs before the workflow task that accepted
 * the Update is completed; when the server discards that task (concurrent Updates on one step: the
 * server answered "workflow update was aborted", the worker "Workflow task not found"), the next
 * attempt may accept another request, and the first one's Decision and audit event stayed written
 * for an Update that history never accepted. A scheduled activity exists only once the task that
 * accepted the Update is durable, so every record belongs to an accepted Update, and it is keyed
 * by the request, so a retried attempt writes nothing twice. When the step also reports to its
 * project, one activity writes the record and then sends the report: the answer waits for the same
 * number of workflow tasks as before (test/api/decision-race.test.ts).
 */
export const STEP_RECORD_AFTER_ACCEPTANCE_PATCH = PATCHES.stepRecordAfterAcceptance;

/**
 * Upgrade patch: with nobody signing twice, a transfer or added signer that gives a named person a
 * second open task in a 依次/会签 step is refused (it would stall the step). Steps started before
 * the rule run on without it (`oneOpenTaskPerSigner: false`), so an accepted transfer in their
 * history replays as accepted.
 */
/**
 * Upgrade patch: a report reaches the parent as an Update (`stepReportUpdate`, id
 * `<step>:report:<seq>`) sent by a regular activity, and completes once the parent processed it.
 * It replaces the report signal and the parent's acknowledgement signal: each signal-driven
 * workflow task waited 40–50 ms to be dispatched on the server, an Update-driven one starts at
 * once (bench/REFERENCE.md). A regular activity, not a local one: a local activity holds the
 * step's workflow-task slot while the parent's workflow task runs, so as many concurrent
 * approvals as the worker has slots would wait on parents that cannot get one. Steps that
 * reported by signal before the patch replay their signals and acknowledgements.
 */
export const STEP_REPORT_BY_UPDATE_PATCH = PATCHES.stepReportByUpdate;

export const ONE_OPEN_TASK_PATCH = PATCHES.oneOpenTaskPerSigner;

/**
 * Upgrade patch: an added role signer must be a role that could sign the step at a unit covering
 * the matter, and administrators comment, urge and cc only within their scope (`signersInScope`).
 * Steps started before the rule run on without it, so what their histories accepted replays as accepted.
 */
export const SIGNERS_IN_SCOPE_PATCH = PATCHES.signersInScope;

/** The grant an actor acts under on a role slot (or their first grant otherwise), for the record. */
function grantFor(actor: TActor, slot: TSignerSlot | undefined): { role: string; orgUnitId: string } | null {
  const grant =
    (slot?.kind === 'role' ? actor.roles.find((g) => g.role === slot.role && covers(g, orgPathOf(slotOrgPath(slot)))) : undefined) ?? actor.roles[0];
  return grant ? { role: grant.role, orgUnitId: grant.orgUnitId } : null;
}

/**
 * The machine answers "not a candidate" for anyone outside the slot; the API has always told the
 * two cases apart (no such role at all, or the role elsewhere), so refine the code. Only refusals
 * are refined: nothing the machine accepts is ever turned down here.
 */
function refineRefusal(refusal: TApprovalRefusal, snapshot: TApprovalSnapshot, event: TApprovalEvent, actor: TActor): TApprovalRefusal {
  if (refusal.code !== 'NOT_A_CANDIDATE' && refusal.code !== 'SEPARATION_OF_DUTIES') return refusal;
  if (!isSignerEvent(event) || event.taskKey === undefined) return refusal;
  const slot = snapshot.context.tasks.find((task) => task.taskKey === event.taskKey)?.slot;
  if (slot?.kind !== 'role') return refusal;
  const withRole = actor.roles.filter((g) => g.role === slot.role);
  if (withRole.length === 0) return { code: 'ROLE_NOT_ALLOWED', message: `this task needs the role ${slot.role}`, field: 'actor.roles' };
  if (!withRole.some((g) => covers(g, orgPathOf(slotOrgPath(slot))))) {
    return { code: 'OUT_OF_SCOPE', message: `the task's org unit is outside the actor's ${slot.role} scope`, field: 'actor.roles' };
  }
  return refusal;
}

/**
 * Where a step runs and how it talks to its host. A step runs either as a workflow of its own
 * (`approvalStep`, a child of the lifecycle; every project started before `approval-steps-hosted`)
 * or inside its project's workflow (`createApprovalStep` called by the lifecycle): the same
 * machine, records and deadlines, but one workflow takes the Update and the host learns of a
 * phase change by a function call instead of a second Update (ADR 0010, issue #20).
 */
export interface TStepEnv {
  /** The step's own id: its workflow id, or `<project>:step:<stepId>:<round>` when hosted. Task ids derive from it. */
  stepWorkflowId: string;
  /** The workflow that takes the step's Updates: written on its Task rows, where the API sends actions. */
  hostWorkflowId: string;
  /** `wf.patched` for a step of its own; a hosted step is new code throughout (every rule in force). */
  patched(id: string): boolean;
  /** Tells the host of a phase change and resolves once the host has processed it; null: nobody listens. */
  report: ((report: TStepReport) => Promise<void>) | null;
  /** A step of its own: the record and the report in one activity (the answer waits for both anyway). */
  recordAndReport: ((change: TRecordStepChange, report: TStepReport) => Promise<void>) | null;
  /**
   * A hosted step: a decision's report is handed to the host before the record, so the stage it
   * moves the project to is written in the record's own transaction (one activity on the answer's path).
   */
  handOff: ((report: TStepReport) => TReportHandoff) | null;
  /** The step's own workflow shows where it waits in the Temporal UI; a hosted step leaves that to its project. */
  publishDetails(markdown: string): void;
  /** Before the outcome: a step of its own lets its Update handlers finish. */
  settle(): Promise<void>;
}

/** A decision's report handed to the host that runs the step (`TStepEnv.handOff`). */
export interface TReportHandoff {
  /** The stage write folded into the step's record, or null; settled by the host in the same workflow task. */
  stageWrite: Promise<TStageWrite | null>;
  /** Tells the host the record (and the stage with it) is committed. */
  recorded(): void;
  /** Settles once the host has done what the report asks beside the stage. */
  processed: Promise<void>;
}

/** What a host calls: the Update's validator and handler, the resume of a returned step, the state query. */
export interface TApprovalStepHandlers {
  stepWorkflowId: string;
  /** Whether a task id is one of this step's (its machine's tasks, or a resubmission task it handed out). */
  owns: (taskId: string) => boolean;
  validate: (cmd: TApprovalActCommand) => void;
  act: (cmd: TApprovalActCommand) => Promise<TApprovalActResult>;
  resume: (resume: TStepResume) => Promise<void>;
  state: () => TApprovalStepState;
}

/**
 * One approval step (审批环节). Hosts the pure approval machine: every action is the `approvalAct`
 * Update, checked in its validator with `checkApprovalAction` and stepped synchronously before any
 * await (so of two simultaneous any-one approvals exactly one is accepted); deadlines are timers
 * that raise DEADLINE_* events as the system actor; Task rows, Decisions and audit events are
 * written by one idempotent activity per change, in order. `run()` activates the step and resolves
 * with its outcome; the handlers are usable from the moment this returns.
 */
export function createApprovalStep(input: TApprovalStepInput, env: TStepEnv): { handlers: TApprovalStepHandlers; run(): Promise<TApprovalStepOutcome> } {
  const workflowId = env.stepWorkflowId;
  const hostWorkflowId = env.hostWorkflowId;
  // Decided once, before anything is written: which way this run records its changes.
  const recordAfterAcceptance = env.patched(STEP_RECORD_AFTER_ACCEPTANCE_PATCH);
  const recordStepChange = (change: TRecordStepChange) =>
    (recordAfterAcceptance ? recordActs : env.patched(STEP_RECORD_LOCAL_PATCH) ? localActs : acts).recordStepChange(change);
  let [snapshot] = initialTransition(approvalMachine, {
    ...input.config,
    oneOpenTaskPerSigner: env.patched(ONE_OPEN_TASK_PATCH) && input.config.oneOpenTaskPerSigner !== false,
    signersInScope: env.patched(SIGNERS_IN_SCOPE_PATCH) && input.config.signersInScope !== false,
  });
  const { config } = snapshot.context;
  const phase = () => phaseOf(snapshot.value);
  const stageOf = (p: TApprovalPhase) => {
    // Returned to an earlier step, the matter is at that step's stage, not with the applicant.
    const target = p === 'returned' ? snapshot.context.returned?.target : undefined;
    if (target?.to === 'STEP' && input.stageByReturnTarget?.[target.stepId]) return input.stageByReturnTarget[target.stepId]!;
    return input.stageByPhase?.[p] ?? p;
  };
  const taskIdOf = (taskKey: string) => `${workflowId}:${taskKey}`;
  const results = new Map<string, TApprovalActResult>();

  // The deadline clock: restarted on activation, resubmission and escalation.
  let clockEpoch = 0;
  let clockStartedAt = Date.now();
  let resubmitTaskId: string | null = null;
  /** Resubmission task ids handed out so far (machine task ids are derived from the context). */
  const issuedTaskIds = new Set<string>();

  const toRow = (row: TTaskRow): TStepTaskRow => {
    const slot = row.slot;
    const open = row.status === 'PENDING' || row.status === 'WAITING' || row.status === 'SUSPENDED';
    return {
      id: taskIdOf(row.taskKey),
      projectId: input.projectId,
      workflowId: hostWorkflowId,
      stepId: config.stepId,
      mode: config.mode,
      kind: input.kind,
      title: input.title,
      candidateRole: slot.kind === 'role' ? slot.role : null,
      candidateOrgUnitId: slot.kind === 'role' ? slot.orgUnitId : null,
      candidateOrgPath: slot.kind === 'role' ? orgPathOf(slotOrgPath(slot)) : null,
      candidateUserId: slot.kind === 'user' ? slot.userId : null,
      status: open ? (row.status as TStepTaskRow['status']) : row.status === 'CANCELLED' ? 'CANCELLED' : 'DONE',
      outcome: open ? null : row.status,
      claimedBy: row.claimedBy,
      assigneeId: row.decidedBy,
      dueAt: row.status === 'PENDING' ? clockStartedAt + config.dueAfterMs : null,
    };
  };

  /** A change by the system actor (activation, resumption, deadlines): no Decision, no cc, no urge. */
  const systemChange = (
    at: number,
    rows: TStepTaskRow[],
    audit: Pick<TStepAudit, 'eventKey' | 'entityType' | 'action' | 'taskId' | 'requestId' | 'details'>,
    touched: Pick<TRecordStepChange, 'remindedTaskIds' | 'escalatedTaskIds'> = { remindedTaskIds: [], escalatedTaskIds: [] },
  ): TRecordStepChange => ({
    at,
    rows,
    audit: { actorId: SYSTEM_ACTOR.userId, role: null, orgUnitId: null, comment: null, ...audit },
    decision: null,
    cc: null,
    urgedTaskIds: [],
    ...touched,
  });

  const resubmitRow = (id: string, status: TStepTaskRow['status'], outcome: string | null): TStepTaskRow => ({
    id,
    projectId: input.projectId,
    workflowId: hostWorkflowId,
    stepId: config.stepId,
    mode: config.mode,
    kind: input.resubmitTask.kind,
    title: input.resubmitTask.title,
    candidateRole: input.resubmitTask.candidateRole,
    candidateOrgUnitId: input.resubmitTask.candidateOrgUnitId,
    candidateOrgPath: input.resubmitTask.candidateOrgPath,
    candidateUserId: config.applicantId,
    status,
    outcome,
    claimedBy: null,
    assigneeId: null,
    dueAt: null,
  });

  const openTasks = (): TStepOpenTask[] => {
    const rows: TStepOpenTask[] = taskRows(snapshot)
      .filter((row) => row.status === 'PENDING')
      .map(toRow);
    if (resubmitTaskId) rows.push(resubmitRow(resubmitTaskId, 'PENDING', null));
    return rows.map(({ id, kind, candidateRole, candidateOrgUnitId, candidateOrgPath, candidateUserId }) => ({
      id,
      kind,
      candidateRole,
      candidateOrgUnitId,
      candidateOrgPath,
      candidateUserId,
    }));
  };

  const publish = () => {
    const open = openTasks();
    const waiting = open.map((t) => t.candidateUserId ?? `${t.candidateRole} @ ${t.candidateOrgUnitId}`).join(', ') || '无';
    const due = phase() === 'pending' ? new Date(clockStartedAt + config.dueAfterMs).toISOString() : '—';
    env.publishDetails(
      `**环节** ${input.title} (${config.mode})  \n**状态** ${String(phase())} · ${JSON.stringify(snapshot.value)}  \n**等待** ${waiting}  \n**到期** ${due}`,
    );
  };

  // Persistence runs strictly in order of the transitions, whatever the interleaving of handlers.
  const serial = createSerial();

  let reportSeq = 0;
  /**
   * What the parent is told about a change, taken synchronously when the change is stepped. The
   * report goes out later, in `serial` order, and by then a following action may have moved the
   * step on: read at sending time, a resumed step's "pending again" read "approved" once the
   * returner approved right away, the parent took it for the approval, and the approval's own
   * report was never acknowledged (its Update hung).
   */
  type TReportBody = Omit<TStepReport, 'seq' | 'stepWorkflowId'>;
  const reportOf = (actorId: string | null, reason: string | null): TReportBody => {
    const target = phase() === 'returned' ? snapshot.context.returned?.target : undefined;
    return {
      phase: phase(),
      actorId,
      reason,
      openTasks: openTasks(),
      // Only on a return to a step, so every report of the other kinds keeps its recorded shape.
      ...(target?.to === 'STEP' ? { returnTo: { stepId: target.stepId } } : {}),
    };
  };
  /** The next numbered report, or null for a step that reports to nobody. */
  const numbered = (body: TReportBody): TStepReport | null => (env.report ? { seq: ++reportSeq, stepWorkflowId: workflowId, ...body } : null);
  const reportToParent = async (body: TReportBody) => {
    const report = numbered(body);
    if (report && env.report) await env.report(report);
  };

  /**
   * Runs one effect the machine named (approval-effects.ts) and adds the Task rows it writes to
   * `rows`. Effects come in the machine's order: the clock before the rows whose due date it sets.
   */
  const runEffect = (effect: TApprovalEffect, rows: TStepTaskRow[]) => {
    switch (effect.type) {
      case 'restartDeadlineClock':
        clockEpoch += 1;
        clockStartedAt = effect.params.at;
        return;
      case 'writeTaskRows':
        rows.push(...effect.params.rows.map(toRow));
        return;
      case 'openResubmitTask':
        resubmitTaskId = `${workflowId}:resubmit:${effect.params.seq}`;
        issuedTaskIds.add(resubmitTaskId);
        rows.push(resubmitRow(resubmitTaskId, 'PENDING', null));
        return;
      case 'closeResubmitTask':
        if (resubmitTaskId) rows.push(resubmitRow(resubmitTaskId, effect.params.status, effect.params.outcome));
        resubmitTaskId = null;
        return;
    }
  };

  /** Steps the machine (synchronously), runs the effects it names, and returns what changed, for the record. */
  const step = (event: TApprovalEvent) => {
    const before = snapshot;
    const phaseBefore = phase();
    const [next, effects] = transition(approvalMachine, snapshot, event);
    snapshot = next;
    const entry = snapshot.context.history[snapshot.context.history.length - 1] as TApprovalHistoryEntry;
    const rows: TStepTaskRow[] = [];
    for (const effect of approvalEffectsIn(effects)) runEffect(effect, rows);
    publish();
    return { before, entry, phaseBefore, phaseAfter: phase(), rows };
  };

  const nextTaskId = () => resubmitTaskId ?? openTasks()[0]?.id ?? null;

  const toEvent = (cmd: TApprovalActCommand): TApprovalEvent => {
    const actor = { userId: cmd.actor.userId, roles: cmd.actor.roles.map(({ role, orgUnitId }) => ({ role, orgUnitId })) };
    const key = cmd.taskId.startsWith(`${workflowId}:`) ? cmd.taskId.slice(workflowId.length + 1) : '';
    const known = snapshot.context.tasks.some((task) => task.taskKey === key);
    const event = { ...cmd.action, actor, requestId: cmd.requestId, at: Date.now() } as TApprovalEvent;
    return isSignerEvent(event) && known ? { ...event, taskKey: key } : event;
  };

  const owns = (taskId: string) => issuedTaskIds.has(taskId) || snapshot.context.tasks.some((task) => taskIdOf(task.taskKey) === taskId);

  const check = (cmd: TApprovalActCommand) => {
    // Every action is posted on one of this step's Task rows; the record hangs on that row.
    if (!owns(cmd.taskId)) {
      fail({ code: 'NOT_FOUND', message: `no task ${cmd.taskId} in this step`, field: 'taskId' });
    }
    const event = toEvent(cmd);
    const result = checkApprovalAction({ snapshot, event });
    if (result.status === 'refused') fail(refineRefusal(result.refusal, snapshot, event, cmd.actor));
    return { event, result };
  };

  const act = async (cmd: TApprovalActCommand): Promise<TApprovalActResult> => {
    const { event, result } = check(cmd);
    if (result.status === 'duplicate') {
      await wf.condition(() => results.has(cmd.requestId));
      return results.get(cmd.requestId)!;
    }
    const change = step(event);
    const appliedTo = change.entry.taskKey;
    const taskId = appliedTo ? taskIdOf(appliedTo) : cmd.taskId;
    const slot = appliedTo ? change.before.context.tasks.find((task) => task.taskKey === appliedTo)?.slot : undefined;
    const grant = grantFor(cmd.actor, slot);
    const action = event.type.toLowerCase();
    const answer: TApprovalActResult = {
      requestId: cmd.requestId,
      taskId,
      action,
      stepWorkflowId: workflowId,
      phaseBefore: change.phaseBefore,
      phaseAfter: change.phaseAfter,
      stageBefore: stageOf(change.phaseBefore),
      stageAfter: stageOf(change.phaseAfter),
      nextTaskId: nextTaskId(),
      openTaskIds: openTasks().map((t) => t.id),
    };
    // Logging adds no command to history; the SDK drops these lines while a workflow replays.
    wf.log.info('decision applied', {
      projectId: input.projectId,
      stepId: config.stepId,
      taskId,
      action,
      actorId: cmd.actor.userId,
      requestId: cmd.requestId,
      phaseBefore: change.phaseBefore,
      phaseAfter: change.phaseAfter,
    });
    const comment = cmd.comment ?? ('text' in cmd.action ? cmd.action.text : undefined) ?? null;
    const details = {
      stepId: config.stepId,
      ...cmd.action,
      createdTaskIds: change.entry.createdTaskKeys.map(taskIdOf),
      affectedTaskIds: change.entry.affectedTaskKeys.map(taskIdOf),
      phaseAfter: change.phaseAfter,
    };
    const audit: TStepAudit = {
      eventKey: `approval:${workflowId}:${cmd.requestId}`,
      actorId: cmd.actor.userId,
      role: grant?.role ?? null,
      orgUnitId: grant?.orgUnitId ?? null,
      action: `TASK_${event.type}`,
      taskId,
      requestId: cmd.requestId,
      comment,
      details,
    };
    const decision: TStepDecision = {
      requestId: cmd.requestId,
      taskId,
      projectId: input.projectId,
      actorId: cmd.actor.userId,
      role: grant?.role ?? null,
      orgUnitId: grant?.orgUnitId ?? null,
      action,
      comment,
      attachments: event.type === 'COMMENT' ? (event.attachments ?? null) : null,
      stageBefore: answer.stageBefore,
      stageAfter: answer.stageAfter,
      nextTaskId: answer.nextTaskId,
      result: answer,
    };
    const report =
      change.phaseBefore !== change.phaseAfter
        ? reportOf(cmd.actor.userId, event.type === 'RETURN' || event.type === 'REJECT' ? event.reason : (cmd.comment ?? null))
        : null;
    // Answered once recorded (if asked): the report still goes out within this same serial
    // run, so it keeps its place before any later action's record; the workflow ends only
    // after `tail`, so it is never dropped. Without the flag the commands are as they were.
    let markRecorded = () => {};
    const recorded = new Promise<void>((resolve) => (markRecorded = resolve));
    const record: TRecordStepChange = {
      at: event.at,
      rows: change.rows,
      audit,
      decision,
      cc:
        event.type === 'CC'
          ? { taskId, projectId: input.projectId, workflowId, stepId: config.stepId, userIds: event.recipientIds, requestId: cmd.requestId }
          : null,
      urgedTaskIds: event.type === 'URGE' ? change.entry.affectedTaskKeys.map(taskIdOf) : [],
      remindedTaskIds: [],
      escalatedTaskIds: [],
    };
    const whole = serial(async () => {
      if (report && env.handOff) {
        const handoff = env.handOff(numbered(report)!);
        const stage = await handoff.stageWrite;
        await recordStepChange(stage ? { ...record, stage } : record);
        markRecorded();
        handoff.recorded();
        await handoff.processed;
        return;
      }
      if (recordAfterAcceptance && report && env.recordAndReport && cmd.answerWhen !== 'recorded') {
        await env.recordAndReport(record, numbered(report)!);
        return;
      }
      await recordStepChange(record);
      markRecorded();
      if (report) await reportToParent(report);
    });
    await (cmd.answerWhen === 'recorded' ? Promise.race([recorded, whole]) : whole);
    results.set(cmd.requestId, answer);
    return answer;
  };
  // The people an action names are checked here only: validators do not run on replay, so
  // recorded actions that came without their facts replay as accepted (no patch needed). A
  // repeat of an applied request is answered from its record, not checked again.
  const validate = (cmd: TApprovalActCommand) => {
    const { result } = check(cmd);
    if (result.status !== 'ok') return;
    const refusal = namedPeopleRefusal(config, cmd.action, cmd.named);
    if (refusal) fail(refusal);
  };

  // Returned to an earlier step, the step waits for its host: the earlier step approved (resubmit:
  // the chain resumes at the returner's task, on a fresh deadline) or ended the matter (close).
  // Both are the system actor's, checked like any action; a repeated signal finds nothing to do.
  const resume = async ({ requestId, action }: TStepResume) => {
    const event: TApprovalEvent =
      action === 'resubmit'
        ? { type: 'RESUBMIT', actor: SYSTEM_ACTOR, requestId, at: Date.now() }
        : { type: 'WITHDRAW', actor: SYSTEM_ACTOR, requestId, at: Date.now(), reason: '前序环节已终结' };
    if (checkApprovalAction({ snapshot, event }).status !== 'ok') return;
    const change = step(event);
    const report = reportOf(null, null);
    await serial(async () => {
      await acts.recordStepChange(
        systemChange(event.at, change.rows, {
          eventKey: `approval:${workflowId}:${requestId}`,
          action: `TASK_${event.type}`,
          taskId: taskIdOf(change.before.context.returned?.byTaskKey ?? snapshot.context.tasks[0]!.taskKey),
          requestId: `${workflowId}:${requestId}`,
          details: { stepId: config.stepId, phaseAfter: change.phaseAfter },
        }),
      );
      await reportToParent(report);
    });
  };

  const state = (): TApprovalStepState => ({
    phase: phase(),
    value: snapshot.value,
    snapshotContext: snapshot.context,
    openTaskIds: openTasks().map((t) => t.id),
    dueAt: phase() === 'pending' ? clockStartedAt + config.dueAfterMs : null,
    stepWorkflowId: workflowId,
  });

  /** A deadline event from the workflow itself; false when there was nothing to do. */
  const raise = async (type: 'DEADLINE_REMINDER' | 'DEADLINE_EXPIRED', requestId: string): Promise<boolean> => {
    const event: TApprovalEvent = { type, actor: SYSTEM_ACTOR, requestId, at: Date.now() };
    if (checkApprovalAction({ snapshot, event }).status !== 'ok') return false;
    const change = step(event);
    const affected = change.entry.affectedTaskKeys.map(taskIdOf);
    await serial(() =>
      recordStepChange(
        systemChange(
          event.at,
          change.rows,
          {
            eventKey: `approval:${workflowId}:${requestId}`,
            action: `TASK_${type}`,
            taskId: affected[0] ?? taskIdOf(snapshot.context.tasks[0]!.taskKey),
            requestId: `${workflowId}:${requestId}`,
            details: { stepId: config.stepId, affectedTaskIds: affected, createdTaskIds: change.entry.createdTaskKeys.map(taskIdOf) },
          },
          { remindedTaskIds: type === 'DEADLINE_REMINDER' ? affected : [], escalatedTaskIds: type === 'DEADLINE_EXPIRED' ? affected : [] },
        ),
      ),
    );
    return change.entry.createdTaskKeys.length > 0 || type === 'DEADLINE_REMINDER';
  };

  const run = async (): Promise<TApprovalStepOutcome> => {
    // Activation: write the first rows, tell the parent where the matter waits.
    publish();
    const initialRows = taskRows(snapshot).map(toRow);
    const activationReport = reportOf(null, null);
    await serial(async () => {
      await recordStepChange(
        systemChange(clockStartedAt, initialRows, {
          eventKey: `approval:${workflowId}:activated`,
          entityType: 'ApprovalStep',
          action: 'STEP_ACTIVATED',
          taskId: initialRows[0]!.id,
          requestId: workflowId,
          details: { stepId: config.stepId, mode: config.mode, candidates: config.candidates },
        }),
      );
      await reportToParent(activationReport);
    });

    const done = () => snapshot.status === 'done';
    let remindedEpoch = -1;
    while (!done()) {
      if (phase() !== 'pending') {
        await wf.condition(() => done() || phase() === 'pending');
        continue;
      }
      const epoch = clockEpoch;
      const wantReminder = config.remindBeforeMs > 0 && config.remindBeforeMs < config.dueAfterMs && remindedEpoch !== epoch;
      const at = clockStartedAt + config.dueAfterMs - (wantReminder ? config.remindBeforeMs : 0);
      const interrupted = await wf.condition(() => done() || clockEpoch !== epoch || phase() !== 'pending', Math.max(at - Date.now(), 1));
      if (interrupted) continue;
      if (wantReminder) {
        remindedEpoch = epoch;
        await raise('DEADLINE_REMINDER', `deadline-reminder-${epoch}`);
      } else if (!(await raise('DEADLINE_EXPIRED', `deadline-expired-${epoch}`))) {
        // Nowhere to escalate to: the expiry is recorded once; wait for the matter to move on.
        await wf.condition(() => done() || clockEpoch !== epoch || phase() !== 'pending');
      }
    }

    await env.settle();
    await serial.settled();
    const final = phase() as TApprovalStepOutcome['outcome'];
    const decisive = [...snapshot.context.history].reverse().find((e) => ['APPROVE', 'REJECT', 'WITHDRAW'].includes(e.event.type));
    return {
      stepId: config.stepId,
      outcome: final,
      decidedBy: decisive?.event.actor.userId ?? null,
      history: snapshot.context.history.map((e) => ({
        seq: e.seq,
        requestId: e.requestId,
        type: e.event.type,
        actorId: e.event.actor.userId,
        result: e.result,
      })),
    };
  };
  return { handlers: { stepWorkflowId: workflowId, owns, validate, act, resume, state }, run };
}

/**
 * An approval step as a workflow of its own: a child of a project started before
 * `approval-steps-hosted` (reporting each phase change to it), or a step run on its own.
 */
export async function approvalStep(input: TApprovalStepInput): Promise<TApprovalStepOutcome> {
  const info = wf.workflowInfo();
  const parentId = input.reportToParent ? info.parent?.workflowId : undefined;
  let ackedSeq = 0;
  wf.setHandler(stepAckSignal, (seq) => {
    ackedSeq = Math.max(ackedSeq, seq);
  });
  const step = createApprovalStep(input, {
    stepWorkflowId: info.workflowId,
    hostWorkflowId: info.workflowId,
    patched: (id) => wf.patched(id),
    report: parentId
      ? async (report) => {
          if (wf.patched(STEP_REPORT_BY_UPDATE_PATCH)) {
            // Answered once the parent processed it; a parent that has closed has nothing to wait for.
            await acts.reportStepToParent({ parentWorkflowId: parentId, report });
            return;
          }
          await wf.getExternalWorkflowHandle(parentId).signal(stepReportSignal, report);
          await wf.condition(() => ackedSeq >= report.seq);
        }
      : null,
    handOff: null,
    recordAndReport: parentId
      ? async (change, report) => {
          await recordActs.recordStepChangeAndReport({ change, parentWorkflowId: parentId, report });
        }
      : null,
    publishDetails: (markdown) => wf.setCurrentDetails(markdown),
    settle: () => wf.condition(wf.allHandlersFinished),
  });
  wf.setHandler(approvalActUpdate, step.handlers.act, { validator: step.handlers.validate });
  wf.setHandler(stepResumeSignal, step.handlers.resume);
  wf.setHandler(approvalStateQuery, step.handlers.state);
  return step.run();
}
