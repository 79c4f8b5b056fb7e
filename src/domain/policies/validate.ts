import type * as z from '../shape';
import { AppError, type TErrorDetail } from '../errors';

/** An issue as Zod and shapes report it (src/domain/shape). */
interface TSchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** Zod's or a shape's issues → the `{ path, message }` details every AppError carries (dotted paths). */
export function issuesToDetails(issues: readonly TSchemaIssue[], prefix = ''): TErrorDetail[] {
  const join = (parts: readonly PropertyKey[]) => [prefix, ...parts.map(String)].filter((part) => part !== '').join('.');
  return issues.flatMap((issue) =>
    // Point at the misspelt key itself, so a form can highlight it.
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: 'Unrecognized key' }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

/**
 * Parse policy input or throw `VALIDATION_FAILED`. Policies are called by workflows and HTTP
 * handlers alike; validating here means a bad figure can never reach the arithmetic.
 */
export function parseOrThrow<TSchema extends z.Shape>(schema: TSchema, input: unknown, what: string): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('VALIDATION_FAILED', `Invalid ${what}`, issuesToDetails(result.error.issues));
  }
  return result.data as z.output<TSchema>;
}
