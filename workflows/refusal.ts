import * as wf from '@temporalio/workflow';
import { refusalFailureOptions, type TErrorCode, type TRefusal } from '../src/domain/errors';

/**
 * Refuses an Update (from its validator or handler): a non-retryable ApplicationFailure whose type
 * is the refusal's code and whose details name the offending field, which the API turns into its
 * typed error answer. The code is a TErrorCode: one missing from `ERROR_STATUS` would answer a
 * bare 409, so it does not compile.
 */
export function fail(refused: TRefusal): never {
  throw wf.ApplicationFailure.create(refusalFailureOptions(refused));
}

/** `fail` with the refusal's three parts given one by one. */
export function refuse(code: TErrorCode, message: string, field: string): never {
  return fail({ code, message, field });
}
