import type { TErrorCode, TRefusal } from '../errors';
import type { TApprovalContext, TApprovalHistoryEntry, TApprovalPhase, TApprovalTask } from './approval-context';
import {
  DECISION_EVENT_TYPES,
  SYSTEM_USER_ID,
  ZApprovalEvent,
  type TActor,
  type TApprovalEvent,
  type TApprovalEventOf,
  type TApprovalEventType,
  type TSignerEvent,
} from './approval-events';
import { activeTasks, findTask, isActive, isOpen, signerIds } from './approval-tasks';
import { actorHoldsSlot, holdsSlot } from './org-scope';
import { addedRoleSignerRefusal, isAdminOf } from './signer-scope';
import { requiredChecksRefusal } from './required-checks';

/** @deprecated the one refusal shape is `TRefusal` (src/domain/errors.ts). */
export type TApprovalRefusal = TRefusal;

export type TApprovalCheck =
  /** Accepted; `taskKey` is the task a signer action applies to (null for other actions). */
  | { status: 'ok'; taskKey: string | null }
  /** The request id was already applied: stepping changes nothing; answer with `entry.result`. */
  | { status: 'duplicate'; entry: TApprovalHistoryEntry }
  | { status: 'refused'; refusal: TApprovalRefusal };

/** The part of a machine snapshot the check needs; any xstate snapshot of the approval machine fits. */
export interface TApprovalSnapshotLike {
  value: unknown;
  context: TApprovalContext;
}

export function phaseOf(value: unknown): TApprovalPhase {
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
  return top as TApprovalPhase;
}

/**
 * Decide, without stepping, whether `event` would be accepted by the step in `snapshot`. The
 * Temporal Update validator calls this, and the machine's guards call the same code (through
 * `checkInPhase`), so a validator "ok" is exactly a transition and a refusal is exactly no change.
 */
export function checkApprovalAction({ snapshot, event }: { snapshot: TApprovalSnapshotLike; event: TApprovalEvent }): TApprovalCheck {
  return checkInPhase({ context: snapshot.context, phase: phaseOf(snapshot.value), event });
}

const refuse = (code: TErrorCode, message: string, field = ''): TApprovalCheck => ({
  status: 'refused',
  refusal: { code, message, field },
});
const ok = (taskKey: string | null = null): TApprovalCheck => ({ status: 'ok', taskKey });

/** Which events each phase listens to at all; anything else is TASK_NOT_PENDING or out of order. */
const PHASE_EVENTS: Record<TApprovalPhase, readonly TApprovalEvent['type'][]> = {
  pending: [
    'APPROVE',
    'REJECT',
    'RETURN',
    'TRANSFER',
    'ADD_SIGNER',
    'CLAIM',
    'UNCLAIM',
    'COMMENT',
    'WITHDRAW',
    'CC',
    'URGE',
    'DEADLINE_REMINDER',
    'DEADLINE_EXPIRED',
  ],
  returned: ['RESUBMIT', 'COMMENT', 'CC', 'WITHDRAW'],
  approved: [],
  rejected: [],
  withdrawn: [],
};

export function checkInPhase({ context, phase, event }: { context: TApprovalContext; phase: TApprovalPhase; event: TApprovalEvent }): TApprovalCheck {
  return preconditionCheck({ context, phase, event }) ?? ruleCheck(context, event);
}

/**
 * What every event must pass before its own rule: a valid shape, a request id not used before
 * (a retry gets `duplicate`), and a phase that listens to the event at all. Null: passed.
 */
export function preconditionCheck({
  context,
  phase,
  event,
}: {
  context: TApprovalContext;
  phase: TApprovalPhase;
  event: TApprovalEvent;
}): TApprovalCheck | null {
  const parsed = ZApprovalEvent.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse('VALIDATION_FAILED', issue?.message ?? 'invalid event', issue?.path.join('.') ?? '');
  }

  // Idempotency comes before every other rule: a retried request must get its first answer even
  // if the step has moved on since (e.g. the approval that finished the step).
  const earlier = context.history.find((entry) => entry.requestId === event.requestId);
  if (earlier) {
    if (earlier.event.type !== event.type || earlier.event.actor.userId !== event.actor.userId) {
      return refuse('DUPLICATE_REQUEST', `requestId ${event.requestId} was already used for a different action`, 'requestId');
    }
    return { status: 'duplicate', entry: earlier };
  }

  if (!PHASE_EVENTS[phase].includes(event.type)) {
    if (phase === 'pending' || phase === 'returned') {
      return refuse('TRANSITION_NOT_ALLOWED', `${event.type} is not possible while the step is ${phase}`);
    }
    return refuse('TASK_NOT_PENDING', `the step is already ${phase}`);
  }
  return null;
}

