import { expect } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';

/** The Update fails with this error type (the typed code the API turns into a status) and, if given, names this field. */
export async function expectUpdateRefused(p: Promise<unknown>, code: string, path?: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as { cause?: { type?: string; message?: string; details?: unknown[] } }).cause;
  expect(cause?.type, cause?.message).toBe(code);
  if (path) expect((cause?.details as Array<{ path: string }>).map((x) => x.path)).toContain(path);
}
