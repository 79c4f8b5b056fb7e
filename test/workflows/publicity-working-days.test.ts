import { describe, expect, it } from 'vitest';
import { fromDayNumber, toDayNumber } from '../../src/domain/policies/calendar-date';
import { shanghaiDate, workingDaysClosesAt } from '../../src/domain/policies/working-days';
import { timeSkippingLifecycle } from '../support/time-skipping-lifecycle';

/**
 * Issue #18: a publicity period counts working days on the county's calendar, through the project
 * workflow on the time-skipping server. The server starts at today's date, past the built-in
 * years, so the county's calendar here declares a week of holidays starting tomorrow (each date
 * filed under its own year, as the settings require).
 */
const t = timeSkippingLifecycle('working-days');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A calendar whose holidays are the `count` days after `today` ('YYYY-MM-DD', Shanghai). */
type TYears = Record<string, { holidays: string[]; adjustedWorkdays: string[] }>;

function holidaysAfter(today: string, count: number): { calendar: TYears; holidays: string[] } {
  const holidays = Array.from({ length: count }, (_, i) => fromDayNumber(toDayNumber(today) + 1 + i));
  const calendar: TYears = {};
  for (const date of holidays) (calendar[date.slice(0, 4)] ??= { holidays: [], adjustedWorkdays: [] }).holidays.push(date);
  return { calendar, holidays };
}

const villagePublicity = (projectId: string) =>
  t.s.db.prisma.publicity.findFirst({ where: { projectId, kind: 'VILLAGE' } }).then((row) => {
    if (!row) throw new Error(`no village publicity of ${projectId} yet`);
    return row;
  });

describe('publicity periods count working days (issue #18)', () => {
  it('a county that takes the holiday out of its calendar gets the shorter period', async () => {
    const today = shanghaiDate(await t.s.env.currentTimeMs());
    const { calendar, holidays } = holidaysAfter(today, 7);
    const withHoliday = await t.d.startProject('桃源村节前公示', 2027, { settings: { publicity: { villageDays: 3 }, workingDays: { calendar } } });
    // The same county with the holiday removed from its calendar (the year left empty).
    const emptied = Object.fromEntries(Object.keys(calendar).map((year) => [year, { holidays: [], adjustedWorkdays: [] }]));
    const without = await t.d.startProject('桃源村无节假日', 2027, { settings: { publicity: { villageDays: 3 }, workingDays: { calendar: emptied } } });

    await expect
      .poll(() => t.s.db.prisma.publicity.count({ where: { projectId: { in: [withHoliday.projectId, without.projectId] } } }), { timeout: 15_000 })
      .toBe(2);
    const long = await villagePublicity(withHoliday.projectId);
    const short = await villagePublicity(without.projectId);

    // The row's end is the policy's: three working days after the holiday week, not three calendar days.
    expect(long.endsAt.getTime()).toBe(workingDaysClosesAt({ openedAt: long.startsAt.getTime(), workingDays: 3, calendar }));
    expect(shanghaiDate(long.endsAt.getTime() - 1) > holidays.at(-1)!).toBe(true);
    expect(long.endsAt.getTime() - long.startsAt.getTime()).toBeGreaterThan(10 * DAY);
    expect(short.endsAt.getTime()).toBe(workingDaysClosesAt({ openedAt: short.startsAt.getTime(), workingDays: 3, calendar: emptied }));
    expect(short.endsAt.getTime() - short.startsAt.getTime()).toBeLessThanOrEqual(6 * DAY);

    // Past the short period's end: that project is in the township review, the other still on show.
    await t.s.env.sleep(short.endsAt.getTime() - (await t.s.env.currentTimeMs()) + MINUTE);
    await t.d.waitForStage(without.projectId, 'TOWNSHIP_REVIEW');
    expect(await t.d.stageOf(withHoliday.projectId)).toBe('VILLAGE_PUBLICITY');

    // A minute before the long period's end it is still on show; its end closes it.
    await t.s.env.sleep(long.endsAt.getTime() - (await t.s.env.currentTimeMs()) - MINUTE);
    expect(await t.d.stageOf(withHoliday.projectId)).toBe('VILLAGE_PUBLICITY');
    await t.s.env.sleep(2 * MINUTE);
    await t.d.waitForStage(withHoliday.projectId, 'TOWNSHIP_REVIEW');
    expect((await villagePublicity(withHoliday.projectId)).outcome).toBe('PASSED');

    for (const p of [withHoliday, without]) await p.handle.terminate('test done');
  }, 120_000);
});
