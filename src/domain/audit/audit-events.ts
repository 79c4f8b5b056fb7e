import { z } from 'zod';
import type { TApprovalEventType } from '../approval/approval-events';
import type { TReviewEventType } from '../fault-tolerance/schemas';
import { PAYMENT_STATES, type TPaymentState } from '../payment/payment-machine';

/**
 * The audit vocabulary: every action an AuditEvent row may carry, and the shape of its `details`.
 * The one write path (src/audit/write-audit-event.ts) validates each new row against this before
 * the insert, so the tamper-evident log never takes a row outside it. Rows written before the
 * catalogue are not revalidated. The schemas describe what the writers already write: the key
 * names and values are the log's contract with its readers (and with the hash chain), so a change
 * here is a change of the log, not a refactoring. The table in docs/architecture.md lists the same
 * actions (test/domain/audit-catalogue.test.ts compares them).
 */

const id = z.string();
const text = z.string();
const fen = z.number().int();
const isoInstant = z.string();
const ids = z.array(id);
/** Actions that write no details at all (the column stays NULL). */
const none = z.undefined();

// ---- Actions whose name is built from a machine's event or state ----

/**
 * `TASK_<event>`: one per approval machine event. `satisfies Record<…>` makes a new event type a
 * compile error here until it is listed, so the workflow's `TASK_${event.type}` never writes an
 * action the catalogue does not know.
 */
const APPROVAL_EVENT_TYPES = Object.keys({
  APPROVE: 0,
  REJECT: 0,
  RETURN: 0,
  RESUBMIT: 0,
  TRANSFER: 0,
  ADD_SIGNER: 0,
  CLAIM: 0,
  UNCLAIM: 0,
  COMMENT: 0,
  WITHDRAW: 0,
  CC: 0,
  URGE: 0,
  DEADLINE_REMINDER: 0,
  DEADLINE_EXPIRED: 0,
} satisfies Record<TApprovalEventType, 0>) as TApprovalEventType[];

/** `REVIEW_<event>`: one per fault-tolerance review machine event (activities/review-records.ts). */
const REVIEW_EVENT_TYPES = Object.keys({
  APPLY: 0,
  OPEN_BY_BODY: 0,
  APPLICATION_WINDOW_CLOSED: 0,
  ACCEPT: 0,
  REFUSE: 0,
  RECORD_FINDING: 0,
  RECORD_EXCLUSION: 0,
  COMPLETE_INVESTIGATION: 0,
  CAST_VOTE: 0,
  CALL_REVOTE: 0,
  DECIDE: 0,
  SERVE_NOTICE: 0,
  PUBLICISE_AND_FILE: 0,
  APPEAL: 0,
  APPEAL_WINDOW_CLOSED: 0,
  OPEN_APPEAL_REVIEW: 0,
} satisfies Record<TReviewEventType, 0>) as TReviewEventType[];

/**
 * `PAYMENT_<state>` written by setPaymentStatus with just the payment id. PAID and FLAGGED have
 * writers of their own with richer details (payPayment, screenPayment), so they are listed apart.
 */
type TPlainPaymentState = Exclude<TPaymentState, 'PAID' | 'FLAGGED'>;
const PLAIN_PAYMENT_STATES = PAYMENT_STATES.filter((s): s is TPlainPaymentState => s !== 'PAID' && s !== 'FLAGGED');

/**
 * An approval action: the step, the action's own fields as the Update carried them (its
 * `type`, comment, checks, target… already validated by the Update's validator, so they pass
 * through), and what the step did. Actions of the system (resume, deadlines) write a subset.
 */
const ZTaskActionDetails = z.looseObject({
  stepId: id,
  type: z.string().optional(),
  createdTaskIds: ids.optional(),
  affectedTaskIds: ids.optional(),
  phaseAfter: z.string().optional(),
});
const ZReviewActionDetails = z.strictObject({ seq: z.number().int(), stageBefore: z.string(), stageAfter: z.string(), outcome: z.string().nullable() });
const ZPaymentOnly = z.strictObject({ paymentId: id });

const each = <K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) => Object.fromEntries(keys.map((k) => [k, schema])) as { [P in K]: S };

const ZFlagResolution = z.strictObject({ paymentId: id, codes: z.array(z.string()).optional() });
const ZAdminRole = z.strictObject({ assignmentId: id, role: z.string(), orgUnitId: id });
const ZFiscalYear = z.strictObject({ fiscalYear: z.number().int() });
const ZAcceptanceRound = z.strictObject({ round: z.number().int(), vote: z.undefined().optional() });