/** Deadline events come from the workflow's timers, never from a person. */
function checkDeadline(_context: TApprovalContext, event: TApprovalEventOf<'DEADLINE_REMINDER' | 'DEADLINE_EXPIRED'>): TApprovalCheck {
  return event.actor.userId === SYSTEM_USER_ID ? ok() : refuse('FORBIDDEN', 'deadline events are raised by the workflow only', 'actor');
}

/**
 * The rule of each event, once its preconditions passed; the machine's guard for an event calls
 * that event's rule by name (approval-machine.ts). Signer actions share one: who holds the task.
 */
export const APPROVAL_RULES: { readonly [T in TApprovalEventType]: (context: TApprovalContext, event: TApprovalEventOf<T>) => TApprovalCheck } = {
  APPROVE: checkSignerEvent,
  REJECT: checkSignerEvent,
  RETURN: checkSignerEvent,
  TRANSFER: checkSignerEvent,
  ADD_SIGNER: checkSignerEvent,
  CLAIM: checkSignerEvent,
  UNCLAIM: checkSignerEvent,
  RESUBMIT: checkResubmit,
  WITHDRAW: checkWithdraw,
  COMMENT: checkComment,
  CC: checkCc,
  URGE: checkUrge,
  DEADLINE_REMINDER: checkDeadline,
  DEADLINE_EXPIRED: checkDeadline,
};

function ruleCheck(context: TApprovalContext, event: TApprovalEvent): TApprovalCheck {
  return (APPROVAL_RULES[event.type] as (context: TApprovalContext, event: TApprovalEvent) => TApprovalCheck)(context, event);
}

/** FORBIDDEN; for an administrator whose grant does not cover the matter, OUT_OF_SCOPE (why they may not). */
function notAllowed(actor: TActor, message: string): TApprovalCheck {
  if (actor.roles.some((held) => held.role === 'ADMIN')) {
    return refuse('OUT_OF_SCOPE', 'this matter lies outside the org units you administer', 'actor.roles');
  }
  return refuse('FORBIDDEN', message, 'actor');
}

/** Anyone who has a stake in the matter: applicant, any (past or present) signer, cc, its admin. */
function isParticipant(context: TApprovalContext, actor: TActor): boolean {
  return (
    actor.userId === context.config.applicantId ||
    actor.userId === SYSTEM_USER_ID ||
    context.ccRecipientIds.includes(actor.userId) ||
    context.tasks.some((task) => actorHoldsSlot(actor, task.slot) || task.decidedBy === actor.userId) ||
    isAdminOf(context.config, actor)
  );
}

/**
 * Which task a signer action is for. With an explicit key that task must be the actor's and
 * active; without one, the actor's active task is used, preferring one they claimed.
 */
function resolveTask(context: TApprovalContext, event: TSignerEvent): { task: TApprovalTask } | { refusal: TApprovalCheck } {
  const { actor } = event;
  if (event.taskKey !== undefined) {
    const task = findTask(context, event.taskKey);
    if (!task) return { refusal: refuse('NOT_FOUND', `no task ${event.taskKey} in this step`, 'taskKey') };
    if (!actorHoldsSlot(actor, task.slot)) {
      return { refusal: refuse('NOT_A_CANDIDATE', 'you are not a candidate for this task', 'taskKey') };
    }
    if (!isActive(context, task)) {
      return { refusal: refuse('TASK_NOT_PENDING', task.outcome ? `the task is ${task.outcome}` : 'the task is waiting for an earlier signer', 'taskKey') };
    }
    return { task };
  }
  const mine = activeTasks(context).filter((task) => actorHoldsSlot(actor, task.slot));
  const chosen = mine.find((task) => task.claimedBy === actor.userId) ?? mine.find((task) => task.claimedBy === null) ?? mine[0];
  if (chosen) return { task: chosen };
  if (context.tasks.some((task) => actorHoldsSlot(actor, task.slot))) {
    return { refusal: refuse('TASK_NOT_PENDING', 'none of your tasks in this step is pending') };
  }
  return { refusal: refuse('NOT_A_CANDIDATE', 'you are not a candidate in this step', 'actor') };
}

function blankReason(reason: string): boolean {
  return reason.trim().length === 0;
}

