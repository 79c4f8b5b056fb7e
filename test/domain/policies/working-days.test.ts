import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDayNumber, toDayNumber } from '../../../src/domain/policies/calendar-date';
import {
  addWorkingDays,
  isWorkingDay,
  shanghaiDate,
  STATE_COUNCIL_CALENDAR as CN,
  workingDaysClosesAt,
  type TWorkdayCalendar,
} from '../../../src/domain/policies/working-days';

const at = (iso: string) => Date.parse(iso);
/** Any date of 2024–2027: the built-in years, and a year on either side that has no entry. */
const anyDate = fc.integer({ min: toDayNumber('2024-01-01'), max: toDayNumber('2027-12-31') }).map(fromDayNumber);
const anyN = fc.integer({ min: 0, max: 60 });
const holidays = [...CN['2025']!.holidays, ...CN['2026']!.holidays];
const adjusted = [...CN['2025']!.adjustedWorkdays, ...CN['2026']!.adjustedWorkdays];

/** Working days strictly after `from` up to and including `to`, counted one by one. */
const countBetween = (from: string, to: string, calendar: TWorkdayCalendar) => {
  let n = 0;
  for (let d = toDayNumber(from) + 1; d <= toDayNumber(to); d++) if (isWorkingDay({ date: fromDayNumber(d), calendar })) n++;
  return n;
};

describe('isWorkingDay', () => {
  it('follows the State Council notices', () => {
    expect(isWorkingDay({ date: '2025-10-01', calendar: CN })).toBe(false); // 国庆
    expect(isWorkingDay({ date: '2025-10-08', calendar: CN })).toBe(false); // 国庆, a Wednesday
    expect(isWorkingDay({ date: '2025-09-28', calendar: CN })).toBe(true); // adjusted Sunday
    expect(isWorkingDay({ date: '2025-10-11', calendar: CN })).toBe(true); // adjusted Saturday
    expect(isWorkingDay({ date: '2025-10-12', calendar: CN })).toBe(false); // a plain Sunday
    expect(isWorkingDay({ date: '2026-02-23', calendar: CN })).toBe(false); // 春节, a Monday
    expect(isWorkingDay({ date: '2026-02-28', calendar: CN })).toBe(true); // adjusted Saturday
    expect(isWorkingDay({ date: '2027-01-01', calendar: CN })).toBe(true); // a Friday of a year not in the calendar
  });

  it('every holiday is off and every adjusted workday is on', () => {
    for (const date of holidays) expect(isWorkingDay({ date, calendar: CN }), date).toBe(false);
    for (const date of adjusted) expect(isWorkingDay({ date, calendar: CN }), date).toBe(true);
  });
});