export const AUDIT_DETAILS = {
  // Approval steps (workflows/approval-step.ts → activities/approval-records.ts)
  STEP_ACTIVATED: z.strictObject({ stepId: id, mode: z.string(), candidates: z.array(z.unknown()) }),
  ...each(
    APPROVAL_EVENT_TYPES.map((t) => `TASK_${t}` as const),
    ZTaskActionDetails,
  ),

  // Project proposal and lifecycle stages (activities/project-records.ts, lifecycle-records.ts)
  PROJECT_PROPOSED: z.strictObject({ name: text, budgetFen: fen, stage: z.string() }),
  PUBLICITY_STARTED: z.strictObject({ publicityId: id, kind: z.string(), startsAt: isoInstant, endsAt: isoInstant }),
  PUBLICITY_PASSED: z.strictObject({ publicityId: id }),
  OBJECTION_LODGED: z.strictObject({
    publicityId: id,
    resubmitTaskId: id,
    /** Lodged from the public board: the villager's name and phone, masked (138****5678). */
    lodger: z.strictObject({ name: z.string(), phone: z.string().regex(/^1\d{2}\*{4}\d{4}$/) }).optional(),
  }),
  PROJECT_RESUBMITTED: z.strictObject({ taskId: id }),
  PROPOSAL_REVISED: z.strictObject({ version: z.number().int().min(2), taskId: id, changedFields: z.array(z.string()).min(1) }),
  PROJECT_IN_POOL: ZFiscalYear,
  POOL_ROLLED_OVER: ZFiscalYear,
  FUNDS_ALLOCATED: z.strictObject({ fiscalYear: z.number().int(), amountFen: fen, payeeAccounts: z.array(z.string()).optional() }),
  LIFECYCLE_EVENT_REFUSED: z.strictObject({ event: z.string(), stage: z.string(), to: z.string().optional() }),

  // The funded project (activities/operation-records.ts, events noted by workflows/project-operation.ts)
  TASK_OPENED: z.strictObject({ taskId: id, kind: z.string() }),
  TASK_DONE: z.strictObject({ taskId: id, outcome: z.string() }),
  ...each(
    ['PROGRESS_REPORTED', 'CAPITAL_REPORTED'] as const,
    z.strictObject({ reportId: id, percent: z.number().nullable(), amountFen: fen.nullable(), evidence: z.array(z.string()) }),
  ),
  REPORT_VERIFIED: z.strictObject({ reportId: id }),
  PAYMENT_REQUESTED: z.strictObject({
    paymentId: id,
    tranche: z.string(),
    amountFen: fen,
    payeeId: id,
    invoices: z.array(z.strictObject({ number: z.string(), sha256: z.string() })),
    fiscalSource: z.string().optional(),
  }),
  ...each(
    ['PAYMENT_SCREENED', 'PAYMENT_FLAGGED'] as const,
    z.strictObject({ paymentId: id, flags: z.array(z.strictObject({ code: z.string(), message: z.string() })) }),
  ),
  ...each(['RISK_FLAGS_DISMISSED', 'RISK_FLAGS_CONFIRMED', 'PROJECT_CHANGE_APPROVED', 'PROJECT_CHANGE_REJECTED'] as const, ZFlagResolution),
  ...each(
    PLAIN_PAYMENT_STATES.map((s) => `PAYMENT_${s}` as const),
    ZPaymentOnly,
  ),
  PAYMENT_PAID: z.strictObject({ paymentId: id, amountFen: fen, voucherNo: z.string() }),
  PAYMENT_EVENT_REFUSED: z.strictObject({ paymentId: id, status: z.string(), event: z.string() }),
  RETENTION_WITHHELD: z.strictObject({ blocks: z.array(z.string()) }),
  ACCEPTANCE_REQUESTED: none,
  ACCEPTANCE_VOTE_RECORDED: z.strictObject({ round: z.number().int(), vote: z.looseObject({}) }),
  ...each(['ACCEPTANCE_PENDING', 'ACCEPTANCE_PASSED', 'ACCEPTANCE_FAILED', 'ACCEPTANCE_RETURNED'] as const, ZAcceptanceRound),
  ACCEPTANCE_ESCALATED: z.strictObject({ failedInspections: z.number().int() }),
  /** Without details from workflows that predate defect tracking (before the defect-repair patch). */
  DEFECT_REPORTED: z.strictObject({ defectId: id }).optional(),
  DEFECT_REPAIRED: z.strictObject({ defectId: id, evidence: z.array(z.string()) }),
  ...each(['DEFECT_REPAIR_VERIFIED', 'DEFECT_REPAIR_REJECTED'] as const, z.strictObject({ defectId: id })),
  ASSET_REGISTERED: z.strictObject({ assetId: id, name: text, assetClass: z.string(), valueFen: fen }),
  ASSETS_HANDED_OVER: z.strictObject({ assetIds: ids }),
  /** A row of a county's legacy asset ledger entered into the register (POST /api/assets/imports). */
  ASSET_IMPORTED: z.strictObject({ assetId: id, ledgerCode: text, name: text, assetClass: z.string(), fundingSource: z.string(), valueFen: fen }),
  /** A household of the 防返贫监测 list entered into the register (POST /api/households/imports). */
  HOUSEHOLD_IMPORTED: z.strictObject({ householdId: id, householdCode: text, orgUnitId: id, lifted: z.boolean(), monitored: z.boolean() }),
  /** A later list changed a registered household: the fields changed, and their values before and after (never a full ID-card number). */
  HOUSEHOLD_UPDATED: z.strictObject({
    householdId: id,
    householdCode: text,
    changed: z.array(z.string()),
    before: z.looseObject({}),
    after: z.looseObject({}),
  }),
  /** One 联农带农 income of a household in a year (POST /api/households/:id/linkage-entries). */
  LINKAGE_ENTRY_RECORDED: z.strictObject({
    entryId: id,
    householdId: id,
    year: z.number().int(),
    kind: z.string(),
    amountFen: fen,
    projectId: id.nullable(),
    assetId: id.nullable(),
  }),
  INCOME_DISTRIBUTED: z.strictObject({ period: z.string(), incomeFen: fen, distributedFen: fen, dividendRateBp: z.number().int() }),
  EVALUATION_SUBMITTED: z.strictObject({
    evaluationId: id,
    scoreTenths: z.number().int(),
    grade: z.string(),
    outcomeClass: z.string(),
    suggestedOutcome: z.string().optional(),
    outcomeReason: z.string().nullable().optional(),
  }),
  ...each(['EVALUATION_APPROVED', 'EVALUATION_REJECTED'] as const, z.strictObject({ evaluationId: id, grade: z.string() })),
  RECTIFICATION_OPENED: z.strictObject({ rectificationId: id, kind: z.string() }),
  ...each(['RECTIFICATION_PLANNED', 'RECTIFICATION_DONE'] as const, z.strictObject({ rectificationId: id, dueAt: isoInstant.nullable() })),
  REPLACEMENT_PROPOSED: z.strictObject({ replacementProjectId: id }),
  PROJECT_REPLACED: z.strictObject({ replacementProjectId: id, redirectedFen: fen }),
  PROJECT_REPLACES: z.strictObject({ replacedProjectId: id, redirectedFen: fen }),

  // Fault-tolerance review (activities/review-*.ts, src/db/complete-corrective-measure.ts)
  ...each(
    REVIEW_EVENT_TYPES.map((t) => `REVIEW_${t}` as const),
    ZReviewActionDetails,
  ),
  REVIEW_ELIGIBILITY_NOTIFIED: z.strictObject({
    trigger: z.string(),
    triggerRef: z.string(),
    windowDays: z.number().int(),
    closesAt: isoInstant,
    officials: z.array(z.strictObject({ userId: id, bases: z.array(z.string()) })),
  }),
  REVIEW_ELIGIBILITY_EXPIRED: z.strictObject({ trigger: z.string(), triggerRef: z.string(), closesAt: isoInstant, userIds: ids }),
  CORRECTIVE_MEASURES_OPENED: z.strictObject({
    tasks: z.array(z.strictObject({ taskId: id, measureId: id, orgUnitId: id, role: z.string(), dueAt: isoInstant })),
    untracked: z.array(z.strictObject({ measureId: id, projectId: id, orgUnitId: id })),
  }),
  INBOX_TASKS_UNTRACKED: z.strictObject({ projectIds: ids, reason: z.string() }),
  CORRECTIVE_MEASURE_DONE: z.strictObject({ measureId: id, taskId: id, evidence: z.array(z.string()), dueAt: isoInstant.nullable(), overdue: z.boolean() }),
  HONOUR_AWARDED: z.strictObject({ officialId: id, projectId: id, title: text }),

  // Accounts, sign-in and administration (src/http/routes/*)
  LOGIN: z.strictObject({ ip: z.string() }),
  LOGIN_FAILED: z.strictObject({ ip: z.string(), username: z.string(), reason: z.enum(['UNKNOWN_USER', 'DEACTIVATED', 'WRONG_PASSWORD']) }),
  LOGOUT: z.strictObject({ revoked: z.number().int() }),
  PASSWORD_CHANGED: z.strictObject({ otherSignInsRevoked: z.number().int(), personalTokensRevoked: z.number().int() }),
  PASSWORD_RESET: z.strictObject({ signInsRevoked: z.number().int(), personalTokensRevoked: z.number().int() }),
  TOKEN_CREATED: z.strictObject({ name: text }),
  TOKEN_REVOKED: none,
  USER_CREATED: z.strictObject({ username: z.string(), homeOrgUnitId: id, roles: z.array(z.strictObject({ role: z.string(), orgUnitId: id })) }),
  USER_DEACTIVATED: none,
  ROLE_ASSIGNED: ZAdminRole,
  ROLE_WITHDRAWN: ZAdminRole,
  ORG_UNIT_CREATED: z.strictObject({ name: text, level: z.string(), parentId: id.nullable() }),
  COUNTY_SETTINGS_CHANGED: z.strictObject({
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    sourceBefore: z.string(),
    changes: z.array(z.strictObject({ path: z.string(), before: z.unknown(), after: z.unknown() })),
  }),

  // Notifications (src/http/routes/notifications.ts): never a secret, only whether one was given
  NOTIFICATIONS_READ: z.strictObject({ count: z.number().int() }),
  NOTIFICATION_ADDRESS_SET: z.strictObject({ emailSet: z.boolean() }),
  ...each(
    ['NOTIFICATION_CHANNEL_CREATED', 'NOTIFICATION_CHANNEL_CHANGED'] as const,
    z.strictObject({ countyId: id, kind: z.string(), name: text, enabled: z.boolean(), configReplaced: z.boolean() }),
  ),

  // Attachments, the project's archive (src/http/routes/attachments.ts): the sha256 names the stored bytes
  ATTACHMENT_UPLOADED: z.strictObject({
    attachmentId: id,
    kind: z.string(),
    fileName: text,
    contentType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),

  // Printable documents (src/db/document-numbers.ts): the number a county official issued a 批复 under
  DOCUMENT_NUMBER_ISSUED: z.strictObject({ kind: z.string(), number: text, countyId: id, year: z.number().int(), seq: z.number().int() }),
};

type TCatalogue = typeof AUDIT_DETAILS;
export type TAuditAction = keyof TCatalogue;
export const AUDIT_ACTIONS = Object.keys(AUDIT_DETAILS) as TAuditAction[];
export const ZAuditAction = z.enum(AUDIT_ACTIONS as [TAuditAction, ...TAuditAction[]]);

/** What a writer passes as `details` for one action (omitted where the action writes none or may write none). */
export type TAuditDetails<A extends TAuditAction> = z.input<TCatalogue[A]>;
/** Omit over each member of a union (the built-in Omit would merge the actions into one). */
export type TOmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type TDetailsField<A extends TAuditAction> = undefined extends TAuditDetails<A> ? { details?: TAuditDetails<A> } : { details: TAuditDetails<A> };

/** An action with its details, as a discriminated union: a literal action narrows the details a writer must give. */
export type TAuditPayload = { [A in TAuditAction]: { action: A } & TDetailsField<A> }[TAuditAction];

/** A row refused by the catalogue: the action, and the field (`details.<path>`, or `action`) that does not fit. */
export class AuditCatalogueError extends Error {
  readonly code = 'AUDIT_DETAILS_INVALID';
  constructor(
    readonly action: string,
    readonly field: string,
    detail: string,
  ) {
    super(`audit event ${action}: ${field}: ${detail}`);
    this.name = 'AuditCatalogueError';
  }
}

/** Checks an action and its details against the catalogue; throws AuditCatalogueError, else returns them typed. */
export function checkAuditPayload(payload: { action: string; details?: unknown }): TAuditPayload {
  const { action, details } = payload;
  if (!Object.hasOwn(AUDIT_DETAILS, action)) throw new AuditCatalogueError(action, 'action', 'not in the audit catalogue');
  const result = (AUDIT_DETAILS[action as TAuditAction] as z.ZodType).safeParse(details);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = ['details', ...issue.path.map(String), ...keys.slice(0, 1)].join('.');
    throw new AuditCatalogueError(action, path, issue.message);
  }
  return payload as TAuditPayload;
}