function checkSignerEvent(context: TApprovalContext, event: TSignerEvent): TApprovalCheck {
  const { config } = context;
  const { actor } = event;
  // Separation of duties first: the applicant may be a candidate by role, and must still not sign.
  if (actor.userId === config.applicantId) {
    return refuse('SEPARATION_OF_DUTIES', 'the applicant cannot act as a signer of their own matter', 'actor');
  }
  const resolved = resolveTask(context, event);
  if ('refusal' in resolved) return resolved.refusal;
  const { task } = resolved;

  if (task.claimedBy !== null && task.claimedBy !== actor.userId && event.type !== 'CLAIM') {
    return refuse('TASK_CLAIMED', `the task is claimed by ${task.claimedBy}`, 'taskKey');
  }

  switch (event.type) {
    case 'APPROVE':
    case 'REJECT': {
      if (config.forbidDoubleSigning && signerIds(context).has(actor.userId)) {
        return refuse('ALREADY_SIGNED', 'you already signed in this chain', 'actor');
      }
      if (event.type === 'REJECT' && blankReason(event.reason)) {
        return refuse('REASON_REQUIRED', 'a rejection needs a reason', 'reason');
      }
      const unchecked = event.type === 'APPROVE' ? requiredChecksRefusal({ required: config.requiredChecks, checks: event.checks }) : null;
      if (unchecked) return refuse(unchecked.code, unchecked.message, unchecked.field);
      return ok(task.taskKey);
    }
    case 'RETURN': {
      if (blankReason(event.reason)) return refuse('REASON_REQUIRED', 'a return needs a reason', 'reason');
      const { target } = event;
      if (target.to === 'STEP' && !config.returnTargets.some((allowed) => allowed.stepId === target.stepId)) {
        return refuse('RETURN_TARGET_INVALID', `step ${target.stepId} is not a step this matter can be returned to`, 'target.stepId');
      }
      return ok(task.taskKey);
    }
    case 'TRANSFER': {
      if (event.toUserId === actor.userId) return refuse('VALIDATION_FAILED', 'cannot transfer a task to yourself', 'toUserId');
      if (event.toUserId === config.applicantId) {
        return refuse('SEPARATION_OF_DUTIES', 'the applicant cannot sign their own matter', 'toUserId');
      }
      if (config.forbidDoubleSigning && signerIds(context).has(event.toUserId)) {
        return refuse('ALREADY_SIGNED', `${event.toUserId} already signed in this chain`, 'toUserId');
      }
      if (wouldHoldTwoTasks(context, event.toUserId, task)) {
        return refuse('ALREADY_SIGNED', `${event.toUserId} already has a task in this step and cannot sign twice`, 'toUserId');
      }
      if (!isEligibleTransferTarget(context, task, event)) {
        return refuse('TRANSFER_TARGET_INELIGIBLE', `${event.toUserId} does not hold the candidate role in scope`, 'toUserId');
      }
      return ok(task.taskKey);
    }
    case 'ADD_SIGNER': {
      const { signer } = event;
      if (signer.kind === 'user') {
        if (signer.userId === actor.userId) return refuse('VALIDATION_FAILED', 'cannot add yourself as a signer', 'signer.userId');
        if (signer.userId === config.applicantId) {
          return refuse('SEPARATION_OF_DUTIES', 'the applicant cannot sign their own matter', 'signer.userId');
        }
        if (config.forbidDoubleSigning && signerIds(context).has(signer.userId)) {
          return refuse('ALREADY_SIGNED', `${signer.userId} already signed in this chain`, 'signer.userId');
        }
        if (wouldHoldTwoTasks(context, signer.userId, null)) {
          return refuse('ALREADY_SIGNED', `${signer.userId} already has a task in this step and cannot sign twice`, 'signer.userId');
        }
      } else {
        const refusal = addedRoleSignerRefusal(config, signer);
        if (refusal) return { status: 'refused', refusal };
      }
      return ok(task.taskKey);
    }
    case 'CLAIM': {
      if (task.slot.kind !== 'role') return refuse('TRANSITION_NOT_ALLOWED', 'only a candidate-group task can be claimed', 'taskKey');
      if (task.claimedBy === actor.userId) return refuse('TRANSITION_NOT_ALLOWED', 'you already claimed this task', 'taskKey');
      if (task.claimedBy !== null) return refuse('TASK_CLAIMED', `the task is claimed by ${task.claimedBy}`, 'taskKey');
      return ok(task.taskKey);
    }
    case 'UNCLAIM': {
      if (task.claimedBy !== actor.userId) return refuse('TRANSITION_NOT_ALLOWED', 'you have not claimed this task', 'taskKey');
      return ok(task.taskKey);
    }
  }
}

/**
 * Whether `userId` already has an open named task in this step (other than `except`, the task being
 * handed over), so that one more would make them sign twice. Only SEQUENTIAL and COUNTERSIGN need
 * every open task signed; in ANY_ONE the first approval closes the rest, so a second task is harmless.
 */
