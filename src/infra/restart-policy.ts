/**
 * When the dev stack restarts a child that died, and when it stops trying. Pure: the supervisor
 * (supervise-process.ts) feeds it how long each run lasted.
 */
export interface TRestartPolicy {
  /** Wait before the first restart of a streak; doubles with each failure in a row. */
  initialDelayMs: number;
  /** The doubling stops here. */
  maxDelayMs: number;
  /** A run that lasted this long was healthy: its death starts a new streak. */
  healthyAfterMs: number;
  /** The failure that makes the streak this long is not restarted: the stack gives up. */
  maxFailuresInARow: number;
}

/** 1 s, 2 s, 4 s … 30 s; a minute up forgives the past; the 8th failure in a row (~90 s of trying) gives up. */
export const DEFAULT_RESTART_POLICY: TRestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  maxFailuresInARow: 8,
};

/** The streak after a run of `uptimeMs` ended: one more failure, or the first of a new streak. */
export function failuresInARowAfter(policy: TRestartPolicy, previous: number, uptimeMs: number): number {
  return uptimeMs >= policy.healthyAfterMs ? 1 : previous + 1;
}

/** How long to wait before restarting after the `failuresInARow`-th failure, or null: give up. */
export function restartDelayMs(policy: TRestartPolicy, failuresInARow: number): number | null {
  if (failuresInARow >= policy.maxFailuresInARow) return null;
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failuresInARow - 1));
}
