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
  NOT_FOUND: 404,
  TASK_NOT_PENDING: 409,
  TRANSITION_NOT_ALLOWED: 409,
  CONFLICT: 409,
  DUPLICATE_REQUEST: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

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

export function isErrorCode(value: unknown): value is TErrorCode {
  return typeof value === 'string' && value in ERROR_STATUS;
}