function wouldHoldTwoTasks(context: TApprovalContext, userId: string, except: TApprovalTask | null): boolean {
  const { config } = context;
  if (!config.forbidDoubleSigning || !config.oneOpenTaskPerSigner || config.mode === 'ANY_ONE') return false;
  return context.tasks.some((task) => task !== except && isOpen(task) && task.slot.kind === 'user' && task.slot.userId === userId);
}

/**
 * 转交 keeps the task within its candidate group: a role task goes only to someone holding that
 * role in scope; a named-user task goes to another named candidate or to someone holding any
 * of the step's candidate roles in scope.
 */
function isEligibleTransferTarget(context: TApprovalContext, task: TApprovalTask, event: TApprovalEventOf<'TRANSFER'>): boolean {
  if (task.origin.kind === 'role') return holdsSlot(event.toUserId, event.toRoles, task.origin);
  return context.config.candidates.some((slot) => holdsSlot(event.toUserId, event.toRoles, slot));
}

function checkResubmit(context: TApprovalContext, event: TApprovalEventOf<'RESUBMIT'>): TApprovalCheck {
  const returned = context.returned;
  if (!returned) return refuse('TRANSITION_NOT_ALLOWED', 'nothing to resubmit');
  // Returned to the applicant: they revise and resubmit. Returned to an earlier step: that step
  // runs again in the workflow, which resubmits here (as the system actor) once it is through.
  const expected = returned.target.to === 'APPLICANT' ? context.config.applicantId : SYSTEM_USER_ID;
  if (event.actor.userId !== expected) {
    return refuse('FORBIDDEN', returned.target.to === 'APPLICANT' ? 'only the applicant can resubmit' : 'the returned-to step resubmits', 'actor');
  }
  return ok();
}

function checkWithdraw(context: TApprovalContext, event: TApprovalEventOf<'WITHDRAW'>): TApprovalCheck {
  const { config } = context;
  // Returned to an earlier step, the matter may end there (rejected, withdrawn): the workflow
  // then closes this step, as it would resubmit here had the earlier step approved.
  if (event.actor.userId === SYSTEM_USER_ID) {
    return context.returned?.target.to === 'STEP'
      ? ok()
      : refuse('FORBIDDEN', 'the workflow closes a step only while it is returned to an earlier step', 'actor');
  }
  if (event.actor.userId !== config.applicantId) return refuse('FORBIDDEN', 'only the applicant can withdraw', 'actor');
  if (!config.allowWithdraw) return refuse('WITHDRAW_NOT_ALLOWED', 'this step does not allow withdrawal');
  // While the matter sits with the applicant after a return, it is theirs again: they may drop it
  // instead of revising, whatever the "until first decision" rule says.
  if (context.returned?.target.to === 'APPLICANT') return ok();
  const decided = context.history.some((entry) => (DECISION_EVENT_TYPES as readonly string[]).includes(entry.event.type));
  if (config.withdrawUntil === 'FIRST_DECISION' && decided) {
    return refuse('WITHDRAW_NOT_ALLOWED', 'a signer has already decided; withdrawal is closed');
  }
  return ok();
}

function checkComment(context: TApprovalContext, event: TApprovalEventOf<'COMMENT'>): TApprovalCheck {
  if (!isParticipant(context, event.actor)) return notAllowed(event.actor, 'only participants can comment');
  if (event.text.trim().length === 0 && (event.attachments ?? []).length === 0) {
    return refuse('VALIDATION_FAILED', 'a comment needs text or an attachment', 'text');
  }
  return ok();
}

function checkCc(context: TApprovalContext, event: TApprovalEventOf<'CC'>): TApprovalCheck {
  const { actor } = event;
  const mayCc =
    actor.userId === context.config.applicantId || isAdminOf(context.config, actor) || activeTasks(context).some((task) => actorHoldsSlot(actor, task.slot));
  if (!mayCc) return notAllowed(actor, 'only the applicant, a current signer or an admin can copy others in');
  return ok();
}

function checkUrge(context: TApprovalContext, event: TApprovalEventOf<'URGE'>): TApprovalCheck {
  const { actor } = event;
  if (actor.userId !== context.config.applicantId && !isAdminOf(context.config, actor)) {
    return notAllowed(actor, 'only the applicant or an admin can urge');
  }
  if (urgeableTasks(context, event.at).length === 0) {
    return refuse('URGE_RATE_LIMITED', `every current signer was urged within the last ${context.config.urgeIntervalMs} ms`, 'at');
  }
  return ok();
}

/** Active tasks not urged within the interval; the rate limit is per task (一天一次/每个待办). */
export function urgeableTasks(context: TApprovalContext, at: number): TApprovalTask[] {
  return activeTasks(context).filter((task) => task.lastUrgedAt === null || at - task.lastUrgedAt >= context.config.urgeIntervalMs);
}
