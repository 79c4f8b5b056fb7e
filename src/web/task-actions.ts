import crypto from 'node:crypto';
import { checkApprovalAction, type TApprovalContext, type TApprovalEvent } from '../domain/approval';
import type { TActor } from '../domain/actor';

/** API action names in the order the decision form shows them. */
export const FORM_ACTIONS = [
  'approve',
  'return',
  'reject',
  'resubmit',
  'claim',
  'unclaim',
  'transfer',
  'add_signer',
  'comment',
  'cc',
  'urge',
  'withdraw',
] as const;
export type TFormAction = (typeof FORM_ACTIONS)[number];

/** Actions on the actor's own pending task; the rest act on the step as a whole. */
const TASK_ACTIONS = new Set<TFormAction>(['approve', 'reject', 'return', 'resubmit', 'claim', 'unclaim', 'transfer', 'add_signer']);

/**
 * Refusals about a field the person has yet to fill in (whom to transfer to, whom to add, which
 * step to return to): the action itself is open, the form asks for that field.
 */
const NEEDS_INPUT_FIELDS = new Set(['toUserId', 'signer.userId', 'target.stepId', 'reason', 'text', 'role']);

const PROBE_USER = '__probe__';

/** A representative event per action, with placeholder values where the form asks for input. */
function probeEvent(
  action: TFormAction,
  base: { actor: { userId: string; roles: { role: TActor['roles'][number]['role']; orgUnitId: string }[] }; requestId: string; at: number },
  taskKey: string | undefined,
): TApprovalEvent {
  const signer = taskKey ? { taskKey } : {};
  switch (action) {
    case 'approve':
      return { type: 'APPROVE', ...base, ...signer };
    case 'reject':
      return { type: 'REJECT', ...base, ...signer, reason: 'probe' };
    case 'return':
      return { type: 'RETURN', ...base, ...signer, reason: 'probe', target: { to: 'APPLICANT' } };
    case 'resubmit':
      return { type: 'RESUBMIT', ...base };
    case 'claim':
      return { type: 'CLAIM', ...base, ...signer };
    case 'unclaim':
      return { type: 'UNCLAIM', ...base, ...signer };
    case 'transfer':
      return { type: 'TRANSFER', ...base, ...signer, toUserId: PROBE_USER, toRoles: [] };
    case 'add_signer':
      return { type: 'ADD_SIGNER', ...base, ...signer, position: 'AFTER', signer: { kind: 'user', userId: PROBE_USER } };
    case 'comment':
      return { type: 'COMMENT', ...base, text: 'probe' };
    case 'cc':
      return { type: 'CC', ...base, recipientIds: [PROBE_USER] };
    case 'urge':
      return { type: 'URGE', ...base };
    case 'withdraw':
      return { type: 'WITHDRAW', ...base };
  }
}

/**
 * The actions the decision form offers now: each is checked, without stepping anything, by the
 * same pure check the workflow's Update validator runs, on the step's current snapshot.
 */
export function allowedActions(opts: {
  actor: TActor;
  snapshot: { value: unknown; context: TApprovalContext };
  taskKey: string | undefined;
  taskPending: boolean;
  now?: number;
}): TFormAction[] {
  const base = {
    actor: { userId: opts.actor.userId, roles: opts.actor.roles.map(({ role, orgUnitId }) => ({ role, orgUnitId })) },
    requestId: `probe-${crypto.randomUUID()}`,
    at: opts.now ?? Date.now(),
  };
  return FORM_ACTIONS.filter((action) => {
    if (TASK_ACTIONS.has(action) && !opts.taskPending) return false;
    const result = checkApprovalAction({ snapshot: opts.snapshot, event: probeEvent(action, base, opts.taskKey) });
    if (result.status === 'ok') return true;
    if (result.status !== 'refused' || result.refusal.code === 'NOT_A_CANDIDATE') return false;
    // The township review's five checks are filled in on the form, like a reason.
    return NEEDS_INPUT_FIELDS.has(result.refusal.field) || (result.refusal.code === 'CHECKS_REQUIRED' && action === 'approve');
  });
}

/** A person who might take the task over: their id, name and role grants. */
export interface TTransferCandidate {
  userId: string;
  displayName: string;
  roles: Array<{ role: TActor['roles'][number]['role']; orgUnitId: string }>;
}

/** Who the decision form may name for an action that names a person, and the event naming them. */
const PERSON_EVENTS = {
  /** 转交: only holders of the candidate role in scope, not who signed or holds another task. */
  transfer: (c: TTransferCandidate, taskKey: string) => ({ type: 'TRANSFER' as const, taskKey, toUserId: c.userId, toRoles: c.roles }),
  /** 加签: anyone but the actor, the applicant and who signed already. */
  add_signer: (c: TTransferCandidate, taskKey: string) => ({
    type: 'ADD_SIGNER' as const,
    taskKey,
    position: 'AFTER' as const,
    signer: { kind: 'user' as const, userId: c.userId },
  }),
  /** 抄送: whoever the actor may copy. */
  cc: (c: TTransferCandidate) => ({ type: 'CC' as const, recipientIds: [c.userId] }),
};

/**
 * Whom the form offers for a transfer (转交 to an eligible person), an added signer or a copy: each
 * candidate is put through the same pure check the step's validator runs for that action naming
 * them, so the list holds exactly the people the step would accept — never the actor, and for a
 * transfer only holders of the candidate role in scope who have not signed and hold no other task.
 */
export function eligiblePeople(opts: {
  action: keyof typeof PERSON_EVENTS;
  actor: TActor;
  snapshot: { value: unknown; context: TApprovalContext };
  taskKey: string;
  candidates: readonly TTransferCandidate[];
  now?: number;
}): Array<{ userId: string; displayName: string }> {
  const actor = { userId: opts.actor.userId, roles: opts.actor.roles.map(({ role, orgUnitId }) => ({ role, orgUnitId })) };
  const base = { actor, requestId: 'probe-person', at: opts.now ?? Date.now() };
  return opts.candidates
    .filter((c) => c.userId !== opts.actor.userId)
    .filter(
      (c) =>
        checkApprovalAction({ snapshot: opts.snapshot, event: { ...base, ...PERSON_EVENTS[opts.action](c, opts.taskKey) } as TApprovalEvent }).status === 'ok',
    )
    .map(({ userId, displayName }) => ({ userId, displayName }));
}

/** The roles a transfer of this step's task may go to (its candidate groups), for the candidate query. */
export function transferRoles(context: TApprovalContext, taskKey: string): string[] {
  const task = context.tasks.find((t) => t.taskKey === taskKey);
  const slots = [...(task?.origin.kind === 'role' ? [task.origin] : []), ...context.config.candidates];
  return [...new Set(slots.flatMap((slot) => (slot.kind === 'role' ? [slot.role] : [])))];
}
