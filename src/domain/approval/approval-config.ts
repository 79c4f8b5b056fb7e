import * as z from '../shape';
import { ZRole } from '../roles';

/**
 * Org scope without a database: a role held at an org unit covers that unit and its subtree, so
 * "does this role cover the slot?" needs the slot's ancestry. The workflow that builds the step
 * config knows the org tree, so it writes each role slot's `orgPath` (ancestor ids, root first,
 * ending with the slot's own org unit id). Without `orgPath` only an exact org unit match counts.
 */
export const ZOrgPath = z.array(z.string().min(1)).min(1);

export const ZRoleSlot = z
  .object({
    kind: z.literal('role'),
    role: ZRole,
    orgUnitId: z.string().min(1),
    orgPath: ZOrgPath.optional(),
  })
  .refine((slot) => !slot.orgPath || slot.orgPath[slot.orgPath.length - 1] === slot.orgUnitId, {
    message: 'orgPath must end with the slot org unit id',
    path: ['orgPath'],
  });

export const ZUserSlot = z.object({
  kind: z.literal('user'),
  userId: z.string().min(1),
});

/** Who may sign one task: anyone holding a role in scope (a candidate group), or one named user. */
export const ZSignerSlot = z.discriminatedUnion('kind', [ZRoleSlot, ZUserSlot]);
export type TSignerSlot = z.infer<typeof ZSignerSlot>;
export type TRoleSlot = z.infer<typeof ZRoleSlot>;

export const ZApprovalMode = z.enum(['SEQUENTIAL', 'COUNTERSIGN', 'ANY_ONE']);
export type TApprovalMode = z.infer<typeof ZApprovalMode>;

/** An earlier step this step may send the matter back to (退回到之前的环节). */
export const ZReturnTarget = z.object({
  stepId: z.string().min(1),
  label: z.string().optional(),
});

const DAY_MS = 24 * 60 * 60 * 1000;

export const ZApprovalStepConfig = z.object({
  /** Stable id of the step inside its workflow; task keys are derived from it. */
  stepId: z.string().min(1),
  mode: ZApprovalMode,
  /** SEQUENTIAL: in signing order. COUNTERSIGN / ANY_ONE: order only affects listing. */
  candidates: z.array(ZSignerSlot).min(1),
  applicantId: z.string().min(1),
  /**
   * The org units the matter belongs to (the project's ancestry, root first, ending with its own
   * unit). Added role signers and administrators act only within it; absent, the deepest candidate
   * unit stands for it (see `subjectOrgPath`).
   */
  subjectOrgPath: ZOrgPath.optional(),
  /**
   * Added role signers must be one of the step's candidate roles at a unit covering the matter,
   * and administrators act (comment, urge, cc) only on matters in their scope. Defaults on; the
   * hosting workflow turns it off for steps started before the rule, so their histories replay.
   */
  signersInScope: z.boolean().default(true),
  /**
   * Durations the hosting workflow turns into timers; the machine itself never reads a clock.
   * The workflow raises DEADLINE_REMINDER at `dueAfterMs - remindBeforeMs` and DEADLINE_EXPIRED at
   * `dueAfterMs`, counted from activation (and again after each escalation or resubmission).
   */
  dueAfterMs: z
    .number()
    .int()
    .positive()
    .default(3 * DAY_MS),
  remindBeforeMs: z.number().int().nonnegative().default(DAY_MS),
  /**
   * Who takes over an overdue task. When absent, a role slot escalates to the same role one org
   * level up (from its `orgPath`); a user slot, or a slot already at the top, stays where it is.
   */
  escalationTarget: ZSignerSlot.optional(),
  allowWithdraw: z.boolean().default(true),
  /** "Until first decision" is the usual rule; some counties allow withdrawal until the end. */
  withdrawUntil: z.enum(['FIRST_DECISION', 'FINAL_DECISION']).default('FIRST_DECISION'),
  forbidDoubleSigning: z.boolean().default(true),
  /**
   * With forbidDoubleSigning, refuse a transfer or an added signer that would give a named person a
   * second open task in a SEQUENTIAL / COUNTERSIGN step: they could sign only one of them, and the
   * other would wait forever. Defaults on; the hosting workflow turns it off for steps started
   * before the rule existed, so their recorded histories replay as they ran.
   */
  oneOpenTaskPerSigner: z.boolean().default(true),
  /** People who already signed earlier steps of the same chain, for forbidDoubleSigning. */
  priorSignerIds: z.array(z.string().min(1)).default([]),
  urgeIntervalMs: z.number().int().nonnegative().default(DAY_MS),
  returnTargets: z.array(ZReturnTarget).default([]),
  /**
   * Checks an approval must carry, each with result PASS (the township review's five, domain.md
   * §2.3); refused with CHECKS_REQUIRED otherwise. Empty: an approval needs none.
   */
  requiredChecks: z.array(z.string().min(1)).default([]),
});

/** The parsed config (defaults filled in), as kept in the machine context. */
export type TApprovalStepConfig = z.infer<typeof ZApprovalStepConfig>;
/** What callers pass as machine input (defaults optional). */
export type TApprovalStepConfigInput = z.input<typeof ZApprovalStepConfig>;
