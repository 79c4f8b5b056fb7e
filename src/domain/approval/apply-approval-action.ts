import type { TSignerSlot } from './approval-config';
import { createTask, type TApprovalContext, type TApprovalPhase, type TApprovalTask, type TTaskOutcome } from './approval-context';
import type { TApprovalEvent, TApprovalEventOf, TApprovalEventType } from './approval-events';
import { checkInPhase, urgeableTasks } from './check-approval-action';
import { activeTasks, dependentKeys, isOpen } from './approval-tasks';
import { parentLevelSlot, sameSlot } from './org-scope';

/**
 * The pure reducer of the approval step. It assumes `checkInPhase` accepted the event (the guards
 * make sure) and returns the next context and the phase the step ends up in, which the machine
 * uses to pick its target, so the two cannot disagree. Each event has its own reducer
 * (APPROVAL_REDUCERS); the machine's named action for an event runs that one (approval-machine.ts).
 */
export function applyApprovalEvent({ context, phase, event }: { context: TApprovalContext; phase: TApprovalPhase; event: TApprovalEvent }): {
  context: TApprovalContext;
  phase: TApprovalPhase;
} {
  const check = checkInPhase({ context, phase, event });
  if (check.status !== 'ok') return { context, phase };
  const draft = new Draft(context, check.taskKey);
  const next = (APPROVAL_REDUCERS[event.type] as TReducer<TApprovalEventType>)(draft, phase, event);
  return { context: draft.finish(event, next), phase: next };
}

/** Copy-on-write helper so reducers read like the rules they implement. */
class Draft {
  tasks: TApprovalTask[];
  nextTaskNo: number;
  ccRecipientIds: string[];
  returned: TApprovalContext['returned'];
  created: string[] = [];
  affected: string[] = [];

  constructor(
    readonly base: TApprovalContext,
    readonly taskKey: string | null,
  ) {
    this.tasks = base.tasks.map((task) => ({ ...task }));
    this.nextTaskNo = base.nextTaskNo;
    this.ccRecipientIds = [...base.ccRecipientIds];
    this.returned = base.returned;
  }

  get context(): TApprovalContext {
    return { ...this.base, tasks: this.tasks, nextTaskNo: this.nextTaskNo, ccRecipientIds: this.ccRecipientIds, returned: this.returned };
  }

  task(key: string): TApprovalTask {
    const task = this.tasks.find((candidate) => candidate.taskKey === key);
    if (!task) throw new Error(`invariant: task ${key} missing`);
    return task;
  }

  get current(): TApprovalTask {
    return this.task(this.taskKey as string);
  }

  newTask(slot: TSignerSlot, origin: TSignerSlot, after: string | null): TApprovalTask {
    const task = createTask(this.base.config, this.nextTaskNo, slot, origin, after);
    this.nextTaskNo += 1;
    this.created.push(task.taskKey);
    return task;
  }

  /** Put `task` right before `before` in listing order (order matters for SEQUENTIAL display only). */
  insertAt(index: number, task: TApprovalTask): void {
    this.tasks.splice(index, 0, task);
  }

  indexOf(key: string): number {
    return this.tasks.findIndex((task) => task.taskKey === key);
  }

  /** Replace `old` by a new task for `slot` in the same place of the signing order. */
  replace(oldKey: string, slot: TSignerSlot, origin: TSignerSlot, outcome: TTaskOutcome): TApprovalTask {
    const old = this.task(oldKey);
    const replacement = { ...this.newTask(slot, origin, old.after), replaces: old.taskKey };
    old.outcome = outcome;
    for (const task of this.tasks) if (task.after === old.taskKey) task.after = replacement.taskKey;
    this.insertAt(this.indexOf(old.taskKey) + 1, replacement);
    return replacement;
  }

  closeOpen(outcome: TTaskOutcome, keep: (task: TApprovalTask) => boolean = () => false): void {
    for (const task of this.tasks) if (isOpen(task) && !keep(task)) task.outcome = outcome;
  }

  finish(event: TApprovalEvent, result: TApprovalPhase): TApprovalContext {
    const context = this.context;
    return {
      ...context,
      history: [
        ...context.history,
        {
          seq: context.history.length + 1,
          requestId: event.requestId,
          event,
          taskKey: this.taskKey,
          createdTaskKeys: this.created,
          affectedTaskKeys: this.affected,
          result,
        },
      ],
    };
  }
}

