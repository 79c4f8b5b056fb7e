/**
 * Typed domain errors. Every refusal the system makes carries one of these codes, so clients,
 * tests and the audit log can tell refusals apart without parsing messages.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  ROLE_NOT_ALLOWED: 403,
  OUT_OF_SCOPE: 403,
  SEPARATION_OF_DUTIES: 403,
  /** An unsafe request a browser sent from another origin (another port of the host included): CSRF. */
  CROSS_ORIGIN_REFUSED: 403,
  NOT_FOUND: 404,
  /** The path exists, the method does not (the answer's Allow header lists those that do). */
  METHOD_NOT_ALLOWED: 405,
  /** The client took too long to send its request (Node's request timeout). */
  REQUEST_TIMEOUT: 408,
  TASK_NOT_PENDING: 409,
  TRANSITION_NOT_ALLOWED: 409,
  CONFLICT: 409,
  DUPLICATE_REQUEST: 409,
  /** An edit named the version it read, and someone else has saved a newer one since: reload. */
  VERSION_CONFLICT: 409,
  /** An upload above the attachment size limit (ATTACHMENT_MAX_MB); nothing is stored. */
  FILE_TOO_LARGE: 413,
  /** An upload whose first bytes are none of the accepted types (PDF, PNG, JPEG, DOCX, XLSX); nothing is stored. */
  UNSUPPORTED_FILE_TYPE: 415,
  RATE_LIMITED: 429,
  /** The request's headers exceed Node's limit (16 KiB). */
  HEADERS_TOO_LARGE: 431,
  SERVICE_UNAVAILABLE: 503,
  /** The database cannot be reached; the request may be retried with the same requestId. */
  DATABASE_UNAVAILABLE: 503,
  /** The Temporal server cannot be reached; likewise. */
  TEMPORAL_UNAVAILABLE: 503,
  INTERNAL: 500,
  // Approval-step refusals (src/domain/approval): each rule has its own code so the inbox and the
  // audit log can tell "not yours" from "too late" from "try again tomorrow".
  NOT_A_CANDIDATE: 403,
  TASK_CLAIMED: 409,
  ALREADY_SIGNED: 409,
  WITHDRAW_NOT_ALLOWED: 409,
  REASON_REQUIRED: 400,
  RETURN_TARGET_INVALID: 400,
  TRANSFER_TARGET_INELIGIBLE: 422,
  URGE_RATE_LIMITED: 429,
  // Fault-tolerance review refusals (src/domain/fault-tolerance, domain.md §3): each rule of the
  // procedure refuses with its own code so the web app can explain it and the audit log count it.
  APPLICATION_WINDOW_CLOSED: 409,
  CASE_INADMISSIBLE: 422,
  NOT_A_CONCERNED_OFFICIAL: 403,
  CONFLICT_OF_INTEREST: 403,
  NOT_A_MEMBER: 403,
  ALREADY_VOTED: 409,
  QUORUM_NOT_REACHED: 409,
  NO_MAJORITY: 409,
  FINDINGS_INCOMPLETE: 422,
  EXEMPTION_NOT_JUSTIFIED: 422,
  APPEAL_WINDOW_CLOSED: 409,
  APPEAL_ALREADY_USED: 409,
  NEW_PEOPLE_REQUIRED: 403,
  /** An honour (表彰) for a project whose latest approved evaluation is not 优. */
  GRADE_NOT_EXCELLENT: 422,
  /** An honour (表彰) for an official while a review outcome counts against them (affectsHonours). */
  HONOURS_SUSPENDED: 422,
  /** No holder of the deciding roles in the county is free of conflict (or new to the case, on appeal). */
  DECIDING_BODY_UNAVAILABLE: 409,
  // Project lifecycle after funding (src/domain/lifecycle/project-commands.ts).
  TRANCHE_NOT_RELEASABLE: 409,
  PAYMENT_IN_PROGRESS: 409,
  PROGRESS_NOT_COMPLETE: 409,
  REPORT_NOT_FOUND: 404,
  DEFECT_NOT_FOUND: 404,
  ALREADY_VERIFIED: 409,
  NO_ASSETS_REGISTERED: 409,
  REPLACEMENT_NOT_IN_POOL: 409,
  /** A payment request above what its tranche may release now (`body.command.amountFen`). */
  AMOUNT_EXCEEDS_RELEASABLE: 409,
  /** An allocation above the project's fiscal sources (own capital and bank loans are not allocated). */
  FISCAL_SOURCES_EXCEEDED: 409,
  /** No fiscal source (or not the one named) has the payment's amount left of its allocation. */
  FISCAL_SOURCE_EXHAUSTED: 409,
  /** A township approval without its five checks, each passed (`checks.<name>`). */
  CHECKS_REQUIRED: 400,
  // Printable documents (src/domain/documents): a document that states a decision before it exists.
  /** The 立项批复 before the county's approval (县领导小组审定) is recorded. */
  APPROVAL_NOT_RECORDED: 409,
  /** The printable 批复 before a county official has issued it (POST …/approval-document), so it has no number yet. */
  DOCUMENT_NOT_ISSUED: 409,
  /** The acceptance report (验收报告) before an inspection round is decided. */
  ACCEPTANCE_NOT_RECORDED: 409,
  // Asset register (src/domain/assets/asset-register.ts).
  /** A ledger import with bad rows: nothing is written; every bad row is a detail (row, column, code). */
  LEDGER_ROWS_INVALID: 422,
} as const satisfies Record<string, 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 415 | 422 | 429 | 431 | 500 | 503>;

/**
 * The codes a refusal may carry. The table above is the only list: a workflow or activity that
 * refuses with a code missing from it fails typecheck (through `TRefusal`), instead of leaving the
 * API as a silent 409 CONFLICT.
 */
export type TErrorCode = keyof typeof ERROR_STATUS;

export interface TErrorDetail {
  /** Dotted path of the offending field, e.g. `body.budgetFen`; empty for whole-request errors. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly details: TErrorDetail[];

  constructor(code: TErrorCode, message: string, details: TErrorDetail[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/**
 * A typed "no", the one shape every rule returns: machine guards, Update validators, policies and
 * the routes' pre-checks. `field` is the dotted path of the offending input, '' when the whole
 * request is refused.
 */
export interface TRefusal {
  code: TErrorCode;
  message: string;
  field: string;
}

/** The one way to build a refusal. */
export function refusal(code: TErrorCode, message: string, field = ''): TRefusal {
  return { code, message, field };
}

/**
 * A refusal as the API answers it (the code's status, the field as the detail's path). `detail`
 * is the detail's own short message (the refusal's message by default); null answers with no
 * detail, for refusals the API has always given without one.
 */
export function refusalToAppError(refused: TRefusal, detail?: string | null): AppError {
  if (detail === null) return new AppError(refused.code, refused.message);
  return new AppError(refused.code, refused.message, [{ path: refused.field, message: detail ?? refused.message }]);
}

/**
 * What a workflow hands `ApplicationFailure.create` for a refusal: the code as the failure type
 * (src/http/errors.ts maps it back through ERROR_STATUS), never retried, the field as the detail.
 * Pure, so domain code can build it and only the workflow imports Temporal.
 */
export function refusalFailureOptions(refused: TRefusal) {
  return {
    type: refused.code,
    message: refused.message,
    nonRetryable: true,
    details: [{ path: refused.field, message: refused.message }],
  };
}

export function isErrorCode(value: unknown): value is TErrorCode {
  return typeof value === 'string' && value in ERROR_STATUS;
}
