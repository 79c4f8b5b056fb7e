import type { TRecordedChecks } from './approval-events';

/**
 * An approval of a step with required checks (the township review's 真实性 / 必要性 / 科学性 /
 * 完整性 / 可行性) carries every one of them, each passed: a failed check is a return or a
 * rejection, never an approval. Called by the machine's guard and so by the Update validator.
 */
export function requiredChecksRefusal({ required, checks }: { required: readonly string[]; checks?: TRecordedChecks | undefined }) {
  const missing = required.filter((name) => !checks?.[name]);
  if (missing.length) {
    return {
      code: 'CHECKS_REQUIRED' as const,
      message: `an approval needs every check recorded; missing: ${missing.join(', ')}`,
      field: `body.checks.${missing[0]}`,
    };
  }
  const failed = required.filter((name) => checks![name]!.result !== 'PASS');
  if (failed.length) {
    return {
      code: 'CHECKS_REQUIRED' as const,
      message: `an approval needs every check passed; failed: ${failed.join(', ')} (return or reject instead)`,
      field: `body.checks.${failed[0]}.result`,
    };
  }
  return null;
}