type TReducer<T extends TApprovalEventType> = (draft: Draft, phase: TApprovalPhase, event: TApprovalEventOf<T>) => TApprovalPhase;

/** What each event changes in the step (on a copy), and the phase the step is in afterwards. */
const APPROVAL_REDUCERS: { readonly [T in TApprovalEventType]: TReducer<T> } = {
  APPROVE: (draft, _phase, event) => {
    const task = draft.current;
    task.outcome = 'APPROVED';
    task.decidedBy = event.actor.userId;
    if (draft.base.config.mode === 'ANY_ONE') {
      // 或签: the first approval decides for the group; only signers this approver added after
      // themselves (加签) still have to sign.
      const keep = dependentKeys(draft.context, task.taskKey);
      draft.closeOpen('NO_LONGER_NEEDED', (open) => keep.has(open.taskKey));
    }
    return draft.tasks.some(isOpen) ? 'pending' : 'approved';
  },
  REJECT: (draft, _phase, event) => {
    const task = draft.current;
    task.outcome = 'REJECTED';
    task.decidedBy = event.actor.userId;
    draft.closeOpen('NO_LONGER_NEEDED');
    return 'rejected';
  },
  RETURN: (draft, _phase, event) => {
    // The returner's task stays open, so after resubmission the chain resumes right there.
    draft.returned = { target: event.target, byTaskKey: draft.current.taskKey, reason: event.reason };
    return 'returned';
  },
  RESUBMIT: (draft) => {
    draft.returned = null;
    return 'pending';
  },
  TRANSFER: (draft, phase, event) => {
    const old = draft.current;
    draft.replace(old.taskKey, { kind: 'user', userId: event.toUserId }, old.origin, 'TRANSFERRED');
    return phase;
  },
  ADD_SIGNER: (draft, phase, event) => {
    const me = draft.current;
    if (event.position === 'BEFORE') {
      const added = draft.newTask(event.signer, event.signer, me.after);
      me.after = added.taskKey;
      draft.insertAt(draft.indexOf(me.taskKey), added);
    } else {
      const added = draft.newTask(event.signer, event.signer, me.taskKey);
      for (const task of draft.tasks) if (task.after === me.taskKey) task.after = added.taskKey;
      draft.insertAt(draft.indexOf(me.taskKey) + 1, added);
    }
    return phase;
  },
  CLAIM: (draft, phase, event) => {
    draft.current.claimedBy = event.actor.userId;
    return phase;
  },
  UNCLAIM: (draft, phase) => {
    draft.current.claimedBy = null;
    return phase;
  },
  COMMENT: (_draft, phase) => phase,
  CC: (draft, phase, event) => {
    for (const id of event.recipientIds) if (!draft.ccRecipientIds.includes(id)) draft.ccRecipientIds.push(id);
    return phase;
  },
  URGE: (draft, phase, event) => {
    for (const task of urgeableTasks(draft.context, event.at)) {
      draft.task(task.taskKey).lastUrgedAt = event.at;
      draft.affected.push(task.taskKey);
    }
    return phase;
  },
  WITHDRAW: (draft) => {
    draft.closeOpen('CANCELLED');
    draft.returned = null;
    return 'withdrawn';
  },
  DEADLINE_REMINDER: (draft, phase) => {
    draft.affected.push(...activeTasks(draft.context).map((task) => task.taskKey));
    return phase;
  },
  DEADLINE_EXPIRED: (draft, phase, event) => {
    for (const task of activeTasks(draft.context)) {
      const target = event.escalateTo ?? draft.base.config.escalationTarget ?? parentLevelSlot(task.slot);
      // Nowhere to escalate (named user, or already at county level), or the task already sits
      // with the target (a configured target's task expiring again): the expiry is recorded and
      // the task stays with its signer, instead of being replaced by an identical one each period.
      if (!target || sameSlot(target, task.slot)) continue;
      draft.replace(task.taskKey, target, target, 'ESCALATED');
      draft.affected.push(task.taskKey);
    }
    return phase;
  },
};
