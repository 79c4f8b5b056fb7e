import type { z } from 'zod';
import { AppError, type TErrorDetail } from '../errors';

/** Zod issues → the `{ path, message }` details every AppError carries (dotted paths). */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix = ''): TErrorDetail[] {
  const join = (parts: readonly PropertyKey[]) => [prefix, ...parts.map(String)].filter((part) => part !== '').join('.');
  return issues.flatMap((issue) =>
    // Point at the misspelt key itself, so a form can highlight it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: 'Unrecognized key' }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

/**
 * Parse policy input or throw `VALIDATION_FAILED`. Policies are called by workflows and HTTP
 * handlers alike; validating here means a bad figure can never reach the arithmetic.
 */
export function parseOrThrow<TSchema extends z.ZodType>(schema: TSchema, input: unknown, what: string): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('VALIDATION_FAILED', `Invalid ${what}`, issuesToDetails(result.error.issues));
  }
  return result.data;
}
