/**
 * When a failed delivery is tried again: the base delay doubling with each attempt, capped. After
 * `maxAttempts` attempts it is given up (FAILED) and stays in the delivery log.
 */
export interface TRetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export function retryDelayMs(policy: TRetryPolicy, attemptsMade: number): number | null {
  if (attemptsMade >= policy.maxAttempts) return null;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attemptsMade - 1));
}
