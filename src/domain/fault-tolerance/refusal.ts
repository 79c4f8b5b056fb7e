import { AppError, type TErrorCode } from '../errors';

/**
 * A typed "no": what a Temporal Update validator throws without stepping the machine, and what the
 * machine's guards compute before refusing a transition. `field` is the dotted path of the event
 * field at fault, empty when the whole action is refused.
 */
export interface TRefusal {
  ok: false;
  code: TErrorCode;
  message: string;
  field: string;
}

export type TCheckResult = { ok: true } | TRefusal;

export const ALLOWED: { ok: true } = { ok: true };

export function refuse(code: TErrorCode, message: string, field = ''): TRefusal {
  return { ok: false, code, message, field };
}

export function refusalToAppError(refusal: TRefusal): AppError {
  return new AppError(refusal.code, refusal.message, [{ path: refusal.field, message: refusal.message }]);
}
