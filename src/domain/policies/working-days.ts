import { DAY_MS, SHANGHAI_OFFSET_MS } from '../fault-tolerance/deadlines';
import { fromDayNumber, toDayNumber } from './calendar-date';

/**
 * Working days (工作日) in mainland China: Monday to Friday, except the statutory holidays
 * (法定节假日), plus the weekend days the State Council moves work to (调休). The State Council
 * publishes each year's arrangement in November of the year before, so a calendar is data, one
 * entry per year, and a county may correct it (its settings, `workingDays.calendar`).
 *
 * A year missing from the calendar counts Monday to Friday: better a period a holiday too short
 * than one that never ends, and the administrator sees the missing year in the settings page.
 */
export interface TWorkdayYear {
  /** Days off by the notice (放假), weekend days inside a holiday included: 'YYYY-MM-DD'. */
  holidays: readonly string[];
  /** Weekend days that are working days (调休上班): 'YYYY-MM-DD'. */
  adjustedWorkdays: readonly string[];
}
/** By year ('2025'). */
export type TWorkdayCalendar = Readonly<Record<string, TWorkdayYear>>;

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
const weekday = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7;

/** Looks a date up in its year's lists; sets are built once per calendar object. */
function lookup(calendar: TWorkdayCalendar) {
  const cached = LOOKUPS.get(calendar);
  if (cached) return cached;
  const holidays = new Set<string>();
  const adjusted = new Set<string>();
  for (const year of Object.values(calendar)) {
    year.holidays.forEach((d) => holidays.add(d));
    year.adjustedWorkdays.forEach((d) => adjusted.add(d));
  }
  const made = { holidays, adjusted };
  LOOKUPS.set(calendar, made);
  return made;
}
const LOOKUPS = new WeakMap<object, { holidays: Set<string>; adjusted: Set<string> }>();

function isWorkingDayNumber(dayNumber: number, calendar: TWorkdayCalendar): boolean {
  const { holidays, adjusted } = lookup(calendar);
  const date = fromDayNumber(dayNumber);
  if (adjusted.has(date)) return true;
  if (holidays.has(date)) return false;
  const wd = weekday(dayNumber);
  return wd !== 0 && wd !== 6;
}

/** Is this date ('YYYY-MM-DD', Asia/Shanghai) a working day? */
export function isWorkingDay({ date, calendar }: { date: string; calendar: TWorkdayCalendar }): boolean {
  return isWorkingDayNumber(toDayNumber(date), calendar);
}

/**
 * The `workingDays`-th working day after `date` (which itself does not count, as in "自…之日起N个
 * 工作日": the first day is not counted). 0 gives `date` back.
 */
export function addWorkingDays({ date, workingDays, calendar }: { date: string; workingDays: number; calendar: TWorkdayCalendar }): string {
  let day = toDayNumber(date);
  for (let left = workingDays; left > 0;) {
    day += 1;
    if (isWorkingDayNumber(day, calendar)) left -= 1;
  }
  return fromDayNumber(day);
}

/** The date in Asia/Shanghai of an instant (ms since the epoch). */
export function shanghaiDate(at: number): string {
  return fromDayNumber(Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/**
 * The first instant a period of `workingDays` working days opened at `openedAt` is over: midnight
 * Asia/Shanghai at the end of its last working day (an act at `at` is in time iff `at < closesAt`,
 * as `windowClosesAt` for calendar days). 0 working days close at once.
 */
export function workingDaysClosesAt({ openedAt, workingDays, calendar }: { openedAt: number; workingDays: number; calendar: TWorkdayCalendar }): number {
  if (workingDays <= 0) return openedAt;
  const lastDay = addWorkingDays({ date: shanghaiDate(openedAt), workingDays, calendar });
  return (toDayNumber(lastDay) + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/**
 * The working-day calendar from the State Council's notices, the default of every county:
 * 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号） and
 * 关于2026年部分节假日安排的通知 (dated 2025-11-04; checked against the text Xinhua published,
 * politics.gmw.cn/2025-11/04/content_38391083.htm, when this was written).
 */
export const STATE_COUNCIL_CALENDAR: TWorkdayCalendar = {
  '2025': {
    holidays: [
      '2025-01-01', // 元旦
      ...range('2025-01-28', '2025-02-04'), // 春节
      ...range('2025-04-04', '2025-04-06'), // 清明节
      ...range('2025-05-01', '2025-05-05'), // 劳动节
      ...range('2025-05-31', '2025-06-02'), // 端午节
      ...range('2025-10-01', '2025-10-08'), // 国庆节、中秋节
    ],
    adjustedWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  '2026': {
    holidays: [
      ...range('2026-01-01', '2026-01-03'), // 元旦
      ...range('2026-02-15', '2026-02-23'), // 春节
      ...range('2026-04-04', '2026-04-06'), // 清明节
      ...range('2026-05-01', '2026-05-05'), // 劳动节
      ...range('2026-06-19', '2026-06-21'), // 端午节
      ...range('2026-09-25', '2026-09-27'), // 中秋节
      ...range('2026-10-01', '2026-10-07'), // 国庆节
    ],
    adjustedWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

/** Every date from `first` to `last`, both included. */
function range(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = toDayNumber(first); d <= toDayNumber(last); d++) out.push(fromDayNumber(d));
  return out;
}

/** Saturday or Sunday: the only days an adjusted workday (调休上班) can be. */
export const isWeekend = (date: string) => {
  const wd = weekday(toDayNumber(date));
  return wd === 0 || wd === 6;
};
