import { refusal, type TRefusal } from '../errors';

export { refusalToAppError } from '../errors';

/**
 * A refusal as the review machine's guards and `checkReviewAction` return it: the one `TRefusal`
 * shape (src/domain/errors.ts) with `ok: false`, so a check result is `{ ok: true } | refused`.
 */
export type TRefusedCheck = TRefusal & { ok: false };

export type TCheckResult = { ok: true } | TRefusedCheck;

export const ALLOWED: { ok: true } = { ok: true };

export function refuse(...args: Parameters<typeof refusal>): TRefusedCheck {
  return { ok: false, ...refusal(...args) };
}