describe('addWorkingDays', () => {
  it('a 10-working-day period from 2025-09-30 runs across 国庆 to 2025-10-21, counting the adjusted Saturday 10-11', () => {
    expect(addWorkingDays({ date: '2025-09-30', workingDays: 10, calendar: CN })).toBe('2025-10-21');
    // Without the adjusted Saturday it would be one day later.
    const noAdjusted = { ...CN, '2025': { ...CN['2025']!, adjustedWorkdays: [] } };
    expect(addWorkingDays({ date: '2025-09-30', workingDays: 10, calendar: noAdjusted })).toBe('2025-10-22');
  });

  it('counts the adjusted Sunday 2025-09-28', () => {
    // Opened Friday 09-26: Sun 28 (调休), Mon 29, Tue 30, then the holiday to 10-08.
    expect(addWorkingDays({ date: '2025-09-26', workingDays: 3, calendar: CN })).toBe('2025-09-30');
    expect(addWorkingDays({ date: '2025-09-26', workingDays: 4, calendar: CN })).toBe('2025-10-09');
  });

  it('a county that removes 国庆 from its calendar gets the shorter period', () => {
    const noNationalDay = { ...CN, '2025': { ...CN['2025']!, holidays: CN['2025']!.holidays.filter((d) => !d.startsWith('2025-10')) } };
    expect(addWorkingDays({ date: '2025-09-30', workingDays: 10, calendar: noNationalDay })).toBe('2025-10-13'); // 10-01…10-10 and the adjusted Saturday 10-11
  });

  it('lands on a working day after the start, exactly N working days on', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 60 }), (date, n) => {
        const end = addWorkingDays({ date, workingDays: n, calendar: CN });
        expect(end > date).toBe(true);
        expect(isWorkingDay({ date: end, calendar: CN })).toBe(true);
        expect(countBetween(date, end, CN)).toBe(n);
      }),
    );
  });

  it('is monotone in N and 0 gives the start back', () => {
    fc.assert(
      fc.property(anyDate, anyN, anyN, (date, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addWorkingDays({ date, workingDays: lo, calendar: CN }) <= addWorkingDays({ date, workingDays: hi, calendar: CN })).toBe(true);
        expect(addWorkingDays({ date, workingDays: 0, calendar: CN })).toBe(date);
      }),
    );
  });

  it('skips every holiday: a period never ends earlier than on the same calendar without its holidays', () => {
    const bare: TWorkdayCalendar = Object.fromEntries(Object.entries(CN).map(([year, y]) => [year, { holidays: [], adjustedWorkdays: y.adjustedWorkdays }]));
    fc.assert(
      fc.property(anyDate, anyN, (date, n) => {
        expect(addWorkingDays({ date, workingDays: n, calendar: CN }) >= addWorkingDays({ date, workingDays: n, calendar: bare })).toBe(true);
      }),
    );
  });

  it('an adjusted workday is counted: adding one moves no end later', () => {
    fc.assert(
      fc.property(anyDate, anyN, fc.constantFrom(...adjusted), (date, n, extra) => {
        const without = {
          ...CN,
          [extra.slice(0, 4)]: { ...CN[extra.slice(0, 4)]!, adjustedWorkdays: CN[extra.slice(0, 4)]!.adjustedWorkdays.filter((d) => d !== extra) },
        };
        expect(addWorkingDays({ date, workingDays: n, calendar: CN }) <= addWorkingDays({ date, workingDays: n, calendar: without })).toBe(true);
      }),
    );
  });
});

describe('workingDaysClosesAt', () => {
  it('a 10-working-day village publicity opened 2025-09-30 15:00 in Shanghai closes at the start of 2025-10-22 there', () => {
    expect(workingDaysClosesAt({ openedAt: at('2025-09-30T15:00:00+08:00'), workingDays: 10, calendar: CN })).toBe(at('2025-10-22T00:00:00+08:00'));
  });

  it('takes the Shanghai date of the opening: 2025-09-29 16:30 UTC is already 09-30 there', () => {
    // Opened on 09-29 the tenth working day would be 10-20; opened on 09-30 (Shanghai) it is 10-21.
    expect(workingDaysClosesAt({ openedAt: at('2025-09-29T16:30:00Z'), workingDays: 10, calendar: CN })).toBe(at('2025-10-22T00:00:00+08:00'));
    expect(workingDaysClosesAt({ openedAt: at('2025-09-29T15:30:00Z'), workingDays: 10, calendar: CN })).toBe(at('2025-10-21T00:00:00+08:00'));
  });

  it('closes at a Shanghai midnight after the opening, on the day after a working day', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2027-10-01T00:00:00Z') }), fc.integer({ min: 1, max: 30 }), (openedAt, n) => {
        const closesAt = workingDaysClosesAt({ openedAt, workingDays: n, calendar: CN });
        expect(closesAt).toBeGreaterThan(openedAt);
        expect((closesAt + 8 * 3_600_000) % 86_400_000).toBe(0);
        expect(isWorkingDay({ date: shanghaiDate(closesAt - 1), calendar: CN })).toBe(true);
      }),
    );
  });
});
