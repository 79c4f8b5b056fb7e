import * as z from '../shape';

/**
 * Calendar dates as 'YYYY-MM-DD' strings, meaning the date in Asia/Shanghai. Deadlines in the
 * domain ("one year after handover", "households that left monitoring on …") are calendar
 * dates, not instants; the caller converts its clock instant to the Shanghai date once, and the
 * policies stay free of time zones and of any clock.
 */
// A plain regex plus a round-trip check rather than `z.iso.date()`: the Temporal workflow sandbox
// (which runs these policies) rejects every string with `z.iso.date()` ("expected date").
export const ZCalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((date) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const d = new Date(Date.UTC(year, month - 1, day));
    return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  }, 'must be a real calendar date');
export type TCalendarDate = z.infer<typeof ZCalendarDate>;

const MS_PER_DAY = 86_400_000;

function parts(date: string): [number, number, number] {
  const [year, month, day] = date.split('-').map(Number);
  return [year, month, day];
}

/** Days since 1970-01-01 (proleptic Gregorian); only differences are meaningful. */
export function toDayNumber(date: string): number {
  const [year, month, day] = parts(date);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function fromDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Same day `months` later; when that day does not exist the month's last day is used, so a
 * handover on 2024-02-29 plus 12 months is 2025-02-28 (never spilling into March).
 */
export function addMonths({ date, months }: { date: string; months: number }): string {
  const [year, month, day] = parts(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12; // 0-based
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const targetDay = Math.min(day, lastDay);
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth + 1).padStart(2, '0')}-${String(targetDay).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' strings compare correctly as strings; this names the intent. */
export function isOnOrAfter({ date, reference }: { date: string; reference: string }): boolean {
  return date >= reference;
}
