/**
 * Deadlines counted in calendar days in China Standard Time, the way the notices state them
 * ("自收到之日起15日内"): the window closes at midnight Asia/Shanghai at the end of the last day, so an
 * official notified late in the evening still gets the full number of days. China has no daylight
 * saving, so a fixed +08:00 offset is exact and needs no time-zone database.
 */
export const DAY_MS = 86_400_000;
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The first instant at which the window is closed: an action at `at` is in time iff `at < closesAt`. */
export function windowClosesAt({ openedAt, days }: { openedAt: number; days: number }): number {
  const localDayStart = Math.floor((openedAt + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS;
  return localDayStart + (days + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
}

export function isWithinWindow({ at, closesAt }: { at: number; closesAt: number }): boolean {
  return at < closesAt;
}

/** `YYYY年M月D日` in Asia/Shanghai, for notices. */
export function formatDateZh(at: number): string {
  const d = new Date(at + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}
