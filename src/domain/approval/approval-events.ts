import * as z from '../shape';
import { ZActorRef, ZGrantRef, type TActorRef, type TGrantRef } from '../actor';
import { ZSignerSlot } from './approval-config';

/** One role an actor holds, at one org unit (covering its subtree): the one grant, path-less as recorded. */
export const ZActorRole = ZGrantRef;
export type TActorRole = TGrantRef;

/** The one actor (src/domain/actor.ts) as the approval machine records it. */
export const ZActor = ZActorRef;
export type TActor = TActorRef;

/** The hosting workflow acts as this user for deadlines and for resubmission after a step return. */
export const SYSTEM_USER_ID = 'system';
export const SYSTEM_ACTOR: TActor = { userId: SYSTEM_USER_ID, roles: [] };

/**
 * Fields every event carries. `at` is epoch ms supplied by the caller (the workflow's
 * deterministic clock), because the machine must stay pure and replayable.
 */
const base = {
  actor: ZActor,
  requestId: z.string().min(1),
  at: z.number().int().nonnegative(),
};

/** Signer actions may name the task; otherwise the actor's own pending task is used. */
const taskKey = { taskKey: z.string().min(1).optional() };

export const ZAttachment = z.object({
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'sha256 must be 64 hex characters'),
  link: z.string().min(1),
});
export type TAttachment = z.infer<typeof ZAttachment>;

export const ZReturnTo = z.discriminatedUnion('to', [z.object({ to: z.literal('APPLICANT') }), z.object({ to: z.literal('STEP'), stepId: z.string().min(1) })]);
export type TReturnTo = z.infer<typeof ZReturnTo>;

// Reasons are plain strings here (not `.min(1)`) on purpose: an empty reason is a domain refusal
// (REASON_REQUIRED) that checkApprovalAction reports with its own code, not a schema failure.
/** Checks recorded with a decision, by name: a result and an optional note each. */
export const ZRecordedChecks = z.record(z.string(), z.object({ result: z.enum(['PASS', 'FAIL']), note: z.string().optional() }));
export type TRecordedChecks = z.infer<typeof ZRecordedChecks>;

export const ZApproveEvent = z.object({ type: z.literal('APPROVE'), ...base, ...taskKey, comment: z.string().optional(), checks: ZRecordedChecks.optional() });
export const ZRejectEvent = z.object({ type: z.literal('REJECT'), ...base, ...taskKey, reason: z.string() });
export const ZReturnEvent = z.object({ type: z.literal('RETURN'), ...base, ...taskKey, reason: z.string(), target: ZReturnTo });
export const ZResubmitEvent = z.object({ type: z.literal('RESUBMIT'), ...base, comment: z.string().optional() });
export const ZTransferEvent = z.object({
  type: z.literal('TRANSFER'),
  ...base,
  ...taskKey,
  toUserId: z.string().min(1),
  /** The target's role assignments, looked up by the caller; the machine checks them. */
  toRoles: z.array(ZActorRole),
  comment: z.string().optional(),
});
export const ZAddSignerEvent = z.object({
  type: z.literal('ADD_SIGNER'),
  ...base,
  ...taskKey,
  position: z.enum(['BEFORE', 'AFTER']),
  signer: ZSignerSlot,
  comment: z.string().optional(),
});
export const ZClaimEvent = z.object({ type: z.literal('CLAIM'), ...base, ...taskKey });
export const ZUnclaimEvent = z.object({ type: z.literal('UNCLAIM'), ...base, ...taskKey });
export const ZCommentEvent = z.object({
  type: z.literal('COMMENT'),
  ...base,
  text: z.string(),
  attachments: z.array(ZAttachment).optional(),
});
export const ZWithdrawEvent = z.object({ type: z.literal('WITHDRAW'), ...base, reason: z.string().optional() });
export const ZCcEvent = z.object({ type: z.literal('CC'), ...base, recipientIds: z.array(z.string().min(1)).min(1) });
export const ZUrgeEvent = z.object({ type: z.literal('URGE'), ...base, message: z.string().optional() });
export const ZDeadlineReminderEvent = z.object({ type: z.literal('DEADLINE_REMINDER'), ...base });
export const ZDeadlineExpiredEvent = z.object({
  type: z.literal('DEADLINE_EXPIRED'),
  ...base,
  /** Lets the workflow override the configured / default escalation target for this expiry. */
  escalateTo: ZSignerSlot.optional(),
});

export const ZApprovalEvent = z.discriminatedUnion('type', [
  ZApproveEvent,
  ZRejectEvent,
  ZReturnEvent,
  ZResubmitEvent,
  ZTransferEvent,
  ZAddSignerEvent,
  ZClaimEvent,
  ZUnclaimEvent,
  ZCommentEvent,
  ZWithdrawEvent,
  ZCcEvent,
  ZUrgeEvent,
  ZDeadlineReminderEvent,
  ZDeadlineExpiredEvent,
]);
export type TApprovalEvent = z.infer<typeof ZApprovalEvent>;
export type TApprovalEventType = TApprovalEvent['type'];
export type TApprovalEventOf<K extends TApprovalEventType> = Extract<TApprovalEvent, { type: K }>;

/** Actions that only a signer of a pending task may take. */
export const SIGNER_EVENT_TYPES = ['APPROVE', 'REJECT', 'RETURN', 'TRANSFER', 'ADD_SIGNER', 'CLAIM', 'UNCLAIM'] as const;
export type TSignerEvent = TApprovalEventOf<(typeof SIGNER_EVENT_TYPES)[number]>;
export function isSignerEvent(event: TApprovalEvent): event is TSignerEvent {
  return (SIGNER_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** Events that count as a decision (for "withdraw until first decision"). */
export const DECISION_EVENT_TYPES = ['APPROVE', 'REJECT', 'RETURN'] as const;
