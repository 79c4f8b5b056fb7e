import type { TApprovalStepConfig, TSignerSlot } from './approval-config';
import type { TApprovalEvent, TReturnTo } from './approval-events';

/** The step's coarse phase, from the machine's top-level state. */
export type TApprovalPhase = 'pending' | 'returned' | 'approved' | 'rejected' | 'withdrawn';

/** How a task ended; null while it is still open (pending or waiting its turn). */
export type TTaskOutcome =
  | 'APPROVED'
  | 'REJECTED'
  /** 或签: someone else decided first; or the step ended another way (reject). */
  | 'NO_LONGER_NEEDED'
  /** Handed to another person (转交); the replacement task continues in its place. */
  | 'TRANSFERRED'
  /** Overdue and re-targeted to the escalation target; a replacement task continues. */
  | 'ESCALATED'
  /** The applicant withdrew the matter. */
  | 'CANCELLED';

/**
 * One signer task. Order of signing is a dependency link rather than an array position, so that
 * one rule covers every mode: a task is active when it is open and the task it comes `after` (if
 * any) is approved. SEQUENTIAL chains link each task to the previous one; COUNTERSIGN and ANY_ONE
 * start unlinked; 加签 before/after oneself just re-links.
 */
export interface TApprovalTask {
  /** Stable key (`<stepId>#<n>`); the workflow upserts Task rows by it. */
  taskKey: string;
  slot: TSignerSlot;
  /**
   * The candidate slot this task descends from (kept across transfer), which decides who is an
   * eligible transfer target.
   */
  origin: TSignerSlot;
  after: string | null;
  outcome: TTaskOutcome | null;
  claimedBy: string | null;
  decidedBy: string | null;
  /** The task this one replaced (transfer / escalation), for the audit trail. */
  replaces: string | null;
  /** Epoch ms of the last URGE that reached this task, for rate limiting. */
  lastUrgedAt: number | null;
}

/** One accepted action. Refused events are never recorded (a refusal changes nothing). */
export interface TApprovalHistoryEntry {
  seq: number;
  requestId: string;
  event: TApprovalEvent;
  /** The task the action applied to, for signer actions. */
  taskKey: string | null;
  /** Tasks created by the action (transfer, add signer, escalation). */
  createdTaskKeys: string[];
  /** Tasks reached by an URGE, or re-targeted by an escalation. */
  affectedTaskKeys: string[];
  /** The phase right after the action: what a repeated request id gets back. */
  result: TApprovalPhase;
}

export interface TReturnedState {
  target: TReturnTo;
  byTaskKey: string;
  reason: string;
}

export interface TApprovalContext {
  config: TApprovalStepConfig;
  tasks: TApprovalTask[];
  /** Counter for task keys, so keys stay stable and unique through replay. */
  nextTaskNo: number;
  ccRecipientIds: string[];
  returned: TReturnedState | null;
  history: TApprovalHistoryEntry[];
}

export function createTask(config: TApprovalStepConfig, no: number, slot: TSignerSlot, origin: TSignerSlot, after: string | null): TApprovalTask {
  return {
    taskKey: `${config.stepId}#${no}`,
    slot,
    origin,
    after,
    outcome: null,
    claimedBy: null,
    decidedBy: null,
    replaces: null,
    lastUrgedAt: null,
  };
}

export function createInitialContext(config: TApprovalStepConfig): TApprovalContext {
  const tasks: TApprovalTask[] = [];
  config.candidates.forEach((slot, index) => {
    const previous = tasks[index - 1];
    const after = config.mode === 'SEQUENTIAL' && previous ? previous.taskKey : null;
    tasks.push(createTask(config, index + 1, slot, slot, after));
  });
  return { config, tasks, nextTaskNo: tasks.length + 1, ccRecipientIds: [], returned: null, history: [] };
}
